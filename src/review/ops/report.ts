import type { OpsFigure, OpsMetrics, OpsRate, OpsTrendPoint } from './metrics.js';

/** The operations dashboard as plain text for `haven ops report`: figures against targets, breaches marked. Pure. */

export const BREACH_MARK = '!! BREACHED';

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '-';
  switch (unit) {
    case 'ratio': return `${(value * 100).toFixed(1)}%`;
    case 'minutes': return `${value.toFixed(1)} min`;
    case 'hours': return `${value.toFixed(1)} h`;
    case 'per hour': return `${value.toFixed(1)}/h`;
    default: return String(value);
  }
}

function figureLine(f: OpsFigure): string {
  const target = f.target === null ? '-' : `${f.direction === 'at_least' ? '>=' : '<='} ${formatValue(f.target, f.unit)}`;
  const status = f.target === null || f.value === null ? '' : f.breached ? BREACH_MARK : 'ok';
  return row([f.label, formatValue(f.value, f.unit), target, status], [32, 12, 14, 0]);
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => ((widths[i] ?? 0) > 0 ? c.padEnd(widths[i] ?? 0) : c)).join('  ').trimEnd();
}

const pct = (v: number | null) => formatValue(v, 'ratio');
const rateCell = (r: OpsRate) => `${pct(r.value)} (${r.correct}/${r.checks})`;

export function renderOpsReport(m: OpsMetrics): string {
  const out: string[] = [];
  const breaches = m.figures.filter((f) => f.breached);
  out.push(`Operations report ${m.window.from} .. ${m.window.to}`);
  out.push(breaches.length ? `${breaches.length} figure(s) breach their target: ${breaches.map((f) => f.label).join(', ')}` : 'no figure breaches its target');
  out.push('', row(['figure', 'value', 'target', 'status'], [32, 12, 14, 0]));
  for (const f of m.figures) out.push(figureLine(f));

  out.push('', `Queues (open at ${m.window.to})`);
  if (m.queues.length === 0) out.push('  no open tasks');
  else {
    out.push(`  ${row(['queue', 'depth', 'oldest', 'overdue'], [20, 8, 12, 0])}`);
    for (const q of m.queues) out.push(`  ${row([q.queue, String(q.depth), formatValue(q.oldestAgeMinutes, 'minutes'), String(q.overdue)], [20, 8, 12, 0])}`);
  }

  out.push('', 'SLA');
  out.push(`  decided with an SLA ${m.sla.decided}, met ${m.sla.met}, open and overdue ${m.sla.openOverdue} (misses ${m.sla.missed}); without an SLA ${m.sla.withoutSla}`);
  out.push('', 'Time to action');
  out.push(`  items first actioned ${m.timeToAction.items}: p50 ${formatValue(m.timeToAction.p50Minutes, 'minutes')}, p90 ${formatValue(m.timeToAction.p90Minutes, 'minutes')}`);
  out.push(`  automatic ${m.automation.automated} of ${m.automation.actionedItems} (${pct(m.automation.rate)})`);

  out.push('', 'Throughput');
  out.push(`  ${m.throughput.decisions} decisions in ${m.throughput.reviewerHours} reviewer-hours (${formatValue(m.throughput.perReviewerHour, 'per hour')})`);
  for (const r of m.throughput.byReviewer) {
    out.push(`  ${row([r.reviewer, `${r.decisions} decisions`, `${r.activeHours} h active`, formatValue(r.perHour, 'per hour')], [32, 14, 12, 0])}`);
  }
  const busiest = m.throughput.byHourOfDay.map((n, h) => ({ h, n })).filter((x) => x.n > 0);
  if (busiest.length) out.push(`  by hour (UTC): ${busiest.map((x) => `${String(x.h).padStart(2, '0')}h ${x.n}`).join(', ')}`);

  out.push('', 'Quality');
  const p = m.precision;
  out.push(`  automatic decisions: QA agreed ${p.qaAgreed}/${p.qaChecks}, appeals upheld ${p.appealsUpheld}/${p.appealsResolved}, precision ${pct(p.value)}`);
  out.push(`  reviewers: ${rateCell(m.accuracy.overall)}`);
  for (const r of m.accuracy.byReviewer) out.push(`    ${row([r.reviewer, rateCell(r)], [30, 0])}`);
  for (const c of m.accuracy.byCategory) out.push(`    ${row([c.category ?? '(no category)', rateCell(c)], [30, 0])}`);

  out.push('', 'CyberTipline reports');
  out.push(`  filed ${m.reports.filed}, time to report p90 ${formatValue(m.reports.timeToReportP90Hours, 'hours')}`);

  out.push('', 'Trend (daily)', ...trendLines(m.trend.daily));
  if (m.trend.weekly) out.push('', 'Trend (weekly)', ...trendLines(m.trend.weekly));
  return `${out.join('\n')}\n`;
}

function trendLines(points: readonly OpsTrendPoint[]): string[] {
  const widths = [12, 8, 12, 10, 0];
  return [
    `  ${row(['from', 'SLA', 'automation', 'decisions', 'TTA p50'], widths)}`,
    ...points.map((t) => `  ${row([t.from.slice(0, 10), pct(t.slaCompliance), pct(t.automationRate), String(t.decisions), formatValue(t.timeToActionP50Minutes, 'minutes')], widths)}`),
  ];
}
