// The head of an escalation: facts, SLA, owner, and the status workflow (resolving asks for an outcome).
import { type FormEvent, useState } from 'react';
import { formatTime, humanize } from '../../format.js';
import { type EscalationDetail, invApi, NEXT_STATUSES, OUTCOMES, PRIORITY_SLA } from '../../investigations-api.js';
import { ErrorBox, Fact, Facts } from '../ui.js';
import { EscalationStatus, OverdueMark, PriorityBadge, useSubmit } from './common.js';

const STATUS_VERB: Record<string, string> = {
  investigating: 'Start investigating',
  mitigated: 'Mark mitigated',
  resolved: 'Resolve',
};

export function EscalationSummary({ detail, canWrite, onChanged }: { detail: EscalationDetail; canWrite: boolean; onChanged: () => void }) {
  const e = detail.escalation;
  const next = NEXT_STATUSES[e.status] ?? [];
  const [pending, setPending] = useState<string | null>(null);

  return (
    <div className="item-header card" data-testid="escalation-summary">
      <div className="item-title">
        <h1 className="prose-title" data-testid="escalation-title">{e.title}</h1>
        <div className="chips">
          <PriorityBadge priority={e.priority} />
          <EscalationStatus status={e.status} />
          <OverdueMark overdue={e.sla.overdue} />
          {e.outcome ? <span className="chip chip-info">outcome: {humanize(e.outcome)}</span> : null}
          {detail.category ? <span className="chip chip-info">confirmed {detail.category}</span> : null}
        </div>
      </div>
      {e.summary ? <p className="esc-summary-text">{e.summary}</p> : null}
      <Facts>
        <Fact label="Source">{humanize(e.source)}</Fact>
        <Fact label="Owner">
          <OwnerField id={e.id} owner={e.owner} canWrite={canWrite} onChanged={onChanged} />
        </Fact>
        <Fact label={`SLA (${PRIORITY_SLA[e.priority] ?? '?'} to mitigation)`}>
          {formatTime(e.sla.dueAt)}
          {e.sla.met === true ? <span className="ok-text"> met</span> : e.sla.met === false ? <span className="error-text"> missed</span> : null}
        </Fact>
        <Fact label="Opened">
          {formatTime(e.createdAt)} <span className="muted small">by {e.createdBy}</span>
        </Fact>
        <Fact label="Mitigated">{formatTime(e.mitigatedAt)}</Fact>
        <Fact label="Resolved">{formatTime(e.resolvedAt)}</Fact>
      </Facts>
      {canWrite && next.length > 0 ? (
        <div className="toolbar esc-workflow" data-testid="status-workflow">
          {next.map((s) => (
            <button
              key={s}
              type="button"
              className={`btn btn-small${s === 'resolved' ? '' : ' btn-primary'}`}
              data-testid={`status-${s}`}
              onClick={() => setPending(s)}
            >
              {STATUS_VERB[s] ?? humanize(s)}
            </button>
          ))}
        </div>
      ) : null}
      {pending ? (
        <StatusForm id={e.id} to={pending} onCancel={() => setPending(null)} onDone={() => { setPending(null); onChanged(); }} />
      ) : null}
    </div>
  );
}

function OwnerField({ id, owner, canWrite, onChanged }: { id: string; owner: string | null; canWrite: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(owner ?? '');
  const submit = useSubmit();
  if (!editing) {
    return (
      <span>
        {owner ?? <span className="muted">unassigned</span>}{' '}
        {canWrite ? (
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setEditing(true)} data-testid="edit-owner">
            change
          </button>
        ) : null}
      </span>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={async (ev: FormEvent) => {
        ev.preventDefault();
        if (await submit.run(() => invApi.setOwner(id, value.trim() || null))) {
          setEditing(false);
          onChanged();
        }
      }}
    >
      <input name="owner" value={value} placeholder="empty to unassign" onChange={(ev) => setValue(ev.target.value)} />
      <button type="submit" className="btn btn-small" disabled={submit.busy}>
        Save
      </button>
      <ErrorBox error={submit.error} />
    </form>
  );
}

function StatusForm({ id, to, onCancel, onDone }: { id: string; to: string; onCancel: () => void; onDone: () => void }) {
  const [outcome, setOutcome] = useState('');
  const [category, setCategory] = useState('');
  const [note, setNote] = useState('');
  const submit = useSubmit();
  const resolving = to === 'resolved';

  return (
    <form
      className="card-body status-form"
      data-testid="status-form"
      onSubmit={async (ev: FormEvent) => {
        ev.preventDefault();
        const ok = await submit.run(() =>
          invApi.changeStatus(id, {
            status: to,
            ...(resolving && outcome ? { outcome } : {}),
            ...(resolving && outcome === 'confirmed' && category.trim() ? { category: category.trim() } : {}),
            ...(note.trim() ? { note: note.trim() } : {}),
          }),
        );
        if (ok) onDone();
      }}
    >
      <p>
        Move to <strong>{humanize(to)}</strong>
        {resolving ? '. Resolving is final and needs an outcome; confirmed and false positive label the items as evaluation data.' : '.'}
      </p>
      <div className="form-grid">
        {resolving ? (
          <label className="field">
            <span>Outcome</span>
            <select name="outcome" required value={outcome} onChange={(ev) => setOutcome(ev.target.value)}>
              <option value="">choose…</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {humanize(o)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {resolving && outcome === 'confirmed' ? (
          <label className="field">
            <span>Confirmed category (optional)</span>
            <input name="category" placeholder="CSE-01" value={category} onChange={(ev) => setCategory(ev.target.value)} />
          </label>
        ) : null}
        <label className="field field-wide">
          <span>Note</span>
          <input name="status-note" value={note} onChange={(ev) => setNote(ev.target.value)} />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={submit.busy} data-testid="status-submit">
          {submit.busy ? 'Saving…' : 'Confirm'}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorBox error={submit.error} title="Could not change the status" />
    </form>
  );
}
