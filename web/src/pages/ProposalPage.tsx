// One proposal through its life: backtest on recorded history, approval or rejection by a second person (who is told
// why they cannot approve when they cannot), deployment as a new configuration, and the watch for recurrence.
import { type FormEvent, useState } from 'react';
import { hasPermission, type User } from '../api.js';
import { BacktestReportView } from '../components/investigations/BacktestReportView.js';
import { CauseName, LoadError, useSubmit } from '../components/investigations/common.js';
import { ErrorBox, Fact, Facts, Loading, Section } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { APPROVE_PERMISSION, invApi, NEEDS_BACKTEST, type Proposal, userLabel } from '../investigations-api.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function ProposalPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useAsync(() => invApi.getProposal(id), [id]);
  useDocumentTitle(data ? data.proposal.title : 'Proposal');
  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/proposals">Proposals</Link> <span aria-hidden="true">/</span> <span>{data?.proposal.title ?? id}</span>
      </nav>
      <LoadError error={error} what="this proposal" permission="proposals:write or proposals:approve" />
      {loading && !data ? <Loading /> : data ? <ProposalView proposal={data.proposal} backtests={data.backtests} reload={reload} /> : null}
    </>
  );
}

/** Why this person cannot approve (or reject) the proposal now, or null when they can. */
function approvalBlocker(p: Proposal, user: User): string | null {
  const needed = APPROVE_PERMISSION[p.kind] ?? 'proposals:approve';
  if (p.status === 'deployed' || p.status === 'rejected') return `The proposal is ${p.status}.`;
  if (p.status === 'approved') return null;
  if (p.proposedBy === userLabel(user.email)) return 'You proposed this change: a second person must approve it.';
  if (!hasPermission(user, needed)) return `Deciding a ${humanize(p.kind)} proposal needs the ${needed} permission, which you do not have.`;
  if (p.status === 'draft' && NEEDS_BACKTEST.has(p.kind)) return 'Backtest it first: it can be approved once its effect on history is known.';
  return null;
}

function ProposalView({ proposal: p, backtests, reload }: { proposal: Proposal; backtests: Awaited<ReturnType<typeof invApi.getProposal>>['backtests']; reload: () => void }) {
  const user = useUser();
  const canBacktest = hasPermission(user, 'proposals:write') && (p.status === 'draft' || p.status === 'backtested');
  const latest = backtests[0];
  return (
    <>
      <div className="item-header card" data-testid="proposal-summary">
        <div className="item-title">
          <h1 className="prose-title">{p.title}</h1>
          <div className="chips">
            <span className="chip">{humanize(p.kind)}</span>
            <span className={`badge proposal-status proposal-${p.status}`} data-testid="proposal-status">
              {humanize(p.status)}
            </span>
          </div>
        </div>
        <Facts>
          <Fact label="Escalation">
            {p.escalationId ? <Link to={`/escalations/${encodeURIComponent(p.escalationId)}`}>open escalation</Link> : <span className="muted">none</span>}
          </Fact>
          <Fact label="Fixes">{p.rootCause ? <CauseName cause={p.rootCause} /> : <span className="muted">not named</span>}</Fact>
          <Fact label="Proposed">
            {formatTime(p.createdAt)} <span className="muted small">by {p.proposedBy}</span>
          </Fact>
          <Fact label="Decided">
            {p.decidedBy ? (
              <span>
                {formatTime(p.decidedAt)} <span className="muted small">by {p.decidedBy}</span>
                {p.decisionNote ? <div className="small">“{p.decisionNote}”</div> : null}
              </span>
            ) : (
              <span className="muted">not yet</span>
            )}
          </Fact>
          <Fact label="Deployed">
            {p.deployedAt ? (
              <span>
                {formatTime(p.deployedAt)} <span className="muted small">by {p.deployedBy}</span>
              </span>
            ) : (
              <span className="muted">not yet</span>
            )}
          </Fact>
        </Facts>
        <details className="metadata">
          <summary>The change</summary>
          <pre className="json">{JSON.stringify(p.change, null, 2)}</pre>
        </details>
        {p.deployment ? (
          <details className="metadata" open>
            <summary>Deployment</summary>
            <pre className="json" data-testid="deployment">
              {JSON.stringify(p.deployment, null, 2)}
            </pre>
          </details>
        ) : null}
      </div>

      <Section title="Backtest" id="backtest" aside={latest ? <span className="muted small">latest of {backtests.length}, {formatTime(latest.createdAt)} by {latest.runBy}</span> : null}>
        {canBacktest ? <BacktestForm id={p.id} onDone={reload} /> : null}
        {latest ? <BacktestReportView report={latest.report} /> : <p className="muted">Not backtested yet.</p>}
      </Section>

      <DecisionSection proposal={p} onDone={reload} />
      {p.status === 'deployed' ? <WatchSection id={p.id} /> : null}
    </>
  );
}

