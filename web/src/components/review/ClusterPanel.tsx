// Clusters for leads: open tasks that share one bank entry or identical content, so one decision can cover them.
// A lead opens a cluster, checks its tasks, and decides them all at once (recorded task by task on the server).
import { useState } from 'react';
import { formatTime, shorten } from '../../format.js';
import { useAsync } from '../../hooks.js';
import { type BulkResult, type ClusterSummary, type QueueSummary, reviewApi, type TaxonomyCategory } from '../../review-api.js';
import { Link } from '../../router.js';
import { Empty, ErrorBox, Loading, Mono, Section } from '../ui.js';
import { BulkDecisionForm, BulkOutcome } from './BulkDecision.js';

/** "bank:<entryId>" or "content:<digest>" in words. */
export function describeCluster(key: string): { what: string; id: string } {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  if (kind === 'bank') return { what: 'Same bank entry', id };
  if (kind === 'content') return { what: 'Identical content', id };
  return { what: 'Cluster', id: key };
}

export function ClusterPanel({
  queues,
  categories,
  me,
  onDecided,
}: {
  queues: QueueSummary[];
  categories: TaxonomyCategory[];
  /** The lead's reviewer label (user:<email>): tasks they hold are decided, others' are skipped. */
  me: string;
  onDecided(): void;
}) {
  const [queue, setQueue] = useState('');
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const clusters = useAsync(() => reviewApi.clusters(queue || undefined), [queue]);

  const decided = (r: BulkResult) => {
    setResult(r);
    setOpenKey(null);
    clusters.reload();
    onDecided();
  };

  return (
    <>
      {result ? <BulkOutcome result={result} onDismiss={() => setResult(null)} /> : null}
      <Section
        title="Clusters"
        id="clusters"
        aside={
          <div className="toolbar toolbar-tight">
            <label className="sr-only" htmlFor="cluster-queue">
              Queue
            </label>
            <select id="cluster-queue" value={queue} onChange={(e) => setQueue(e.target.value)} data-testid="cluster-queue">
              <option value="">All queues</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn-small btn-quiet" onClick={clusters.reload}>
              Refresh
            </button>
          </div>
        }
      >
        <p className="small muted">
          Open tasks that matched the same bank entry or carry identical content. As a lead you can take one decision
          over a whole cluster; it is recorded task by task, and second review and QA sampling still apply.
        </p>
        <ErrorBox error={clusters.error} title="Could not load clusters" />
        {clusters.data ? (
          <ClusterTable clusters={clusters.data.clusters} openKey={openKey} onOpen={(k) => setOpenKey(k === openKey ? null : k)} />
        ) : clusters.loading ? (
          <Loading />
        ) : null}
      </Section>
      {openKey ? (
        <ClusterDetail key={openKey} clusterKey={openKey} categories={categories} me={me} onDecided={decided} onClose={() => setOpenKey(null)} />
      ) : null}
    </>
  );
}

function ClusterTable({ clusters, openKey, onOpen }: { clusters: ClusterSummary[]; openKey: string | null; onOpen(key: string): void }) {
  if (clusters.length === 0) return <Empty>No open clusters: every open task stands alone.</Empty>;
  return (
    <table className="table" data-testid="cluster-table">
      <thead>
        <tr>
          <th>Cluster</th>
          <th className="num">Open tasks</th>
          <th className="num">Top priority</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {clusters.map((c) => {
          const d = describeCluster(c.clusterKey);
          return (
            <tr key={c.clusterKey} data-cluster-key={c.clusterKey}>
              <td>
                <b>{d.what}</b> <Mono value={d.id} short={12} />
              </td>
              <td className="num" data-testid="cluster-size">
                {c.tasks}
              </td>
              <td className="num">{c.priority ?? '—'}</td>
              <td>
                <button type="button" className="btn btn-small" onClick={() => onOpen(c.clusterKey)} data-testid="open-cluster">
                  {openKey === c.clusterKey ? 'Close' : 'Open'}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ClusterDetail({
  clusterKey,
  categories,
  me,
  onDecided,
  onClose,
}: {
  clusterKey: string;
  categories: TaxonomyCategory[];
  me: string;
  onDecided(result: BulkResult): void;
  onClose(): void;
}) {
  const tasks = useAsync(() => reviewApi.clusterTasks(clusterKey), [clusterKey]);
  const d = describeCluster(clusterKey);
  const list = tasks.data?.tasks ?? [];
  // Mirrors the server: a bulk decision covers open review and escalation tasks; others' claims are skipped.
  const decidable = list.filter((t) => t.status === 'open' && (t.kind === 'review' || t.kind === 'escalation'));
  const heldByOthers = decidable.filter((t) => t.claimedBy && t.claimedBy !== me).length;
  const categoriesSeen = [...new Set(decidable.map((t) => t.category).filter((c): c is string => !!c))];

  return (
    <Section
      title={`${d.what} · ${shorten(d.id, 16)}`}
      id="cluster"
      aside={
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          Close
        </button>
      }
    >
      <div data-testid="cluster-detail" data-cluster-key={clusterKey}>
        <ErrorBox error={tasks.error} title="Could not load the cluster's tasks" />
        {tasks.loading && !tasks.data ? <Loading /> : null}
        {tasks.data ? (
          <>
            <div className="table-scroll">
              <table className="table" data-testid="cluster-tasks">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Queue</th>
                    <th>Kind</th>
                    <th>Severity</th>
                    <th>Category</th>
                    <th className="num">Priority</th>
                    <th>SLA due</th>
                    <th>Held by</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={t.id} data-task-id={t.id}>
                      <td>
                        <Link to={`/items/${encodeURIComponent(t.itemId)}`} className="row-link">
                          <Mono value={t.itemId} short={10} />
                        </Link>
                      </td>
                      <td>{t.queue}</td>
                      <td>{t.kind}</td>
                      <td>
                        <span className={`severity severity-${t.severity}`}>{t.severity}</span>
                      </td>
                      <td>{t.category ?? '—'}</td>
                      <td className="num">{t.priority}</td>
                      <td className="nowrap">{formatTime(t.slaDueAt)}</td>
                      <td>{t.claimedBy ? (t.claimedBy === me ? 'you' : t.claimedBy) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <BulkDecisionForm
              clusterKey={clusterKey}
              count={decidable.length}
              heldByOthers={heldByOthers}
              categories={categories}
              defaultCategory={categoriesSeen.length === 1 ? (categoriesSeen[0] ?? '') : ''}
              onDecided={onDecided}
            />
          </>
        ) : null}
      </div>
    </Section>
  );
}
