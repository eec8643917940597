// The queues a reviewer may work, with their depth and age, and the "Claim next" control.
import { formatTime } from '../../format.js';
import type { QueueSummary, TaskListEntry } from '../../review-api.js';
import { Empty, Section } from '../ui.js';

export function QueuePanel({
  queues,
  scope,
  onScope,
  onClaim,
  claiming,
}: {
  queues: QueueSummary[];
  scope: string;
  onScope(scope: string): void;
  onClaim(): void;
  claiming: boolean;
}) {
  const mine = queues.filter((q) => q.eligible);
  return (
    <Section
      title="Your queues"
      id="queues"
      aside={
        <div className="toolbar toolbar-tight">
          <label className="sr-only" htmlFor="claim-scope">
            Claim from
          </label>
          <select id="claim-scope" value={scope} onChange={(e) => onScope(e.target.value)} data-testid="claim-scope">
            <option value="">All my queues</option>
            {mine.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-primary" disabled={claiming || mine.length === 0} onClick={onClaim} data-testid="claim-next">
            {claiming ? 'Claiming…' : 'Claim next'} <kbd>c</kbd>
          </button>
        </div>
      }
    >
      {mine.length === 0 ? (
        <Empty>You are not cleared for any queue. Ask your operations manager to set up your reviewer profile.</Empty>
      ) : (
        <table className="table" data-testid="queue-table">
          <thead>
            <tr>
              <th>Queue</th>
              <th className="num">Open</th>
              <th className="num">Claimed</th>
              <th className="num">Overdue</th>
              <th>Oldest</th>
              <th>SLA</th>
              <th>Clearance</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((q) => (
              <tr key={q.id} data-queue={q.id}>
                <td>
                  <b>{q.name}</b>
                  {q.description ? <div className="small muted">{q.description}</div> : null}
                </td>
                <td className="num" data-testid={`queue-depth-${q.id}`}>
                  {q.open}
                </td>
                <td className="num">{q.claimed}</td>
                <td className={`num${q.overdue > 0 ? ' error-text' : ''}`}>{q.overdue}</td>
                <td className="nowrap">{formatTime(q.oldestCreatedAt)}</td>
                <td>{q.slaMinutes ? `${q.slaMinutes} min` : 'taxonomy'}</td>
                <td>{q.clearance}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function MyTasks({ tasks, onOpen }: { tasks: TaskListEntry[]; onOpen(id: string): void }) {
  if (tasks.length === 0) return null;
  return (
    <Section title="Your open tasks" id="my-tasks">
      <table className="table" data-testid="my-tasks">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Kind</th>
            <th>Severity</th>
            <th>Status</th>
            <th>SLA due</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id}>
              <td>{t.queue}</td>
              <td>{t.kind}</td>
              <td>
                <span className={`severity severity-${t.severity}`}>{t.severity}</span>
              </td>
              <td>{t.claimedBy ? t.status : `assigned to you (${t.status})`}</td>
              <td className="nowrap">{formatTime(t.slaDueAt)}</td>
              <td>
                {t.claimedBy ? (
                  <button type="button" className="btn btn-small" onClick={() => onOpen(t.id)}>
                    Open
                  </button>
                ) : (
                  <span className="small muted">claim to open</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