function BacktestForm({ id, onDone }: { id: string; onDone: () => void }) {
  const [days, setDays] = useState(30);
  const submit = useSubmit();
  return (
    <form
      className="inline-form"
      onSubmit={async (e: FormEvent) => {
        e.preventDefault();
        if (await submit.run(() => invApi.backtest(id, days))) onDone();
      }}
    >
      <label className="field">
        <span>Replay the last N days</span>
        <input name="days" type="number" min={1} max={365} value={days} onChange={(e) => setDays(Number(e.target.value))} />
      </label>
      <button type="submit" className="btn btn-primary btn-small" disabled={submit.busy} data-testid="run-backtest">
        {submit.busy ? 'Replaying…' : 'Run backtest'}
      </button>
      <span className="muted small">No effects: recorded items are replayed through the proposed configuration.</span>
      <ErrorBox error={submit.error} title="Backtest failed" />
    </form>
  );
}

function DecisionSection({ proposal: p, onDone }: { proposal: Proposal; onDone: () => void }) {
  const user = useUser();
  const [note, setNote] = useState('');
  const decide = useSubmit();
  const deploy = useSubmit();
  const blocker = approvalBlocker(p, user);
  const needed = APPROVE_PERMISSION[p.kind] ?? 'proposals:approve';
  const canDeploy = p.status === 'approved' && (hasPermission(user, needed) || hasPermission(user, 'proposals:write'));
  if (p.status === 'deployed' || p.status === 'rejected') return null;

  return (
    <Section title={p.status === 'approved' ? 'Deploy' : 'Approval'} id="decision">
      {p.status === 'approved' ? (
        <>
          <p>Approved by {p.decidedBy}. Deploying makes it a new configuration version (or bank entries, or evaluation examples).</p>
          {canDeploy ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={deploy.busy}
              data-testid="deploy"
              onClick={() => void deploy.run(() => invApi.deploy(p.id)).then((ok) => ok && onDone())}
            >
              {deploy.busy ? 'Deploying…' : 'Deploy'}
            </button>
          ) : (
            <p className="alert alert-info" data-testid="deploy-blocked">
              Deploying needs the {needed} or proposals:write permission.
            </p>
          )}
          <ErrorBox error={deploy.error} title="Could not deploy" />
        </>
      ) : blocker ? (
        <p className="alert alert-info" data-testid="approval-blocked">
          {blocker}
        </p>
      ) : (
        <form
          className="decision-form"
          onSubmit={(e) => e.preventDefault()}
          data-testid="approval-form"
        >
          <label className="field">
            <span>Note (why)</span>
            <textarea name="decision-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="form-actions">
            {(['approve', 'reject'] as const).map((verdict) => (
              <button
                key={verdict}
                type="button"
                className={`btn${verdict === 'approve' ? ' btn-primary' : ' btn-warn'}`}
                disabled={decide.busy || !note.trim()}
                data-testid={verdict}
                onClick={() => void decide.run(() => invApi.decide(p.id, verdict, note.trim())).then((ok) => ok && onDone())}
              >
                {verdict === 'approve' ? 'Approve' : 'Reject'}
              </button>
            ))}
            <span className="muted small">Your decision is recorded in the audit log.</span>
          </div>
        </form>
      )}
      <ErrorBox error={decide.error} title="Could not record the decision" />
    </Section>
  );
}

function WatchSection({ id }: { id: string }) {
  const watch = useAsync(() => invApi.watch(id), [id]);
  const w = watch.data?.watch;
  return (
    <Section title="Watch" id="watch" aside={<button type="button" className="btn btn-small btn-quiet" onClick={watch.reload}>Refresh</button>}>
      <ErrorBox error={watch.error} title="Could not load the watch" />
      {!w ? (
        watch.loading ? <Loading /> : null
      ) : (
        <div data-testid="watch">
          <p className={w.recurred ? 'alert alert-error' : 'alert alert-info'} data-testid="watch-verdict">
            {w.recurred
              ? `The root cause recurred: ${w.recurrences.items} item(s) since the deploy.`
              : `No recurrence in ${w.itemsSince} item(s) since the deploy; ${w.caught.items} item(s) now caught.`}
          </p>
          <p className="muted small">{w.definition}</p>
        </div>
      )}
    </Section>
  );
}
