// Edit the targets the dashboard measures against (config kind 'ops_targets'); saved as a new version with a reason.
import { type FormEvent, useState } from 'react';
import { useAsync } from '../../hooks.js';
import { type OpsFigure, type OpsTargets, reviewApi } from '../../review-api.js';
import { ErrorBox, Loading, Section } from '../ui.js';

/** Ratios are edited as percentages; everything else in its own unit. */
const scale = (unit: string) => (unit === 'ratio' ? 100 : 1);

export function TargetsEditor({ figures, onSaved }: { figures: OpsFigure[]; onSaved(): void }) {
  const current = useAsync(() => reviewApi.targets(), []);
  const [values, setValues] = useState<Record<string, string> | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);

  if (current.error) return <ErrorBox error={current.error} title="Could not load targets" />;
  if (!current.data) return <Loading />;
  const doc = current.data.document;
  const shown =
    values ??
    Object.fromEntries(
      figures.map((f) => [f.key, doc[f.key] === undefined ? '' : String(+((doc[f.key] as number) * scale(f.unit)).toFixed(4))]),
    );

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const document: OpsTargets = {};
      for (const f of figures) {
        const raw = shown[f.key]?.trim() ?? '';
        if (raw !== '') document[f.key] = Number(raw) / scale(f.unit);
      }
      const v = await reviewApi.saveTargets(document, reason);
      setSaved(v.version);
      setValues(null);
      setReason('');
      current.reload();
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Targets" id="targets" aside={<span className="small muted">version {current.data.version}</span>}>
      <form onSubmit={save} data-testid="targets-editor">
        <div className="form-grid form-grid-3">
          {figures.map((f) => (
            <label key={f.key} className="field">
              <span>
                {f.label} ({f.direction === 'at_least' ? 'at least' : 'at most'}, {f.unit === 'ratio' ? '%' : f.unit})
              </span>
              <input
                name={`target-${f.key}`}
                type="number"
                step="any"
                min={0}
                value={shown[f.key] ?? ''}
                onChange={(e) => setValues({ ...shown, [f.key]: e.target.value })}
              />
            </label>
          ))}
        </div>
        <div className="form-actions">
          <input
            name="reason"
            className="field-grow"
            placeholder="Reason for the change (required)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="btn btn-primary" disabled={busy || reason.trim().length < 3}>
            {busy ? 'Saving…' : 'Save targets'}
          </button>
          {saved ? <span className="ok-text">Saved as version {saved}</span> : null}
        </div>
        <ErrorBox error={error} title="Targets not saved" />
      </form>
    </Section>
  );
}
