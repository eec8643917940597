import type { Action, ReviewTask, Signal } from '../api.js';
import { formatScore, formatTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { Empty, Mono } from './ui.js';

export function SignalsTable({ signals }: { signals: Signal[] }) {
  if (signals.length === 0) return <Empty>No detector produced a signal for this item.</Empty>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid="signals">
        <thead>
          <tr>
            <th>Detector</th>
            <th>Version</th>
            <th>Category</th>
            <th className="num">Score</th>
            <th>Evidence</th>
            <th>Bank entry</th>
          </tr>
        </thead>
        <tbody>
          {signals.map((s) => (
            <tr key={s.id}>
              <td className="mono">{s.detector}</td>
              <td className="mono">{String(s.detectorVersion)}</td>
              <td className="mono">{s.category}</td>
              <td className="num mono">{formatScore(s.score)}</td>
              <td>
                {s.evidence?.summary ?? <span className="muted">—</span>}
                {s.evidence?.terms?.length ? (
                  <div className="muted small">
                    terms: {s.evidence.terms.map((t) => (typeof t === 'string' ? t : t.term)).join(', ')}
                  </div>
                ) : null}
                {s.evidence?.hash ? (
                  <div className="small">
                    <span className="hash-label">{s.evidence.hashType ?? 'hash'}</span>{' '}
                    <Mono value={s.evidence.hash} short={8} />
                  </div>
                ) : null}
              </td>
              <td className="nowrap">
                {s.evidence?.bankEntryId ? (
                  s.evidence.bankId ? (
                    <Link to={`/banks/${encodeURIComponent(s.evidence.bankId)}`} title="Open bank">
                      <Mono value={s.evidence.bankEntryId} short={10} />
                    </Link>
                  ) : (
                    <Mono value={s.evidence.bankEntryId} short={10} />
                  )
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ActionsTable({ actions }: { actions: Action[] }) {
  if (actions.length === 0) return <Empty>No enforcement actions were taken.</Empty>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid="actions">
        <thead>
          <tr>
            <th>Type</th>
            <th>Delivery</th>
            <th>Status</th>
            <th>Idempotency key</th>
            <th className="num">Attempts</th>
            <th>Created</th>
            <th>Delivered at</th>
          </tr>
        </thead>
        <tbody>
          {actions.map((a) => (
            <tr key={a.id} data-action-status={a.status}>
              <td>{humanize(a.type)}</td>
              <td>{a.delivery ? humanize(a.delivery) : <span className="muted">—</span>}</td>
              <td>
                <span className={`badge action-${a.status}`}>{humanize(a.status)}</span>
                {a.lastError ? <div className="small error-text">{a.lastError}</div> : null}
              </td>
              <td className="nowrap">
                <Mono value={a.idempotencyKey} short={16} />
              </td>
              <td className="num">{a.attempts}</td>
              <td className="nowrap">{formatTime(a.createdAt)}</td>
              <td className="nowrap">
                {a.deliveredAt ? formatTime(a.deliveredAt) : <span className="muted">not delivered</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReviewTasksTable({ tasks }: { tasks: ReviewTask[] }) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid="review-tasks">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Category</th>
            <th>Severity</th>
            <th>Status</th>
            <th>SLA due</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id}>
              <td>{humanize(t.queue)}</td>
              <td className="mono">{t.category ?? '—'}</td>
              <td>{t.severity ? <span className={`severity severity-${t.severity}`}>{t.severity}</span> : '—'}</td>
              <td>
                <span className={`badge action-${t.status}`}>{humanize(t.status)}</span>
              </td>
              <td className="nowrap">{formatTime(t.slaDueAt)}</td>
              <td className="nowrap">{formatTime(t.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
