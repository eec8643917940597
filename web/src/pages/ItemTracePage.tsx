// The enforcement trace of an item: every step the system took, the first point it could have been caught and was
// not (stated plainly and highlighted), and the root causes it suggests. Media appears only as blurred previews.
import { type FormEvent, useEffect, useState } from 'react';
import { hasPermission } from '../api.js';
import { CauseName, LoadError } from '../components/investigations/common.js';
import { LabelsPanel, type LabelTarget } from '../components/investigations/LabelsPanel.js';
import { TraceTimeline } from '../components/investigations/TraceTimeline.js';
import { Chip, Empty, Fact, Facts, Loading, Mono, Section, StatusBadge } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { invApi, type ItemTraceResponse } from '../investigations-api.js';
import { Link, navigate, useLocation } from '../router.js';
import { useUser } from '../session.js';

export function ItemTracePage({ id }: { id: string }) {
  const { search, path } = useLocation();
  const expected = search.get('expected');
  const focus = search.get('step');
  const { data, error, loading } = useAsync(() => invApi.itemTrace(id, expected), [id, expected]);
  useDocumentTitle(data ? `Trace ${data.trace.externalId}` : 'Trace');
  const [expectedInput, setExpectedInput] = useState(expected ?? '');

  const applyExpected = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams(search);
    if (expectedInput.trim()) q.set('expected', expectedInput.trim().toUpperCase());
    else q.delete('expected');
    const qs = q.toString();
    navigate(`${path}${qs ? `?${qs}` : ''}`);
  };

  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/items">Items</Link> <span aria-hidden="true">/</span>{' '}
        <Link to={`/items/${encodeURIComponent(id)}`} className="mono">
          {data?.trace.externalId ?? id}
        </Link>{' '}
        <span aria-hidden="true">/</span> <span>Trace</span>
      </nav>
      <form className="toolbar" onSubmit={applyExpected}>
        <label className="field">
          <span>Expected category (what the item is, when no decision says so)</span>
          <input name="expected" placeholder="e.g. CSE-01" value={expectedInput} onChange={(e) => setExpectedInput(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-small" data-testid="apply-expected">
          Re-read the trace
        </button>
      </form>
      <LoadError error={error} what="this trace" permission="items:read" />
      {loading && !data ? <Loading label="Tracing…" /> : data ? <TraceView data={data} focus={focus} /> : null}
    </>
  );
}

