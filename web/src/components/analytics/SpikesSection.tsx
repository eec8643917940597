// Spike alerts: each names the slice that moved, its count against the baseline, and drills down to its items.
import { useState } from 'react';
import { analyticsApi, type SpikeAlert } from '../../analytics-api.js';
import { useAsync } from '../../hooks.js';
import { Empty, ErrorBox, Loading, Section } from '../ui.js';
import { DrillItems, DrillPanel } from './ItemIds.js';

export function SpikesSection({ until }: { until?: string }) {
  const [bucket, setBucket] = useState<'day' | 'hour'>('day');
  const [open, setOpen] = useState<SpikeAlert | null>(null);
  const spikes = useAsync(() => analyticsApi.spikes({ bucket, until }), [bucket, until]);
  const s = spikes.data;

  return (
    <Section
      title="Spike alerts"
      id="analytics-spikes"
      aside={
        <div className="toolbar toolbar-tight">
          {(['day', 'hour'] as const).map((b) => (
            <button key={b} type="button" className={`btn btn-small${bucket === b ? ' btn-primary' : ''}`} aria-pressed={bucket === b} onClick={() => setBucket(b)}>
              last {b}
            </button>
          ))}
        </div>
      }
    >
      <ErrorBox error={spikes.error} title="Could not load spike alerts" />
      {!s && spikes.loading ? <Loading /> : null}
      {s ? (
        <p className="muted small">
          {s.bucket} starting {new Date(s.at).toISOString().replace('T', ' ').slice(0, 16)} UTC against {s.method.replace(/_/g, ' ')}.
        </p>
      ) : null}
      {s && s.alerts.length === 0 ? <Empty>No slice stands out.</Empty> : null}
      {s && s.alerts.length > 0 ? (
        <table className="table" data-testid="spike-alerts">
          <thead>
            <tr>
              <th>Slice</th>
              <th className="num">Count</th>
              <th className="num">Baseline median</th>
              <th className="num">Score</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {s.alerts.map((a) => (
              <tr key={a.label} data-testid="spike-alert" data-label={a.label}>
                <td>
                  <strong>{a.label}</strong>
                  <div className="muted small">baseline: {a.baseline.points.map((p) => p.count).join(', ')}</div>
                </td>
                <td className="num">{a.value}</td>
                <td className="num">{a.baseline.median}</td>
                <td className="num">{a.score.toFixed(1)}</td>
                <td>
                  <button type="button" className="btn btn-small" data-testid="spike-drill" onClick={() => setOpen(a)}>
                    Items
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? (
        <DrillPanel title={`Items behind ${open.label} (${open.value})`} onClose={() => setOpen(null)}>
          <DrillItems url={open.drill} />
        </DrillPanel>
      ) : null}
    </Section>
  );
}
