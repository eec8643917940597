// Proposals for a change, newest first, with the figures of the feedback loop: time from escalation to a deployed
// fix, the share of escalations that get one, and recurrence by root cause.
import { useState } from 'react';
import { LoadError } from '../components/investigations/common.js';
import { Empty, ErrorBox, Loading, Section } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { formatDuration, invApi, rootCauseLabel } from '../investigations-api.js';
import { Link, navigate } from '../router.js';

const STATUSES = ['draft', 'backtested', 'approved', 'rejected', 'deployed'] as const;

export function ProposalsPage() {
  useDocumentTitle('Proposals');
  const [status, setStatus] = useState('');
  const list = useAsync(() => invApi.listProposals({ status }), [status]);
  return (
    <>
      <header className="page-header">
        <h1>Proposals</h1>
        <p className="subtitle">Changes proposed from escalations: backtested, approved by a second person, deployed and watched.</p>
      </header>
      <LoopFiguresSection />
      <div className="toolbar">
        <label className="field">
          <span>Status</span>
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <LoadError error={list.error} what="proposals" permission="proposals:write or proposals:approve" />
      {list.error ? null : (
        <div className="card table-card">
          {list.loading && !list.data ? (
            <Loading />
          ) : !list.data || list.data.proposals.length === 0 ? (
            <Empty>No proposals.</Empty>
          ) : (
            <table className="table table-clickable" data-testid="proposals-table">
              <thead>
                <tr>
                  <th>Proposal</th>
                  <th>Kind</th>
                  <th>Status</th>
                  <th>Proposed by</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.proposals.map((p) => {
                  const href = `/proposals/${encodeURIComponent(p.id)}`;
                  return (
                    <tr
                      key={p.id}
                      data-proposal-id={p.id}
                      onClick={(e) => {
                        if (!(e.target as HTMLElement).closest('a')) navigate(href);
                      }}
                    >
                      <td>
                        <Link to={href} className="row-link">
                          {p.title}
                        </Link>
                        {p.rootCause ? <div className="row-preview">fixes {rootCauseLabel(p.rootCause)}</div> : null}
                      </td>
                      <td>{humanize(p.kind)}</td>
                      <td>
                        <span className={`badge proposal-status proposal-${p.status}`}>{humanize(p.status)}</span>
                      </td>
                      <td>{p.proposedBy}</td>
                      <td className="nowrap">{formatTime(p.createdAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}

function LoopFiguresSection() {
  const [since, setSince] = useState('30d');
  const figures = useAsync(() => invApi.loopFigures(since), [since]);
  const f = figures.data?.figures;
  return (
    <Section
      title="The loop"
      id="loop"
      aside={
        <select aria-label="Window" value={since} onChange={(e) => setSince(e.target.value)}>
          {['7d', '30d', '90d', '365d'].map((w) => (
            <option key={w} value={w}>
              last {w}
            </option>
          ))}
        </select>
      }
    >
      <ErrorBox error={figures.error} title="Could not load the loop figures" />
      {!f ? (
        figures.loading ? <Loading /> : null
      ) : (
        <>
          <div className="figures" data-testid="loop-figures">
            <div className="figure">
              <div className="figure-label">Escalations opened</div>
              <div className="figure-value">{f.escalations}</div>
            </div>
            <div className="figure">
              <div className="figure-label">With a deployed fix</div>
              <div className="figure-value" data-testid="loop-share">
                {f.shareWithDeployedFix === null ? '—' : `${Math.round(f.shareWithDeployedFix * 100)}%`}
              </div>
              <div className="figure-target">{f.withDeployedFix} escalation(s)</div>
            </div>
            <div className="figure">
              <div className="figure-label">Escalation to deployed fix</div>
              <div className="figure-value">{formatDuration(f.timeToFirstFixMs.p50)}</div>
              <div className="figure-target">
                median of {f.timeToFirstFixMs.count}; p90 {formatDuration(f.timeToFirstFixMs.p90)}
              </div>
            </div>
          </div>
          {f.recurrenceByRootCause.length > 0 ? (
            <table className="table" data-testid="loop-recurrence">
              <thead>
                <tr>
                  <th>Root cause</th>
                  <th className="num">Fixes watched</th>
                  <th className="num">Recurred</th>
                  <th className="num">Rate</th>
                </tr>
              </thead>
              <tbody>
                {f.recurrenceByRootCause.map((r) => (
                  <tr key={r.rootCause}>
                    <td>{rootCauseLabel(r.rootCause)}</td>
                    <td className="num">{r.watched}</td>
                    <td className="num">{r.recurred}</td>
                    <td className="num">{Math.round(r.rate * 100)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted small">No deployed fix names a root cause in this window yet.</p>
          )}
        </>
      )}
    </Section>
  );
}
