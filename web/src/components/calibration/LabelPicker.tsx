// A calibration label: violating (with its taxonomy category) or not violating. Used for a reviewer's answer and
// for the lead's answer key.
import { humanize } from '../../format.js';
import { CALIBRATION_VERDICTS, type CalibrationLabel, type CalibrationVerdict } from '../../calibration-api.js';
import type { TaxonomyCategory } from '../../review-api.js';

export interface LabelDraft {
  verdict: CalibrationVerdict | '';
  category: string;
}

export const draftOf = (l: CalibrationLabel | null | undefined): LabelDraft => ({ verdict: l?.verdict ?? '', category: l?.category ?? '' });

/** The label a complete draft stands for; null while a verdict (or a violating verdict's category) is missing. */
export function labelFrom(d: LabelDraft): CalibrationLabel | null {
  if (d.verdict === '') return null;
  if (d.verdict === 'violating') return d.category ? { verdict: 'violating', category: d.category } : null;
  return { verdict: 'not_violating', category: null };
}

export function sameLabel(a: CalibrationLabel | null | undefined, b: CalibrationLabel | null | undefined): boolean {
  return !!a && !!b && a.verdict === b.verdict && (a.verdict !== 'violating' || a.category === b.category);
}

export function formatLabel(l: CalibrationLabel | null | undefined): string {
  if (!l) return '—';
  return l.verdict === 'violating' ? `Violating (${l.category ?? '?'})` : 'Not violating';
}

/** 'violating:CSE-05' / 'not_violating' (the server's label keys) in words. */
export function formatLabelKey(key: string): string {
  const [verdict, category] = key.split(':');
  return verdict === 'violating' ? `Violating (${category ?? '?'})` : humanize(verdict);
}

export function LabelPicker({
  name,
  value,
  onChange,
  categories,
  disabled,
}: {
  /** Distinguishes the radio groups on one page; also the data-testid prefix. */
  name: string;
  value: LabelDraft;
  onChange(next: LabelDraft): void;
  categories: TaxonomyCategory[];
  disabled?: boolean;
}) {
  return (
    <div className="label-picker-row" data-testid={name}>
      <fieldset className="verdicts" disabled={disabled}>
        <legend className="sr-only">Verdict</legend>
        {CALIBRATION_VERDICTS.map((v) => (
          <label key={v} className={`check verdict-choice verdict-choice-${v}`}>
            <input
              type="radio"
              name={`${name}-verdict`}
              value={v}
              checked={value.verdict === v}
              onChange={() => onChange({ verdict: v, category: v === 'violating' ? value.category : '' })}
            />
            {humanize(v)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span className="sr-only">Category</span>
        <select
          name={`${name}-category`}
          value={value.category}
          disabled={disabled || value.verdict !== 'violating'}
          onChange={(e) => onChange({ ...value, category: e.target.value })}
        >
          <option value="">{value.verdict === 'violating' ? 'Category (required)' : '—'}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.id} {c.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
