// The cross-team board: every open remediation item across escalations, one column per team, overdue first.
import { useState } from 'react';
import { hasPermission } from '../api.js';
import { LoadError, OverdueMark, PriorityBadge } from '../components/investigations/common.js';
import { RemediationStatusSelect } from '../components/investigations/RemediationPanel.js';
import { Empty, Loading } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { invApi, TEAMS } from '../investigations-api.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function RemediationBoardPage() {
  useDocumentTitle('Remediation board');
  const user = useUser();
  const [team, setTeam] = useState('');
  const [owner, setOwner] = useState('');
  const board = useAsync(() => invApi.board({ team, owner: owner.trim() }), [team, owner]);
  const b = board.data;

  return (
    <>
      <header className="page-header">
        <h1>Remediation board</h1>
        <p className="subtitle">
          Open fixes across every escalation, by team.
          {b ? ` ${b.total} open, ${b.overdue} overdue (as of ${formatTime(b.generatedAt)}).` : ''}
        </p>
      </header>
      <div className="toolbar">
        <label className="field">
          <span>Team</span>
          <select name="team" value={team} onChange={(e) => setTeam(e.target.value)}>
            <option value="">all teams</option>
            {TEAMS.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Owner</span>
          <input name="owner" value={owner} placeholder="anyone" onChange={(e) => setOwner(e.target.value)} />
        </label>
      </div>
      <LoadError error={board.error} what="the remediation board" permission="investigations:read" />
      {board.loading && !b ? <Loading /> : null}
      {b ? (
        <div className="board" data-testid="remediation-board">
          {b.teams.map((col) => (
            <section key={col.team} className="board-column card" data-team={col.team}>
              <header className="card-header">
                <h2>{humanize(col.team)}</h2>
                <span className="card-aside small">
                  {col.items.length}
                  {col.overdue ? <span className="error-text"> · {col.overdue} overdue</span> : null}
                </span>
              </header>
              <div className="card-body">
                {col.items.length === 0 ? (
                  <Empty>Nothing open.</Empty>
                ) : (
                  <ul className="board-items">
                    {col.items.map((r) => (
                      <li key={r.id} className={`board-item${r.overdue ? ' board-item-overdue' : ''}`} data-testid="board-item" data-overdue={r.overdue ? 'true' : 'false'}>
                        <div className="board-item-title">{r.title}</div>
                        <div className="small">
                          {r.escalationPriority ? <PriorityBadge priority={r.escalationPriority} /> : null}{' '}
                          <Link to={`/escalations/${encodeURIComponent(r.escalationId)}`}>{r.escalationTitle ?? r.escalationId}</Link>
                        </div>
                        <div className="small muted">
                          {r.owner ?? 'no owner'} · due {formatTime(r.dueAt)} <OverdueMark overdue={r.overdue} />
                        </div>
                        <RemediationStatusSelect item={r} canWrite={hasPermission(user, 'investigations:write')} onChanged={board.reload} />
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </section>
          ))}
        </div>
      ) : null}
    </>
  );
}
