// Root causes: Haven suggests them from the traces of the escalation's items, an investigator confirms or rejects
// each, or adds one by hand. Evidence links jump to the trace step they cite.
import { type FormEvent, useState } from 'react';
import { humanize } from '../../format.js';
import { invApi, ROOT_CAUSES, type RootCauseEvidence, type RootCauseRecord } from '../../investigations-api.js';
import { Link } from '../../router.js';
import { Empty, ErrorBox, Section } from '../ui.js';
import { CauseName, useSubmit } from './common.js';

/** Where a piece of evidence points: the trace of its item, scrolled to the cited step. */
export function evidenceHref(ev: { itemId: string | null; eventId: string | null }, expected?: string | null): string | null {
  if (!ev.itemId) return null;
  const q = new URLSearchParams();
  if (ev.eventId) q.set('step', ev.eventId);
  if (expected) q.set('expected', expected);
  const qs = q.toString();
  return `/items/${encodeURIComponent(ev.itemId)}/trace${qs ? `?${qs}` : ''}`;
}

function Evidence({ evidence, expected }: { evidence: RootCauseEvidence[]; expected: string | null }) {
  return (
    <ul className="evidence-list">
      {evidence.map((ev, i) => {
        const href = evidenceHref(ev, expected);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: evidence has no id and never reorders
          <li key={i}>
            {href ? (
              <Link to={href} className="mono small" data-testid="evidence-link">
                {ev.step}
              </Link>
            ) : (
              <span className="mono small">{ev.step}</span>
            )}
            : {ev.text}
          </li>
        );
      })}
    </ul>
  );
}

const ORDER: Record<string, number> = { confirmed: 0, suggested: 1, rejected: 2 };

