// Vertical timeline of every event recorded for an item.
import type { HavenEvent } from '../api.js';
import { formatTimePrecise } from '../format.js';
import { Empty } from './ui.js';

function eventTone(type: string): string {
  if (/fail|error|reject|dead/i.test(type)) return 'bad';
  if (/decision|decided|media_viewed/i.test(type)) return 'key';
  if (/action|deliver|enforce/i.test(type)) return 'action';
  return 'plain';
}

export function EventTrace({ events }: { events: HavenEvent[] }) {
  if (events.length === 0) return <Empty>No events recorded.</Empty>;
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <ol className="timeline" data-testid="event-trace">
      {sorted.map((event) => (
        <li key={event.id} className={`timeline-event tone-${eventTone(event.type)}`} data-event-type={event.type}>
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-head">
            <time dateTime={event.at} className="timeline-time">
              {formatTimePrecise(event.at)}
            </time>
            <span className="timeline-type mono">{event.type}</span>
            <span className="timeline-actor">
              by <span className="mono">{event.actor ?? 'system'}</span>
            </span>
          </div>
          {Object.keys(event.versions ?? {}).length > 0 ? (
            <div className="timeline-versions">
              {Object.entries(event.versions).map(([key, value]) => (
                <span key={key} className="chip chip-version" title={`${key} version`}>
                  {key} <b>{String(value)}</b>
                </span>
              ))}
            </div>
          ) : null}
          <details className="timeline-payload">
            <summary>Payload</summary>
            <pre className="json">{JSON.stringify(event.payload, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}
