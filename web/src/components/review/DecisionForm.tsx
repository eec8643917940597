// The decision form of the workbench. Controlled by the workbench so the keyboard shortcuts drive the same state.
import type { FormEvent } from 'react';
import { humanize } from '../../format.js';
import type { ReviewVerdict, TaxonomyCategory } from '../../review-api.js';
import { ErrorBox } from '../ui.js';

export interface DecisionDraft {
  verdict: ReviewVerdict | null;
  category: string;
  labels: string[];
  policyClause: string;
  note: string;
  escalateTo: string;
}

export const emptyDraft = (category: string | null): DecisionDraft => ({
  verdict: null,
  category: category ?? '',
  labels: [],
  policyClause: '',
  note: '',
  escalateTo: '',
});

const VERDICT_KEY: Record<ReviewVerdict, string> = { violating: 'v', not_violating: 'n', escalate: 'e' };

export function DecisionForm({
  draft,
  onChange,
  categories,
  allowed,
  busy,
  error,
  onSubmit,
}: {
  draft: DecisionDraft;
  onChange(next: DecisionDraft): void;
  categories: TaxonomyCategory[];
  allowed: ReviewVerdict[];
  busy: boolean;
  error: unknown;
  onSubmit(): void;
}) {
  const set = (patch: Partial<DecisionDraft>) => onChange({ ...draft, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  const toggleLabel = (id: string) =>
    set({ labels: draft.labels.includes(id) ? draft.labels.filter((l) => l !== id) : [...draft.labels, id] });

  return (
    <form className="decision-form" onSubmit={submit} data-testid="decision-form">
      <fieldset className="verdicts">
        <legend>Verdict</legend>
        {allowed.map((v) => (
          <button
            key={v}
            type="button"
            className={`btn verdict-btn verdict-btn-${v}${draft.verdict === v ? ' selected' : ''}`}
            aria-pressed={draft.verdict === v}
            data-testid={`verdict-${v}`}
            onClick={(e) => {
              e.currentTarget.blur();
              set({ verdict: v });
            }}
          >
            {humanize(v)} <kbd>{VERDICT_KEY[v]}</kbd>
          </button>
        ))}
      </fieldset>
      <div className="form-grid">
        <label className="field">
          <span>Category {draft.verdict === 'violating' ? '(required)' : ''}</span>
          <select
            name="category"
            value={draft.category}
            onChange={(e) => set({ category: e.target.value })}
            data-testid="decision-category"
          >
            <option value="">—</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id} {c.name} ({c.severity})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Policy clause</span>
          <input
            name="policyClause"
            value={draft.policyClause}
            maxLength={200}
            placeholder="e.g. CSE-05 §2"
            onChange={(e) => set({ policyClause: e.target.value })}
          />
        </label>
        <div className="field field-wide">
          <span>Further labels</span>
          <div className="chips label-picker">
            {categories
              .filter((c) => c.id !== draft.category)
              .map((c) => (
                <button
                  key={c.id}
                  type="button"
                  className={`chip label-chip${draft.labels.includes(c.id) ? ' selected' : ''}`}
                  aria-pressed={draft.labels.includes(c.id)}
                  title={c.name}
                  onClick={() => toggleLabel(c.id)}
                >
                  {c.id}
                </button>
              ))}
          </div>
        </div>
        {draft.verdict === 'escalate' ? (
          <label className="field field-wide">
            <span>Escalate to (email; empty: the queue's escalation target)</span>
            <input
              name="escalateTo"
              type="email"
              value={draft.escalateTo}
              onChange={(e) => set({ escalateTo: e.target.value })}
            />
          </label>
        ) : null}
        <label className="field field-wide">
          <span>Note</span>
          <textarea name="note" rows={3} maxLength={4000} value={draft.note} onChange={(e) => set({ note: e.target.value })} />
        </label>
      </div>
      <ErrorBox error={error} title="Decision not recorded" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !draft.verdict} data-testid="submit-decision">
          {busy ? 'Submitting…' : 'Submit decision'} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}

export function draftToInput(d: DecisionDraft) {
  return {
    verdict: d.verdict as ReviewVerdict,
    category: d.verdict === 'violating' ? d.category || null : null,
    labels: d.verdict === 'violating' ? d.labels : [],
    policyClause: d.policyClause.trim() || null,
    note: d.note.trim() || null,
    escalateTo: d.verdict === 'escalate' && d.escalateTo.trim() ? d.escalateTo.trim() : null,
  };
}
