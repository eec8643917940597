// The steps of an enforcement trace, oldest first; the first missed catch and the step a link asked for stand out.
import { formatTimePrecise } from '../../format.js';
import type { TraceStep } from '../../investigations-api.js';
import { Empty } from '../ui.js';

function tone(kind: string): string {
  if (/fail|dead|error|cancel/i.test(kind)) return 'bad';
  if (/decision|decided|review/i.test(kind)) return 'key';
  if (/action|deliver/i.test(kind)) return 'action';
  return 'plain';
}

export function TraceTimeline({ steps, missedStep, focus }: { steps: TraceStep[]; missedStep: number | null; focus: string | null }) {
  if (steps.length === 0) return <Empty>No steps recorded.</Empty>;
  return (
    <ol className="timeline trace-timeline" data-testid="trace-steps">
      {steps.map((s) => {
        const missed = s.index === missedStep;
        const focused = focus !== null && s.eventId === focus;
        return (
          <li
            key={`${s.index}:${s.eventId ?? ''}`}
            className={`timeline-event tone-${missed ? 'bad' : tone(s.kind)}${missed ? ' trace-missed' : ''}${focused ? ' trace-focus' : ''}`}
            data-step={s.index}
            data-event-id={s.eventId ?? ''}
            data-missed={missed ? 'true' : undefined}
            data-focused={focused ? 'true' : undefined}
          >
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-head">
              <span className="mono small">#{s.index}</span>
              <time dateTime={s.at} className="timeline-time">
                {formatTimePrecise(s.at)}
              </time>
              <span className="timeline-type mono">{s.kind}</span>
              <span className="timeline-actor">
                by <span className="mono">{s.actor}</span>
              </span>
              {missed ? <span className="chip chip-overdue">first missed catch</span> : null}
            </div>
            <div className="trace-title">{s.title}</div>
            {s.detail ? <div className="trace-detail">{s.detail}</div> : null}
            {Object.keys(s.data ?? {}).length > 0 ? (
              <details className="timeline-payload">
                <summary>Data</summary>
                <pre className="json">{JSON.stringify(s.data, null, 2)}</pre>
              </details>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