export function RootCausesPanel({
  escalationId,
  causes,
  items,
  expectedDefault,
  canWrite,
  onChanged,
}: {
  escalationId: string;
  causes: RootCauseRecord[];
  items: string[];
  expectedDefault: string | null;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const [expected, setExpected] = useState(expectedDefault ?? '');
  const [message, setMessage] = useState<string | null>(null);
  const suggest = useSubmit();
  const sorted = [...causes].sort((a, b) => (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) || a.createdAt.localeCompare(b.createdAt));

  const onSuggest = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    await suggest.run(async () => {
      const r = await invApi.suggestCauses(escalationId, expected.trim() || undefined);
      setMessage(
        r.added.length > 0
          ? `Haven traced ${r.tracedItems} item(s) and suggests ${r.added.length} cause(s).`
          : `Haven traced ${r.tracedItems} item(s) and found no new cause${r.expectedCategory ? '' : ' (say what the items should have been: expected category)'}.`,
      );
      onChanged();
    });
  };

  return (
    <Section title="Root causes" id="root-causes" aside={<span className="muted small">{causes.length}</span>}>
      {canWrite ? (
        <form className="inline-form" onSubmit={onSuggest} data-testid="suggest-form">
          <label className="field">
            <span>Expected category (what the items are)</span>
            <input name="expected" placeholder="e.g. CSE-01 (optional)" value={expected} onChange={(e) => setExpected(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-small btn-primary" disabled={suggest.busy} data-testid="suggest-causes">
            {suggest.busy ? 'Tracing…' : 'Suggest root causes'}
          </button>
        </form>
      ) : null}
      {message ? (
        <p className="alert alert-info" data-testid="suggest-result">
          {message}
        </p>
      ) : null}
      <ErrorBox error={suggest.error} title="Could not suggest root causes" />
      {sorted.length === 0 ? (
        <Empty>No root causes yet.</Empty>
      ) : (
        <ul className="cause-list" data-testid="root-causes">
          {sorted.map((c) => (
            <CauseRow
              key={c.id}
              escalationId={escalationId}
              cause={c}
              expected={expected.trim() || expectedDefault}
              canWrite={canWrite}
              onChanged={onChanged}
            />
          ))}
        </ul>
      )}
      {canWrite ? <AddCauseForm escalationId={escalationId} items={items} onAdded={onChanged} /> : null}
    </Section>
  );
}

function CauseRow({
  escalationId,
  cause,
  expected,
  canWrite,
  onChanged,
}: {
  escalationId: string;
  cause: RootCauseRecord;
  expected: string | null;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const decide = useSubmit();
  const act = (status: 'confirmed' | 'rejected') => decide.run(() => invApi.decideCause(escalationId, cause.id, { status })).then((ok) => ok && onChanged());
  return (
    <li className={`cause cause-${cause.status}`} data-cause={cause.cause} data-status={cause.status} data-testid="root-cause">
      <div className="cause-head">
        <strong>
          <CauseName cause={cause.cause} />
        </strong>
        <span className={`chip ${cause.status === 'confirmed' ? 'chip-info' : 'chip-muted'}`}>{humanize(cause.status)}</span>
        <span className="muted small">
          {cause.status === 'suggested' ? `suggested by ${cause.suggestedBy}` : cause.decidedBy ? `by ${cause.decidedBy}` : null}
        </span>
        {canWrite && cause.status !== 'confirmed' ? (
          <button type="button" className="btn btn-small btn-primary" disabled={decide.busy} onClick={() => void act('confirmed')} data-testid="confirm-cause">
            Confirm
          </button>
        ) : null}
        {canWrite && cause.status !== 'rejected' ? (
          <button type="button" className="btn btn-small btn-quiet" disabled={decide.busy} onClick={() => void act('rejected')} data-testid="reject-cause">
            Reject
          </button>
        ) : null}
      </div>
      <p className="muted small">{ROOT_CAUSES[cause.cause]?.definition}</p>
      {cause.note ? <p className="small">{cause.note}</p> : null}
      <Evidence evidence={cause.evidence} expected={expected} />
      <ErrorBox error={decide.error} />
    </li>
  );
}

function AddCauseForm({ escalationId, items, onAdded }: { escalationId: string; items: string[]; onAdded: () => void }) {
  const [open, setOpen] = useState(false);
  const [cause, setCause] = useState('policy_gap');
  const [itemId, setItemId] = useState('');
  const [step, setStep] = useState('');
  const [text, setText] = useState('');
  const submit = useSubmit();
  if (!open) {
    return (
      <button type="button" className="btn btn-small btn-quiet" onClick={() => setOpen(true)}>
        Add a root cause by hand
      </button>
    );
  }
  return (
    <form
      className="form-grid add-cause"
      onSubmit={async (e: FormEvent) => {
        e.preventDefault();
        const ok = await submit.run(() =>
          invApi.addCause(escalationId, { cause, evidence: [{ itemId: itemId || null, eventId: null, step: step.trim(), text: text.trim() }] }),
        );
        if (ok) {
          setOpen(false);
          setStep('');
          setText('');
          onAdded();
        }
      }}
    >
      <label className="field">
        <span>Cause</span>
        <select name="cause" value={cause} onChange={(e) => setCause(e.target.value)}>
          {Object.entries(ROOT_CAUSES).map(([id, info]) => (
            <option key={id} value={id}>
              {info.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Item (optional)</span>
        <select name="cause-item" value={itemId} onChange={(e) => setItemId(e.target.value)}>
          <option value="">none</option>
          {items.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Step</span>
        <input name="cause-step" required placeholder="e.g. policy, queue, delivery" value={step} onChange={(e) => setStep(e.target.value)} />
      </label>
      <label className="field">
        <span>What the evidence shows</span>
        <input name="cause-text" required value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="form-actions field-wide">
        <button type="submit" className="btn btn-small btn-primary" disabled={submit.busy}>
          Add root cause
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <div className="field-wide">
        <ErrorBox error={submit.error} title="Could not add the root cause" />
      </div>
    </form>
  );
}
