// One queue of the review configuration: filters, SLA, allowed verdicts, team, clearance, skills, escalation
// target and wellness toggles. Empty filter lists mean "any" and are left out of the document.
import { useState } from 'react';
import { CLEARANCES, type QueueConfig, type QueueFilters, REVIEW_VERDICTS, SEVERITIES, TASK_SOURCES } from '../../review-api.js';
import { CheckGroup, InheritSelect, ListInput, NumberInput } from './fields.js';

function withoutEmpty<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as T;
}

export function QueueEditor({
  queue,
  index,
  count,
  onChange,
  onRemove,
  onMove,
  startOpen,
}: {
  queue: QueueConfig;
  index: number;
  count: number;
  startOpen?: boolean;
  onChange(next: QueueConfig): void;
  onRemove(): void;
  onMove(delta: -1 | 1): void;
}) {
  const [open, setOpen] = useState(!!startOpen);
  const set = (patch: Partial<QueueConfig>) => onChange(withoutEmpty({ ...queue, ...patch }) as QueueConfig);
  const setFilter = (patch: Partial<QueueFilters>) => set({ filters: withoutEmpty({ ...queue.filters, ...patch }) });
  const setWellness = (patch: { blur?: boolean | undefined; grayscale?: boolean | undefined }) => {
    const next = withoutEmpty({ ...queue.wellness, ...patch });
    set({ wellness: Object.keys(next).length ? next : undefined });
  };

  return (
    <div className="queue-editor card" data-testid={`queue-editor-${queue.id}`}>
      <header className="card-header">
        <h3>
          {index + 1}. {queue.name || '(unnamed)'} <span className="mono muted">{queue.id}</span>
        </h3>
        <div className="toolbar toolbar-tight">
          <button type="button" className="btn btn-small" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Close' : 'Edit'}
          </button>
          <button type="button" className="btn btn-small" disabled={index === 0} onClick={() => onMove(-1)} aria-label="Move up">
            ↑
          </button>
          <button type="button" className="btn btn-small" disabled={index === count - 1} onClick={() => onMove(1)} aria-label="Move down">
            ↓
          </button>
          <button type="button" className="btn btn-small btn-warn" onClick={onRemove}>
            Remove
          </button>
        </div>
      </header>
      {!open ? (
        <p className="card-body small muted queue-summary">{summary(queue)}</p>
      ) : (
        <div className="card-body">
          <div className="form-grid form-grid-3">
            <label className="field">
              <span>Id</span>
              <input className="mono" name="queue-id" value={queue.id} onChange={(e) => set({ id: e.target.value })} />
            </label>
            <label className="field">
              <span>Name</span>
              <input name="queue-name" value={queue.name} onChange={(e) => set({ name: e.target.value })} />
            </label>
            <NumberInput label="SLA (minutes; empty: taxonomy)" value={queue.slaMinutes} min={1} step="1" onChange={(v) => set({ slaMinutes: v })} />
            <label className="field field-wide">
              <span>Description</span>
              <input value={queue.description ?? ''} onChange={(e) => set({ description: e.target.value })} />
            </label>
            <ListInput label="Categories" value={queue.filters.categories} onChange={(v) => setFilter({ categories: v })} />
            <CheckGroup label="Severities (none: any)" options={SEVERITIES} value={queue.filters.severities as (typeof SEVERITIES)[number][]} onChange={(v) => setFilter({ severities: v })} />
            <CheckGroup label="Sources (none: any)" options={TASK_SOURCES} value={queue.filters.sources as (typeof TASK_SOURCES)[number][]} onChange={(v) => setFilter({ sources: v })} />
            <ListInput label="Surfaces" value={queue.filters.surfaces} onChange={(v) => setFilter({ surfaces: v })} />
            <ListInput label="Languages" value={queue.filters.languages} onChange={(v) => setFilter({ languages: v })} />
            <CheckGroup
              label="Allowed verdicts (none: all)"
              options={REVIEW_VERDICTS}
              value={queue.allowedVerdicts}
              onChange={(v) => set({ allowedVerdicts: v.length ? v : undefined })}
            />
            <label className="field">
              <span>Clearance</span>
              <select value={queue.clearance} onChange={(e) => set({ clearance: e.target.value })}>
                {CLEARANCES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Team (empty: everyone cleared)</span>
              <input value={queue.team ?? ''} onChange={(e) => set({ team: e.target.value.trim() || undefined })} />
            </label>
            <ListInput label="Skills needed" value={queue.skills} placeholder="e.g. video, grooming" onChange={(v) => onChange({ ...queue, skills: v })} />
            <label className="field">
              <span>Escalation target (email)</span>
              <input type="email" value={queue.escalationTarget ?? ''} onChange={(e) => set({ escalationTarget: e.target.value.trim() || undefined })} />
            </label>
            <InheritSelect label="Blur" value={queue.wellness?.blur} onChange={(v) => setWellness({ blur: v })} />
            <InheritSelect label="Greyscale" value={queue.wellness?.grayscale} onChange={(v) => setWellness({ grayscale: v })} />
          </div>
        </div>
      )}
    </div>
  );
}

/** One line saying what lands in a queue and who works it. */
function summary(q: QueueConfig): string {
  const f = q.filters;
  const what = [
    f.categories?.length ? `categories ${f.categories.join(', ')}` : null,
    f.severities?.length ? `severities ${f.severities.join(', ')}` : null,
    f.sources?.length ? `sources ${f.sources.join(', ')}` : null,
    f.surfaces?.length ? `surfaces ${f.surfaces.join(', ')}` : null,
    f.languages?.length ? `languages ${f.languages.join(', ')}` : null,
  ].filter(Boolean);
  return [
    what.length ? what.join('; ') : 'any work',
    q.slaMinutes ? `SLA ${q.slaMinutes} min` : 'taxonomy SLA',
    `${q.clearance} clearance`,
    q.team ? `team ${q.team}` : null,
    q.skills.length ? `skills ${q.skills.join(', ')}` : null,
    q.allowedVerdicts ? `verdicts ${q.allowedVerdicts.join(', ')}` : null,
    q.escalationTarget ? `escalates to ${q.escalationTarget}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}
