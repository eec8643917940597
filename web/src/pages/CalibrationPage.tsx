// Calibration sessions: the list, and (for leads) a form to start one on a shared set of items.
import { useState } from 'react';
import { hasPermission } from '../api.js';
import { calibrationApi } from '../calibration-api.js';
import { CreateSessionForm } from '../components/calibration/CreateSessionForm.js';
import { Empty, ErrorBox, Loading, Section } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { navigate } from '../router.js';
import { useUser } from '../session.js';

const FILTERS = [
  { value: '', label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'closed', label: 'Closed' },
] as const;

export function CalibrationPage() {
  useDocumentTitle('Calibration');
  const user = useUser();
  const lead = hasPermission(user, 'review:lead');
  const [status, setStatus] = useState<'' | 'open' | 'closed'>('');
  const [creating, setCreating] = useState(false);
  const sessions = useAsync(() => calibrationApi.list(status || undefined), [status]);
  const open = (id: string) => navigate(`/calibration/${encodeURIComponent(id)}`);

  return (
    <>
      <header className="page-header">
        <h1>Calibration</h1>
        <p className="subtitle">
          Reviewers label the same items blind; the lead sets the agreed answer and closes the session to see how far
          each reviewer is from it and how well the group agrees.
        </p>
      </header>
      {lead ? (
        creating ? (
          <CreateSessionForm onCancel={() => setCreating(false)} onCreated={open} />
        ) : (
          <div className="toolbar">
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="new-session">
              New session
            </button>
          </div>
        )
      ) : null}
      <Section
        title="Sessions"
        id="sessions"
        aside={
          <div className="toolbar toolbar-tight">
            {FILTERS.map((f) => (
              <button
                key={f.value}
                type="button"
                className={`btn btn-small${status === f.value ? ' btn-primary' : ''}`}
                aria-pressed={status === f.value}
                onClick={() => setStatus(f.value)}
              >
                {f.label}
              </button>
            ))}
          </div>
        }
      >
        <ErrorBox error={sessions.error} title="Could not load sessions" />
        {sessions.data ? (
          sessions.data.sessions.length === 0 ? (
            <Empty>{lead ? 'No sessions yet. Start one from a handful of items.' : 'No sessions yet.'}</Empty>
          ) : (
            <table className="table table-clickable" data-testid="sessions-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th className="num">Items</th>
                  <th className="num">Reviewers</th>
                  <th>Answer key</th>
                  <th>Started</th>
                  <th>By</th>
                </tr>
              </thead>
              <tbody>
                {sessions.data.sessions.map((s) => (
                  <tr key={s.id} data-session-id={s.id} onClick={() => open(s.id)}>
                    <td>
                      <a
                        href={`/calibration/${encodeURIComponent(s.id)}`}
                        className="row-link"
                        onClick={(e) => {
                          e.preventDefault();
                          open(s.id);
                        }}
                      >
                        {s.name}
                      </a>
                    </td>
                    <td>
                      <span className={`badge status-${s.status === 'open' ? 'pending' : 'processed'}`}>{humanize(s.status)}</span>
                    </td>
                    <td className="num">{s.itemCount}</td>
                    <td className="num">{s.participants}</td>
                    <td>{s.hasAnswerKey ? 'set' : '—'}</td>
                    <td className="nowrap">{formatTime(s.createdAt)}</td>
                    <td>{s.createdBy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : sessions.loading ? (
          <Loading />
        ) : null}
        {sessions.data?.nextCursor ? <p className="small muted">Showing the newest 100 sessions.</p> : null}
      </Section>
    </>
  );
}
