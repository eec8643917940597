import { type Account, ApiError, api, hasPermission, type ItemDetail } from '../api.js';
import { DecisionPanel } from '../components/DecisionPanel.js';
import { EventTrace } from '../components/EventTrace.js';
import { ActionsTable, ReviewTasksTable, SignalsTable } from '../components/ItemTables.js';
import { MediaThumb } from '../components/MediaThumb.js';
import { Chip, Empty, ErrorBox, Fact, Facts, Loading, Mono, Section, StatusBadge } from '../components/ui.js';
import { formatAgeBand, formatTime, humanize, isMinorAgeBand } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function ItemPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useAsync(() => api.getItem(id), [id]);
  useDocumentTitle(data ? data.item.externalId : 'Item');

  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/items">Items</Link> <span aria-hidden="true">/</span>{' '}
        <span className="mono">{data?.item.externalId ?? id}</span>
      </nav>
      {error ? (
        <>
          <ErrorBox error={error} title="Could not load item" />
          {error instanceof ApiError && error.status >= 400 && error.status < 500 ? null : (
            <button type="button" className="btn" onClick={reload}>
              Retry
            </button>
          )}
        </>
      ) : loading && !data ? (
        <Loading />
      ) : data ? (
        <ItemView detail={data} reload={reload} />
      ) : null}
    </>
  );
}

function AccountLabel({ account }: { account: Account }) {
  const flags = Array.isArray(account.flags)
    ? account.flags
    : account.flags && typeof account.flags === 'object'
      ? Object.entries(account.flags)
          .filter(([, v]) => v)
          .map(([k]) => k)
      : [];
  return (
    <span className="account">
      <span className="mono">{account.externalId}</span>
      <Chip
        tone={
          isMinorAgeBand(account.ageBand)
            ? 'minor'
            : account.ageBand && account.ageBand !== 'unknown'
              ? 'info'
              : 'muted'
        }
        title={isMinorAgeBand(account.ageBand) ? 'Age band: minor' : 'Age band'}
      >
        {formatAgeBand(account.ageBand)}
      </Chip>
      {flags.map((f) => (
        <Chip key={f} tone="muted">
          {humanize(f)}
        </Chip>
      ))}
    </span>
  );
}

function ItemView({ detail, reload }: { detail: ItemDetail; reload: () => void }) {
  const user = useUser();
  const { item, author, recipients, decision, signals, actions, events } = detail;
  const canReveal = hasPermission(user, 'media:view');

  return (
    <>
      <div className="item-header card">
        <div className="item-title">
          <h1 className="mono" data-testid="item-external-id">
            {item.externalId}
          </h1>
          <div className="chips">
            <Chip>{humanize(item.surface)}</Chip>
            <Chip>{humanize(item.kind)}</Chip>
            <StatusBadge status={item.status} />
            <Link to={`/items/${encodeURIComponent(item.id)}/trace`} className="btn btn-small" data-testid="item-trace-link">
              Trace
            </Link>
          </div>
        </div>
        <Facts>
          <Fact label="Author">
            {author ? <AccountLabel account={author} /> : <span className="muted">unknown</span>}
          </Fact>
          <Fact label="Recipients">
            {recipients.length ? (
              <span className="stack">
                {recipients.map((r) => (
                  <AccountLabel key={r.id} account={r} />
                ))}
              </span>
            ) : (
              <span className="muted">none</span>
            )}
          </Fact>
          <Fact label="Conversation">
            <Mono value={item.conversationId} />
          </Fact>
          <Fact label="Created">{formatTime(item.createdAt)}</Fact>
          <Fact label="Ingested">{formatTime(item.ingestedAt)}</Fact>
          <Fact label="Haven id">
            <Mono value={item.id} copy />
          </Fact>
          <Fact label="Content digest">
            <Mono value={item.contentDigest} short={12} copy />
          </Fact>
        </Facts>
      </div>

      <Section
        title="Decision"
        id="decision"
        aside={
          (detail.decisions?.length ?? 0) > 1 ? (
            <span className="muted small">latest of {detail.decisions?.length} decisions (see the event trace)</span>
          ) : null
        }
      >
        <DecisionPanel decision={decision} />
      </Section>

      <Section
        title="Content"
        id="content"
        aside={item.media.length ? <span className="muted small">Media is blurred by default</span> : null}
      >
        {item.text ? (
          <blockquote className="item-text" data-testid="item-text">
            {item.text}
          </blockquote>
        ) : (
          <Empty>No text.</Empty>
        )}
        {item.media.length > 0 ? (
          <div className="media-grid">
            {[...item.media]
              .sort((a, b) => a.index - b.index)
              .map((m) => (
                <MediaThumb key={m.id} media={m} canReveal={canReveal} onRevealed={reload} />
              ))}
          </div>
        ) : null}
        {!canReveal && item.media.length > 0 ? (
          <p className="muted small">You do not have permission to reveal media (media:view).</p>
        ) : null}
        {item.metadata && Object.keys(item.metadata).length > 0 ? (
          <details className="metadata">
            <summary>Metadata</summary>
            <pre className="json">{JSON.stringify(item.metadata, null, 2)}</pre>
          </details>
        ) : null}
      </Section>

      <Section title="Signals" id="signals" aside={<span className="muted small">{signals.length}</span>}>
        <SignalsTable signals={signals} />
      </Section>

      {detail.reviewTasks?.length ? (
        <Section
          title="Review tasks"
          id="review"
          aside={<span className="muted small">{detail.reviewTasks.length}</span>}
        >
          <ReviewTasksTable tasks={detail.reviewTasks} />
        </Section>
      ) : null}

      <Section title="Actions" id="actions" aside={<span className="muted small">{actions.length}</span>}>
        <ActionsTable actions={actions} />
      </Section>

      <Section title="Event trace" id="events" aside={
          <span className="muted small">
            {events.length} events · <Link to={`/items/${encodeURIComponent(item.id)}/trace`}>enforcement trace</Link>
          </span>
        }
      >
        <EventTrace events={events} />
      </Section>
    </>
  );
}