function TraceView({ data, focus }: { data: ItemTraceResponse; focus: string | null }) {
  const user = useUser();
  const { trace, firstMissedCatch: first } = data;
  const missedStep = first?.step ?? null;
  const labelTargets: LabelTarget[] = [
    ...(trace.authorId ? [{ entityType: 'account' as const, entityId: trace.authorId, caption: '(author)' }] : []),
    ...(trace.conversationId ? [{ entityType: 'conversation' as const, entityId: trace.conversationId, caption: '' }] : []),
  ];

  useEffect(() => {
    if (!focus) return;
    document.querySelector(`[data-event-id="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus]);

  return (
    <>
      <div className="item-header card">
        <div className="item-title">
          <h1 className="mono" data-testid="trace-external-id">
            {trace.externalId}
          </h1>
          <div className="chips">
            <Chip>{humanize(trace.surface)}</Chip>
            <Chip>{humanize(trace.kind)}</Chip>
            <StatusBadge status={trace.status} />
            {data.expected ? <Chip tone="info">expected {data.expected.category}</Chip> : null}
          </div>
        </div>
        <Facts>
          <Fact label="Author">
            {trace.authorId ? (
              <Link to={`/accounts/${encodeURIComponent(trace.authorId)}/trace`} className="mono" data-testid="author-trace-link">
                {trace.authorId}
              </Link>
            ) : (
              <span className="muted">unknown</span>
            )}
          </Fact>
          <Fact label="Conversation">
            <Mono value={trace.conversationId} />
          </Fact>
          <Fact label="Created">{formatTime(trace.createdAt)}</Fact>
          <Fact label="Ingested">{formatTime(trace.ingestedAt)}</Fact>
          <Fact label="Last human word">
            {trace.truth ? (
              <span>
                {humanize(trace.truth.verdict)}
                {trace.truth.category ? ` (${trace.truth.category})` : ''} <span className="muted small">by {trace.truth.by} via {trace.truth.source}</span>
              </span>
            ) : (
              <span className="muted">none</span>
            )}
          </Fact>
        </Facts>
        {hasPermission(user, 'investigations:write') ? (
          <div className="toolbar">
            <Link to={`/escalations?item=${encodeURIComponent(trace.itemId)}`} className="btn btn-small">
              Open an escalation on this item
            </Link>
          </div>
        ) : null}
      </div>

      <div
        className={`alert ${first ? 'alert-error missed-catch' : 'alert-info'}`}
        role="status"
        data-testid="first-missed-catch"
        data-cause={first?.cause ?? ''}
      >
        {first ? (
          <>
            <strong>First missed catch</strong>
            {first.step !== null ? ` (step #${first.step})` : ''}: {first.text}{' '}
            <span className="chip chip-muted">
              <CauseName cause={first.cause} />
            </span>
          </>
        ) : (
          <>
            <strong>No missed catch.</strong>{' '}
            {data.expected || trace.truth
              ? 'The item was caught where it should have been.'
              : 'No decision says the item violates; give an expected category to ask where it could have been caught.'}
          </>
        )}
      </div>

      {trace.media.length > 0 ? (
        <Section title="Media" id="trace-media" aside={<span className="muted small">blurred previews only</span>}>
          <div className="media-grid" data-testid="trace-media">
            {trace.media.map((m) => (
              <figure key={m.id} className="media" data-media-id={m.id}>
                <div className="media-frame">
                  {m.mime.startsWith('image/') ? (
                    <img className="media-img media-blurred" src={m.previewUrl} alt={`Media part ${m.index + 1} (blurred preview)`} draggable={false} />
                  ) : (
                    <div className="media-placeholder">No preview for {m.mime}</div>
                  )}
                  <span className="media-flag">Blurred</span>
                </div>
                <figcaption className="media-meta">
                  <span>#{m.index + 1}</span>
                  <span>{m.mime}</span>
                  {m.width && m.height ? <span>{`${m.width}×${m.height}`}</span> : null}
                  <span>{m.hashed ? `PDQ quality ${m.pdqQuality ?? '—'}` : 'not hashed'}</span>
                </figcaption>
              </figure>
            ))}
          </div>
        </Section>
      ) : null}

      <Section title="Timeline" id="trace-steps" aside={<span className="muted small">{trace.steps.length} steps</span>}>
        <TraceTimeline steps={trace.steps} missedStep={missedStep} focus={focus} />
      </Section>

      {data.missedCatches.length > 1 ? (
        <Section title="Every missed catch" id="missed">
          <ol className="missed-list">
            {data.missedCatches.map((m) => (
              <li key={`${m.cause}:${m.step ?? 'none'}:${m.text}`}>
                <CauseName cause={m.cause} /> {m.step !== null ? <span className="mono small">#{m.step}</span> : null}: {m.text}
              </li>
            ))}
          </ol>
        </Section>
      ) : null}

      <Section title="Likely root causes" id="suggestions">
        {data.suggestions.length === 0 ? (
          <Empty>The trace points to no root cause.</Empty>
        ) : (
          <ul className="cause-list" data-testid="trace-suggestions">
            {data.suggestions.map((s) => (
              <li key={s.cause} className="cause" data-cause={s.cause}>
                <strong>
                  <CauseName cause={s.cause} />
                </strong>
                <ul className="evidence-list">
                  {s.evidence.map((ev) => (
                    <li key={`${ev.eventId}:${ev.step}`}>
                      <span className="mono small">{ev.step}</span>: {ev.text}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </Section>

      {trace.coverage.length > 0 ? (
        <Section title="Coverage" id="coverage" aside={<span className="muted small">detectors that could raise each category here</span>}>
          <table className="table">
            <tbody>
              {trace.coverage.map((c) => (
                <tr key={c.category}>
                  <td className="mono">{c.category}</td>
                  <td>{c.detectors.length ? c.detectors.join(', ') : <span className="error-text">no detector</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}

      <LabelsPanel targets={labelTargets} canWrite={hasPermission(user, 'investigations:write')} />
    </>
  );
}
