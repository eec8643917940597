// Volumes over time (one line per slice); clicking a point lists the items behind it.
import { useMemo, useState } from 'react';
import { analyticsApi, type VolumePoint } from '../../analytics-api.js';
import { useAsync } from '../../hooks.js';
import { Empty, ErrorBox, Loading, Section } from '../ui.js';
import { type ChartOption, EChart } from './EChart.js';
import { DrillItems, DrillPanel } from './ItemIds.js';

const METRICS: Record<string, string[]> = {
  items: ['surface', 'kind'],
  signals: ['category', 'detector', 'surface'],
  decisions: ['category', 'verdict', 'surface'],
  actions: ['type', 'status', 'surface'],
  reports: ['status', 'category'],
};

const keyLabel = (p: VolumePoint) => Object.values(p.key).join(' · ') || 'all';

export function TrendsSection({ until }: { until?: string }) {
  const [metric, setMetric] = useState('signals');
  const [by, setBy] = useState('category');
  const [bucket, setBucket] = useState<'day' | 'hour'>('day');
  const [since, setSince] = useState('30d');
  const [picked, setPicked] = useState<{ label: string; drill: string } | null>(null);
  const volumes = useAsync(() => analyticsApi.volumes({ metric, by, bucket, since, until }), [metric, by, bucket, since, until]);

  const option = useMemo<ChartOption | null>(() => {
    const points = volumes.data?.points;
    if (!points?.length) return null;
    const series = new Map<string, { value: [number, number]; drill: string }[]>();
    for (const p of points) {
      const k = keyLabel(p);
      series.set(k, [...(series.get(k) ?? []), { value: [p.at, p.count], drill: p.drill }]);
    }
    return {
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', minInterval: 1 },
      series: [...series].map(([name, data]) => ({ name, type: 'line', data, symbolSize: 7, emphasis: { focus: 'series' } })),
    } as ChartOption;
  }, [volumes.data]);

  return (
    <Section
      title="Trends"
      id="analytics-trends"
      aside={
        <div className="toolbar toolbar-tight">
          <select
            aria-label="Metric"
            value={metric}
            onChange={(e) => {
              setMetric(e.target.value);
              setBy(METRICS[e.target.value]?.[0] ?? '');
            }}
          >
            {Object.keys(METRICS).map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <select aria-label="Break down by" value={by} onChange={(e) => setBy(e.target.value)}>
            {(METRICS[metric] ?? []).map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
          <select aria-label="Bucket" value={bucket} onChange={(e) => setBucket(e.target.value as 'day' | 'hour')}>
            <option value="day">per day</option>
            <option value="hour">per hour</option>
          </select>
          <select aria-label="Window" value={since} onChange={(e) => setSince(e.target.value)}>
            {['48h', '7d', '30d', '90d'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
      }
    >
      <ErrorBox error={volumes.error} title="Could not load the trend" />
      {volumes.loading && !volumes.data ? <Loading /> : null}
      {volumes.data && !option ? <Empty>Nothing in this window.</Empty> : null}
      {option ? (
        <EChart
          option={option}
          testId="trend-chart"
          onClick={(e) => {
            const d = e.data as { value: [number, number]; drill: string } | undefined;
            if (d?.drill) setPicked({ label: `${e.seriesName ?? ''} on ${new Date(d.value[0]).toISOString().slice(0, bucket === 'day' ? 10 : 13)}: ${d.value[1]}`, drill: d.drill });
          }}
        />
      ) : null}
      <p className="muted small">Click a point to list the items behind it.</p>
      {picked ? (
        <DrillPanel title={picked.label} onClose={() => setPicked(null)}>
          <DrillItems url={picked.drill} />
        </DrillPanel>
      ) : null}
    </Section>
  );
}
