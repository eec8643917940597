// Review settings for the operations manager: queues (routing order matters: the first whose filters match wins),
// wellness defaults and exposure limits, QA sampling, second review and the lease. Saved as a new configuration
// version with a reason; the server's validation errors are shown as they come.
import { type FormEvent, useEffect, useState } from 'react';
import { CheckGroup, ListInput, NumberInput } from '../components/settings/fields.js';
import { QueueEditor } from '../components/settings/QueueEditor.js';
import { ReviewerProfiles } from '../components/settings/ReviewerProfiles.js';
import { ErrorBox, Loading, Section } from '../components/ui.js';
import { formatTime } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { type QueueConfig, type ReviewConfig, reviewApi, SEVERITIES } from '../review-api.js';

interface Row {
  key: number;
  queue: QueueConfig;
  /** Added in this editing session: shown open. */
  added?: boolean;
}

let nextKey = 1;
const rowsOf = (queues: QueueConfig[]): Row[] => queues.map((queue) => ({ key: nextKey++, queue }));

export function ReviewSettingsPage() {
  useDocumentTitle('Review settings');
  const current = useAsync(() => reviewApi.config(), []);
  const [doc, setDoc] = useState<ReviewConfig | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [form, setForm] = useState(0);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);

  useEffect(() => {
    if (!current.data) return;
    setDoc(current.data.document);
    setRows(rowsOf(current.data.document.queues));
    setForm((n) => n + 1);
  }, [current.data]);

  if (current.error) return <ErrorBox error={current.error} title="Could not load the review configuration" />;
  if (!current.data || !doc) return <Loading />;

  const set = (patch: Partial<ReviewConfig>) => setDoc({ ...doc, ...patch });
  const setRow = (key: number, queue: QueueConfig) => setRows(rows.map((r) => (r.key === key ? { ...r, queue } : r)));
  const move = (i: number, delta: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    if (row) next.splice(i + delta, 0, row);
    setRows(next);
  };
  const addQueue = () =>
    setRows([
      ...rows,
      { key: nextKey++, added: true, queue: { id: `queue-${rows.length + 1}`, name: 'New queue', filters: {}, clearance: 'standard', skills: [] } },
    ]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const v = await reviewApi.saveConfig({ ...doc, queues: rows.map((r) => r.queue) }, reason);
      setSaved(v.version);
      setReason('');
      current.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const w = doc.wellness;
  return (
    <>
      <header className="page-header">
        <h1>Review settings</h1>
        <p className="subtitle">
          Version {current.data.version}, saved {formatTime(current.data.createdAt)}
          {current.data.author ? ` by ${current.data.author}` : ''}
          {current.data.reason ? `: ${current.data.reason}` : ''}
        </p>
      </header>
      <form onSubmit={save} key={form} data-testid="review-settings">
        <Section title="Queues" id="settings-queues" aside={<span className="small muted">New work goes to the first queue whose filters all match</span>}>
          {rows.map((r, i) => (
            <QueueEditor
              key={r.key}
              queue={r.queue}
              index={i}
              count={rows.length}
              startOpen={r.added}
              onChange={(q) => setRow(r.key, q)}
              onRemove={() => setRows(rows.filter((x) => x.key !== r.key))}
              onMove={(d) => move(i, d)}
            />
          ))}
          <button type="button" className="btn" onClick={addQueue} data-testid="add-queue">
            Add queue
          </button>
        </Section>
        <Section title="Wellness defaults and exposure limits" id="settings-wellness">
          <div className="form-grid form-grid-3">
            <label className="field check">
              <span>Blur media by default</span>
              <input type="checkbox" checked={w.blur} onChange={(e) => set({ wellness: { ...w, blur: e.target.checked } })} />
            </label>
            <label className="field check">
              <span>Greyscale by default</span>
              <input type="checkbox" checked={w.grayscale} onChange={(e) => set({ wellness: { ...w, grayscale: e.target.checked } })} />
            </label>
            <NumberInput
              label="Break prompt at (% of a limit)"
              percent
              value={w.breakPromptAt}
              onChange={(v) => set({ wellness: { ...w, breakPromptAt: v ?? 0 } })}
            />
            <NumberInput
              label="High-severity media items per day"
              name="limit-items"
              step="1"
              value={w.limits.highSeverityItemsPerDay}
              onChange={(v) => set({ wellness: { ...w, limits: { ...w.limits, highSeverityItemsPerDay: v ?? 0 } } })}
            />
            <NumberInput
              label="High-severity media minutes per day"
              step="1"
              value={w.limits.highSeverityMinutesPerDay}
              onChange={(v) => set({ wellness: { ...w, limits: { ...w.limits, highSeverityMinutesPerDay: v ?? 0 } } })}
            />
          </div>
        </Section>
        <Section title="Quality, second review and leases" id="settings-quality">
          <div className="form-grid form-grid-3">
            <NumberInput
              label="Human decisions re-reviewed blind (%)"
              percent
              value={doc.qa.humanSampleRate}
              onChange={(v) => set({ qa: { ...doc.qa, humanSampleRate: v ?? 0 } })}
            />
            <NumberInput
              label="Automatic actions sent to QA (%)"
              percent
              value={doc.qa.automatedSampleRate}
              onChange={(v) => set({ qa: { ...doc.qa, automatedSampleRate: v ?? 0 } })}
            />
            <NumberInput label="Lease (minutes)" step="1" value={doc.leaseMinutes} onChange={(v) => set({ leaseMinutes: v ?? 0 })} />
            <CheckGroup
              label="Second reviewer for violating decisions of"
              options={SEVERITIES}
              value={doc.secondReview.severities as (typeof SEVERITIES)[number][]}
              onChange={(v) => set({ secondReview: { ...doc.secondReview, severities: v } })}
            />
            <ListInput
              label="…and for decisions with these actions"
              value={doc.secondReview.actions}
              placeholder="e.g. report"
              onChange={(v) => set({ secondReview: { ...doc.secondReview, actions: v } })}
            />
          </div>
        </Section>
        <div className="card save-bar">
          <div className="card-body">
            <ErrorBox error={error} title="Settings not saved" />
            <div className="form-actions">
              <input
                name="reason"
                className="field-grow"
                placeholder="Reason for the change (required, recorded with the version)"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              <button type="submit" className="btn btn-primary" disabled={busy || reason.trim().length < 3} data-testid="save-review-settings">
                {busy ? 'Saving…' : 'Save settings'}
              </button>
              {saved ? <span className="ok-text" data-testid="settings-saved">Saved as version {saved}</span> : null}
            </div>
          </div>
        </div>
      </form>
      <ReviewerProfiles />
    </>
  );
}
