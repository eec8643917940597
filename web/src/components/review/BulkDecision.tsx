// A lead's one decision over a whole cluster: the form, an explicit confirmation that says how many tasks it will
// decide, and what the server did (decided per task with its outcome, skipped with the reason, the bulk id).
import { type FormEvent, useState } from 'react';
import { humanize } from '../../format.js';
import { type BulkResult, reviewApi, type TaxonomyCategory } from '../../review-api.js';
import { ErrorBox, Mono } from '../ui.js';

type BulkVerdict = 'violating' | 'not_violating';
const BULK_VERDICTS: readonly BulkVerdict[] = ['violating', 'not_violating'];

export function BulkDecisionForm({
  clusterKey,
  count,
  heldByOthers,
  categories,
  defaultCategory,
  onDecided,
}: {
  clusterKey: string;
  /** Open review/escalation tasks the decision covers. */
  count: number;
  /** Of those, tasks another reviewer holds: the server skips them. */
  heldByOthers: number;
  categories: TaxonomyCategory[];
  defaultCategory: string;
  onDecided(result: BulkResult): void;
}) {
  const [verdict, setVerdict] = useState<BulkVerdict | null>(null);
  const [category, setCategory] = useState(defaultCategory);
  const [policyClause, setPolicyClause] = useState('');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const complete = verdict !== null && (verdict !== 'violating' || category !== '');
  const toDecide = count - heldByOthers;

  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (complete && toDecide > 0) setConfirming(true);
  };

  const confirm = async () => {
    if (!verdict) return;
    setBusy(true);
    setError(null);
    try {
      const r = await reviewApi.bulkDecide(clusterKey, {
        verdict,
        category: verdict === 'violating' ? category : null,
        policyClause: policyClause.trim() || null,
        note: note.trim() || null,
      });
      setConfirming(false);
      onDecided(r);
    } catch (err) {
      setError(err);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision-form bulk-form" onSubmit={ask} data-testid="bulk-form">
      <h3 className="subhead">One decision for the whole cluster</h3>
      <fieldset className="verdicts" disabled={confirming || busy}>
        <legend>Verdict</legend>
        {BULK_VERDICTS.map((v) => (
          <button
            key={v}
            type="button"
            className={`btn verdict-btn verdict-btn-${v}${verdict === v ? ' selected' : ''}`}
            aria-pressed={verdict === v}
            data-testid={`bulk-verdict-${v}`}
            onClick={() => setVerdict(v)}
          >
            {humanize(v)}
          </button>
        ))}
      </fieldset>
      <div className="form-grid">
        <label className="field">
          <span>Category {verdict === 'violating' ? '(required)' : ''}</span>
          <select
            name="bulk-category"
            value={category}
            disabled={verdict !== 'violating' || confirming}
            onChange={(e) => setCategory(e.target.value)}
            data-testid="bulk-category"
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
          <input name="bulk-policy-clause" value={policyClause} maxLength={200} disabled={confirming} onChange={(e) => setPolicyClause(e.target.value)} />
        </label>
        <label className="field field-wide">
          <span>Note (recorded on every task)</span>
          <textarea name="bulk-note" rows={2} maxLength={4000} value={note} disabled={confirming} onChange={(e) => setNote(e.target.value)} />
        </label>
      </div>
      <ErrorBox error={error} title="Bulk decision not recorded" />
      {confirming ? (
        <div className="alert alert-warn bulk-confirm" role="alertdialog" aria-label="Confirm bulk decision" data-testid="bulk-confirm" data-count={toDecide}>
          <p>
            This records <b>{humanize(verdict)}</b>
            {verdict === 'violating' ? ` (${category})` : ''} on <b data-testid="bulk-confirm-count">{toDecide}</b> task
            {toDecide === 1 ? '' : 's'}, one by one, and drives their actions through the policy engine.
            {heldByOthers > 0 ? ` ${heldByOthers} task(s) held by other reviewers will be skipped.` : ''} High-severity
            decisions still wait for a second reviewer, and QA sampling still applies.
          </p>
          <div className="toolbar toolbar-tight">
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void confirm()} data-testid="bulk-confirm-yes">
              {busy ? 'Deciding…' : `Decide ${toDecide} task${toDecide === 1 ? '' : 's'}`}
            </button>
            <button type="button" className="btn btn-quiet" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!complete || toDecide === 0} data-testid="bulk-submit">
            Decide the cluster…
          </button>
          {toDecide === 0 ? <span className="small muted">Nothing here a bulk decision can take.</span> : null}
        </div>
      )}
    </form>
  );
}

export function BulkOutcome({ result, onDismiss }: { result: BulkResult; onDismiss(): void }) {
  const outcomes = new Map<string, number>();
  for (const d of result.decided) outcomes.set(d.outcome, (outcomes.get(d.outcome) ?? 0) + 1);
  return (
    <div
      className="alert alert-info bulk-result"
      role="status"
      data-testid="bulk-result"
      data-decided={result.decided.length}
      data-skipped={result.skipped.length}
      data-bulk-id={result.bulkId}
    >
      <p>
        <b>Bulk decision recorded:</b> decided <span data-testid="bulk-decided">{result.decided.length}</span> of{' '}
        {result.matched} matched task{result.matched === 1 ? '' : 's'}
        {outcomes.size ? ` (${[...outcomes].map(([o, n]) => `${n} ${humanize(o)}`).join(', ')})` : ''}
        {result.skipped.length ? `, skipped ${result.skipped.length}` : ''}. Bulk id <Mono value={result.bulkId} copy />
      </p>
      {result.skipped.length ? (
        <ul data-testid="bulk-skipped">
          {result.skipped.map((s) => (
            <li key={s.taskId}>
              <Mono value={s.taskId} short={10} />: {s.reason}
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="btn btn-small btn-quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
