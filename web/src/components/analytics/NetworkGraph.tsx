// One community drawn as a force-directed graph; clicking an account opens its trace.
import { useMemo } from 'react';
import type { NetworkView } from '../../analytics-api.js';
import { navigate } from '../../router.js';
import { type ChartOption, EChart } from './EChart.js';

export function NetworkGraph({ view }: { view: NetworkView }) {
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: {},
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          force: { repulsion: 220, edgeLength: [60, 160] },
          label: { show: true, position: 'right', formatter: '{b}' },
          data: view.nodes.map((n) => ({
            id: n.id,
            name: n.externalId ?? n.id,
            value: n.violations,
            symbolSize: 14 + Math.min(n.violations, 6) * 4,
            itemStyle: { color: n.disabled ? '#9b2c2c' : n.violations > 0 ? '#c05621' : '#2b6cb0' },
          })),
          links: view.edges.map((e) => ({
            source: e.source,
            target: e.target,
            value: e.weight,
            lineStyle: { width: Math.min(1 + e.weight / 2, 6) },
            tooltip: { formatter: e.shared.map((s) => s.type).join(', ') },
          })),
        },
      ],
    }) as ChartOption,
    [view],
  );
  return (
    <EChart
      option={option}
      height={420}
      testId="network-graph"
      onClick={(e) => {
        const d = e.data as { id?: string } | undefined;
        if (e.dataType === 'node' && d?.id) navigate(`/accounts/${encodeURIComponent(d.id)}/trace`);
      }}
    />
  );
}
