import { type FormEvent, useEffect, useState } from 'react';
import { api, type ItemSummary } from '../api.js';
import { Empty, ErrorBox, Loading, Mono, VerdictBadge } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useDocumentTitle } from '../hooks.js';
import { Link, navigate, useLocation } from '../router.js';

const VERDICTS = [
  ['', 'Any verdict'],
  ['violating', 'Violating'],
  ['needs_review', 'Needs review'],
  ['no_violation', 'No violation'],
] as const;

const STATUSES = [
  ['', 'Any status'],
  ['pending', 'Pending'],
  ['processed', 'Processed'],
  ['failed', 'Failed'],
] as const;

function itemsUrl(q: string, verdict: string, status: string): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (verdict) params.set('verdict', verdict);
  if (status) params.set('status', status);
  const qs = params.toString();
  return qs ? `/items?${qs}` : '/items';
}

export function ItemsPage() {
  useDocumentTitle('Items');
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const verdict = search.get('verdict') ?? '';
  const status = search.get('status') ?? '';

  const [draft, setDraft] = useState(q);
  const [items, setItems] = useState<ItemSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => setDraft(q), [q]);

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    api.listItems({ q, verdict, status }).then(
      (res) => {
        if (!current) return;
        setItems(res.items);
        setNextCursor(res.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(err);
        setItems([]);
        setNextCursor(null);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [q, verdict, status]);

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const res = await api.listItems({
        q,
        verdict,
        status,
        cursor: nextCursor,
      });
      setItems((prev) => [...prev, ...res.items]);
      setNextCursor(res.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(itemsUrl(draft.trim(), verdict, status));
  };

  const filtered = q || verdict || status;

  return (
    <>
      <div className="page-header">
        <h1>Items</h1>
        <p className="subtitle">Content ingested from connected surfaces, with the latest automated decision.</p>
      </div>

      <search>
        <form className="toolbar" onSubmit={submit}>
          <label className="field field-grow">
            <span className="sr-only">Search</span>
            <input
              type="search"
              name="q"
              placeholder="Search by external id, author external id, or text"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="sr-only">Verdict</span>
            <select name="verdict" value={verdict} onChange={(e) => navigate(itemsUrl(q, e.target.value, status))}>
              {VERDICTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="sr-only">Status</span>
            <select name="status" value={status} onChange={(e) => navigate(itemsUrl(q, verdict, e.target.value))}>
              {STATUSES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="btn btn-primary">
            Search
          </button>
          {filtered ? (
            <button type="button" className="btn btn-quiet" onClick={() => navigate('/items')}>
              Clear
            </button>
          ) : null}
        </form>
      </search>

      <ErrorBox error={error} />

      <div className="card table-card">
        {loading ? (
          <Loading />
        ) : items.length === 0 ? (
          <Empty>{filtered ? 'No items match these filters.' : 'No items have been ingested yet.'}</Empty>
        ) : (
          <table className="table table-clickable" data-testid="items-table">
            <thead>
              <tr>
                <th>External id</th>
                <th>Surface</th>
                <th>Kind</th>
                <th>Author</th>
                <th>Created (UTC)</th>
                <th>Verdict</th>
                <th>Category</th>
                <th>Severity</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <ItemRow key={item.id} item={item} />
              ))}
            </tbody>
          </table>
        )}
      </div>

      {!loading && nextCursor ? (
        <div className="load-more">
          <button type="button" className="btn" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </>
  );
}

function ItemRow({ item }: { item: ItemSummary }) {
  const href = `/items/${encodeURIComponent(item.id)}`;
  return (
    <tr
      data-item-id={item.id}
      onClick={(e) => {
        // let real links (and modified clicks on them) behave normally
        if ((e.target as HTMLElement).closest('a')) return;
        navigate(href);
      }}
    >
      <td>
        <Link to={href} className="mono row-link">
          {item.externalId}
        </Link>
        {item.textPreview ? <div className="row-preview">{item.textPreview}</div> : null}
      </td>
      <td className="nowrap">{humanize(item.surface)}</td>
      <td className="nowrap">
        {humanize(item.kind)}
        {item.mediaCount > 0 ? (
          <div className="small muted" title="Media parts (blurred until revealed)">
            {item.mediaCount} media
          </div>
        ) : null}
      </td>
      <td className="nowrap">
        <Mono value={item.authorExternalId} short={14} />
      </td>
      <td className="nowrap" title={item.createdAt}>
        {formatTime(item.createdAt, { zone: false })}
      </td>
      <td>
        {item.status === 'processed' || item.verdict ? (
          <VerdictBadge verdict={item.verdict} />
        ) : (
          <span className={`badge status-${item.status}`}>{humanize(item.status)}</span>
        )}
      </td>
      <td>{item.category ? <span className="mono">{item.category}</span> : <span className="muted">—</span>}</td>
      <td>
        {item.severity ? (
          <span className={`severity severity-${item.severity}`}>{item.severity}</span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
