// Remediation items of an escalation: one per fix, for a team, with owner, due date and status.
import { type FormEvent, useState } from 'react';
import { formatTime, humanize } from '../../format.js';
import {
  invApi, type LinkedProposal, REMEDIATION_STATUSES, type RemediationItem, type RootCauseRecord, rootCauseLabel, TEAMS,
} from '../../investigations-api.js';
import { Link } from '../../router.js';
import { Empty, ErrorBox, Section } from '../ui.js';
import { localToIso, OverdueMark, useSubmit } from './common.js';

/** The status select of one remediation item (also used on the board). */
export function RemediationStatusSelect({ item, canWrite, onChanged }: { item: RemediationItem; canWrite: boolean; onChanged: () => void }) {
  const submit = useSubmit();
  if (!canWrite) return <span>{humanize(item.status)}</span>;
  return (
    <>
      <select
        aria-label={`Status of ${item.title}`}
        value={item.status}
        disabled={submit.busy}
        data-testid="remediation-status"
        onChange={(e) => {
          const status = e.target.value;
          void submit.run(() => invApi.updateRemediation(item.id, { status })).then((ok) => ok && onChanged());
        }}
      >
        {REMEDIATION_STATUSES.map((s) => (
          <option key={s} value={s}>
            {humanize(s)}
          </option>
        ))}
      </select>
      <ErrorBox error={submit.error} />
    </>
  );
}

export function RemediationPanel({
  escalationId,
  items,
  causes,
  proposals,
  canWrite,
  onChanged,
}: {
  escalationId: string;
  items: RemediationItem[];
  causes: RootCauseRecord[];
  proposals: LinkedProposal[];
  canWrite: boolean;
  onChanged: () => void;
}) {
  return (
    <Section
      title="Remediation"
      id="remediation"
      aside={
        <Link to="/remediation" className="small">
          Cross-team board
        </Link>
      }
    >
      {items.length === 0 ? (
        <Empty>No remediation items yet.</Empty>
      ) : (
        <table className="table" data-testid="remediation-table">
          <thead>
            <tr>
              <th>Team</th>
              <th>What</th>
              <th>Owner</th>
              <th>Due</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-team={r.team} className={r.overdue ? 'row-overdue' : undefined}>
                <td>{humanize(r.team)}</td>
                <td>
                  {r.title}
                  {r.rootCauseId ? (
                    <div className="small muted">
                      fixes {rootCauseLabel(causes.find((c) => c.id === r.rootCauseId)?.cause ?? r.rootCauseId)}
                    </div>
                  ) : null}
                  {r.proposalId ? (
                    <div className="small">
                      <Link to={`/proposals/${encodeURIComponent(r.proposalId)}`}>proposal</Link>
                    </div>
                  ) : null}
                </td>
                <td>{r.owner ?? <span className="muted">—</span>}</td>
                <td className="nowrap">
                  {formatTime(r.dueAt)} <OverdueMark overdue={r.overdue} />
                </td>
                <td>
                  <RemediationStatusSelect item={r} canWrite={canWrite} onChanged={onChanged} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite ? <AddRemediationForm escalationId={escalationId} causes={causes} proposals={proposals} onAdded={onChanged} /> : null}
    </Section>
  );
}

function AddRemediationForm({
  escalationId,
  causes,
  proposals,
  onAdded,
}: {
  escalationId: string;
  causes: RootCauseRecord[];
  proposals: LinkedProposal[];
  onAdded: () => void;
}) {
  const [team, setTeam] = useState<string>('data_science');
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [rootCauseId, setRootCauseId] = useState('');
  const [proposalId, setProposalId] = useState('');
  const submit = useSubmit();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const dueAt = localToIso(due);
    const ok = await submit.run(() =>
      invApi.addRemediation(escalationId, {
        team,
        title: title.trim(),
        ...(owner.trim() ? { owner: owner.trim() } : {}),
        ...(dueAt ? { dueAt } : {}),
        ...(rootCauseId ? { rootCauseId } : {}),
        ...(proposalId ? { proposalId } : {}),
      }),
    );
    if (ok) {
      setTitle('');
      setOwner('');
      setDue('');
      onAdded();
    }
  };

  return (
    <form className="form-grid add-remediation" onSubmit={onSubmit} data-testid="remediation-form">
      <label className="field">
        <span>Team</span>
        <select name="team" value={team} onChange={(e) => setTeam(e.target.value)}>
          {TEAMS.map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>What is to be done</span>
        <input name="remediation-title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Owner</span>
        <input name="remediation-owner" value={owner} placeholder="optional" onChange={(e) => setOwner(e.target.value)} />
      </label>
      <label className="field">
        <span>Due (your local time)</span>
        <input name="remediation-due" type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
      </label>
      <label className="field">
        <span>Fixes root cause</span>
        <select name="remediation-cause" value={rootCauseId} onChange={(e) => setRootCauseId(e.target.value)}>
          <option value="">none</option>
          {causes
            .filter((c) => c.status !== 'rejected')
            .map((c) => (
              <option key={c.id} value={c.id}>
                {rootCauseLabel(c.cause)} ({c.status})
              </option>
            ))}
        </select>
      </label>
      <label className="field">
        <span>Proposal</span>
        <select name="remediation-proposal" value={proposalId} onChange={(e) => setProposalId(e.target.value)}>
          <option value="">none</option>
          {proposals.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
      </label>
      <div className="form-actions field-wide">
        <button type="submit" className="btn btn-small btn-primary" disabled={submit.busy} data-testid="add-remediation">
          Add remediation item
        </button>
      </div>
      <div className="field-wide">
        <ErrorBox error={submit.error} title="Could not add the remediation item" />
      </div>
    </form>
  );
}
