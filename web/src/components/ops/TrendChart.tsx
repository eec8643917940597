// A small hand-written SVG trend chart: decisions per bucket as bars (left scale), SLA compliance and automation
// rate as lines (0-100%, right scale). No chart library.
import type { OpsTrendPoint } from '../../review-api.js';

const W = 720;
const H = 220;
const PAD = { left: 40, right: 44, top: 14, bottom: 34 };

function label(iso: string, weekly: boolean): string {
  const d = new Date(iso);
  const md = `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
  return weekly ? `wk ${md}` : md;
}

export function TrendChart({ points, weekly }: { points: OpsTrendPoint[]; weekly: boolean }) {
  if (points.length === 0) return <p className="empty">No data in this window.</p>;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  // An even scale so the middle tick is a whole number of decisions.
  const top = Math.max(...points.map((p) => p.decisions));
  const maxDecisions = Math.max(2, top + (top % 2));
  const slot = innerW / points.length;
  const barW = Math.max(2, Math.min(28, slot * 0.6));
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const yCount = (n: number) => PAD.top + innerH - (n / maxDecisions) * innerH;
  const yRatio = (r: number) => PAD.top + innerH - r * innerH;
  const present = (pick: (p: OpsTrendPoint) => number | null) =>
    points.map((p, i) => ({ v: pick(p), i })).filter((p): p is { v: number; i: number } => p.v !== null);
  const line = (pick: (p: OpsTrendPoint) => number | null) =>
    present(pick)
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.i).toFixed(1)},${yRatio(p.v).toFixed(1)}`)
      .join(' ');
  // Dots as well as lines: a bucket on its own has no line to draw.
  const dots = (pick: (p: OpsTrendPoint) => number | null, cls: string) =>
    present(pick).map((p) => <circle key={`${cls}:${p.i}`} cx={x(p.i)} cy={yRatio(p.v)} r={3} className={cls} />);
  const every = Math.ceil(points.length / 10);

  return (
    <figure className="trend" data-testid="trend-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Trend of decisions, SLA compliance and automation rate">
        {[0, 0.5, 1].map((r) => (
          <g key={r}>
            <line x1={PAD.left} x2={W - PAD.right} y1={yRatio(r)} y2={yRatio(r)} className="trend-grid" />
            <text x={W - PAD.right + 6} y={yRatio(r) + 4} className="trend-axis">
              {Math.round(r * 100)}%
            </text>
            <text x={PAD.left - 6} y={yRatio(r) + 4} className="trend-axis" textAnchor="end">
              {Math.round(r * maxDecisions)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <g key={p.from} data-decisions={p.decisions}>
            <rect
              x={x(i) - barW / 2}
              y={yCount(p.decisions)}
              width={barW}
              height={PAD.top + innerH - yCount(p.decisions)}
              className="trend-bar"
            >
              <title>
                {label(p.from, weekly)}: {p.decisions} decisions
              </title>
            </rect>
            {i % every === 0 ? (
              <text x={x(i)} y={H - PAD.bottom + 16} className="trend-axis" textAnchor="middle">
                {label(p.from, weekly)}
              </text>
            ) : null}
          </g>
        ))}
        <path d={line((p) => p.slaCompliance)} className="trend-line trend-sla" />
        <path d={line((p) => p.automationRate)} className="trend-line trend-auto" />
        {dots((p) => p.slaCompliance, 'trend-dot trend-dot-sla')}
        {dots((p) => p.automationRate, 'trend-dot trend-dot-auto')}
      </svg>
      <figcaption className="trend-legend">
        <span>
          <i className="swatch swatch-bar" /> decisions
        </span>
        <span>
          <i className="swatch swatch-sla" /> SLA compliance
        </span>
        <span>
          <i className="swatch swatch-auto" /> automation rate
        </span>
      </figcaption>
    </figure>
  );
}
