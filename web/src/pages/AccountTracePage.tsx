// An account's enforcement history: its items with verdicts, actions and review outcomes (each linking to its own
// trace), the events about the account itself, and its labels.
import { hasPermission } from '../api.js';
import { LoadError } from '../components/investigations/common.js';
import { LabelsPanel } from '../components/investigations/LabelsPanel.js';
import { TraceTimeline } from '../components/investigations/TraceTimeline.js';
import { Chip, Empty, Fact, Facts, Loading, Mono, Section } from '../components/ui.js';
import { formatAgeBand, formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { type AccountTrace, invApi } from '../investigations-api.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function AccountTracePage({ id }: { id: string }) {
  const { data, error, loading } = useAsync(() => invApi.accountTrace(id, 100), [id]);
  useDocumentTitle(data ? `Account ${data.externalId}` : 'Account trace');
  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <span>Accounts</span> <span aria-hidden="true">/</span> <span className="mono">{data?.externalId ?? id}</span>{' '}
        <span aria-hidden="true">/</span> <span>Trace</span>
      </nav>
      <LoadError error={error} what="this account's trace" permission="items:read" />
      {loading && !data ? <Loading label="Tracing…" /> : data ? <AccountView trace={data} /> : null}
    </>
  );
}

function AccountView({ trace }: { trace: AccountTrace }) {
  const user = useUser();
  return (
    <>
      <div className="item-header card">
        <div className="item-title">
          <h1 className="mono" data-testid="account-external-id">
            {trace.externalId}
          </h1>
          <div className="chips">
            <Chip>{formatAgeBand(trace.ageBand)}</Chip>
            {trace.flags.map((f) => (
              <Chip key={f} tone="muted">
                {humanize(f)}
              </Chip>
            ))}
          </div>
        </div>
        <Facts>
          <Fact label="Haven id">
            <Mono value={trace.accountId} copy />
          </Fact>
          <Fact label="Created">{formatTime(trace.createdAt)}</Fact>
          <Fact label="Items">
            {trace.items.length}
            {trace.truncated ? ' (newest only)' : ''}
          </Fact>
        </Facts>
      </div>
      <Section title="Items" id="account-items" aside={<span className="muted small">newest first</span>}>
        {trace.items.length === 0 ? (
          <Empty>No items.</Empty>
        ) : (
          <table className="table" data-testid="account-items">
            <thead>
              <tr>
                <th>Item</th>
                <th>Created</th>
                <th>Verdict</th>
                <th>Decided by</th>
                <th>Actions</th>
                <th>Review</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {trace.items.map((i) => (
                <tr key={i.itemId} data-item-id={i.itemId}>
                  <td>
                    <Link to={`/items/${encodeURIComponent(i.itemId)}`} className="mono">
                      {i.externalId}
                    </Link>
                    <div className="small muted">
                      {humanize(i.surface)} · {humanize(i.kind)}
                    </div>
                  </td>
                  <td className="nowrap">{formatTime(i.createdAt)}</td>
                  <td>
                    {i.verdict ? humanize(i.verdict) : <span className="muted">none</span>}
                    {i.category ? <span className="mono small"> {i.category}</span> : null}
                  </td>
                  <td>{i.decidedBy ?? <span className="muted">—</span>}</td>
                  <td>{i.actions.length ? i.actions.map((a) => `${a.type} (${a.status})`).join(', ') : <span className="muted">none</span>}</td>
                  <td>
                    {i.review ? (
                      <span>
                        {i.review.queue}: {humanize(i.review.status)}
                        {i.review.verdict ? `, ${humanize(i.review.verdict)}` : ''}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <Link to={`/items/${encodeURIComponent(i.itemId)}/trace`}>trace</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Events about the account" id="account-events">
        <TraceTimeline steps={trace.events} missedStep={null} focus={null} />
      </Section>
      <LabelsPanel
        targets={[{ entityType: 'account', entityId: trace.accountId, caption: trace.externalId }]}
        canWrite={hasPermission(user, 'investigations:write')}
      />
    </>
  );
}
