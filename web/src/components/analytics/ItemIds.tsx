// Drill-down: the items behind a chart point, alert or term, each linking to its item page.
import { analyticsApi } from '../../analytics-api.js';
import { useAsync } from '../../hooks.js';
import { Link } from '../../router.js';
import { Empty, ErrorBox, Loading, Mono } from '../ui.js';

export function ItemIds({ ids, more, testId }: { ids: readonly string[]; more?: boolean; testId?: string }) {
  if (ids.length === 0) return <Empty>No items.</Empty>;
  return (
    <ul className="id-list" data-testid={testId ?? 'drill-items'}>
      {ids.map((id) => (
        <li key={id}>
          <Link to={`/items/${encodeURIComponent(id)}`} className="drill-item">
            <Mono value={id} />
          </Link>
        </li>
      ))}
      {more ? <li className="muted">…and more</li> : null}
    </ul>
  );
}

/** Loads a `drill` URL from the API and lists its items. */
export function DrillItems({ url }: { url: string }) {
  const drill = useAsync(() => analyticsApi.drill(url), [url]);
  if (drill.error) return <ErrorBox error={drill.error} title="Could not load the items" />;
  if (!drill.data) return <Loading />;
  return <ItemIds ids={drill.data.items} />;
}

/** A titled panel showing one drill-down, with a close button. */
export function DrillPanel({ title, onClose, children }: { title: string; onClose(): void; children: React.ReactNode }) {
  return (
    <div className="drill-panel" data-testid="drill-panel">
      <div className="drill-panel-head">
        <strong>{title}</strong>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          Close
        </button>
      </div>
      {children}
    </div>
  );
}
