import type { EvalRunRecord } from '../../store/repos/evaluation.js';
import type { Disagreement, RunComparison } from './compare.js';
import type { CategoryMetrics, ConfusionMatrix, EvalMetrics } from './metrics.js';
import type { CategoryScore, EvalSetSummary, RunThreshold } from './types.js';

/** Plain-text tables for a terminal: left-aligned text, right-aligned numbers (align 'r'), two spaces apart. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

export const ratio = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(4));
export const delta = (x: number | null): string => (x === null ? '-' : x === 0 ? '0' : `${x > 0 ? '+' : ''}${x.toFixed(4)}`);
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const usd = (x: number | null) => (x === null ? '-' : `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 6 : 4)}`);
const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(x < 10 ? 3 : 1)} ms`);

export function describeThreshold(t: RunThreshold): string {
  return t.kind === 'fixed' ? String(t.value) : t.description;
}

export function describePredictions(p: readonly CategoryScore[]): string {
  return p.length === 0 ? 'benign' : p.map((s) => `${s.category} ${s.score.toFixed(2)}`).join(', ');
}

const metricCells = (m: CategoryMetrics) => [
  String(m.support), String(m.truePositives), String(m.falsePositives), String(m.falseNegatives), ratio(m.precision), ratio(m.recall), ratio(m.f1),
];

export function renderMetrics(metrics: EvalMetrics): string {
  const rows = Object.entries(metrics.categories).map(([c, m]) => [c, ...metricCells(m)]);
  rows.push(['all (micro)', ...metricCells(metrics.micro)]);
  return renderTable(['category', 'support', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}

export function renderConfusion(cm: ConfusionMatrix): string {
  const rows = cm.labels.map((l, i) => [l, ...cm.counts[i]!.map(String)]);
  return renderTable(['true \\ predicted', ...cm.labels], rows, ['l', ...cm.labels.map(() => 'r' as const)]);
}

export function renderCostLatency(m: EvalMetrics): string {
  return [
    `cost: ${usd(m.cost.totalUsd)} total, ${usd(m.cost.perItemUsd)} per item`,
    `latency: p50 ${ms(m.latencyMs.p50)}, p90 ${ms(m.latencyMs.p90)}, p99 ${ms(m.latencyMs.p99)}`,
  ].join('\n');
}

export function renderRunHeader(run: EvalRunRecord): string {
  const config = Object.entries(run.classifierConfig)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return [
    `run ${run.id}  ${run.status.toUpperCase()}`,
    `classifier ${run.classifier}${config ? ` (${config})` : ''}, threshold ${describeThreshold(run.threshold)}`,
    `set ${run.setName}: ${run.examples} examples, content ${run.setHash.slice(0, 12)}`,
    `started ${iso(run.startedAt)}, finished ${iso(run.finishedAt)}, by ${run.createdBy}`,
  ].join('\n');
}

/** A whole run: header, per-category metrics, confusion matrix, cost and latency. */
export function renderRunReport(run: EvalRunRecord, metrics: EvalMetrics | null): string {
  const out = [renderRunHeader(run), ''];
  if (run.error) out.push(`error: ${run.error}`, '');
  if (metrics) {
    out.push(renderMetrics(metrics));
    out.push('confusion (primary label; rows true, columns predicted):', renderConfusion(metrics.confusion));
    out.push(renderCostLatency(metrics));
    if (metrics.errors > 0) out.push(`${metrics.errors} of ${metrics.examples} examples failed to classify and are left out of the metrics`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderSets(sets: readonly EvalSetSummary[]): string {
  if (sets.length === 0) return 'no evaluation sets yet: haven eval import SET FILE.jsonl, or haven eval demo-set\n';
  return renderTable(
    ['set', 'examples', 'content', 'updated', 'created by'],
    sets.map((s) => [s.name, String(s.examples), s.contentHash.slice(0, 12), iso(s.updatedAt), s.createdBy]),
    ['l', 'r'],
  );
}

export function renderRuns(runs: readonly EvalRunRecord[]): string {
  if (runs.length === 0) return 'no evaluation runs yet: haven eval run SET --classifier NAME\n';
  return renderTable(
    ['run', 'set', 'content', 'classifier', 'status', 'started', 'examples', 'errors', 'micro F1', 'cost'],
    runs.map((r) => [
      r.id, r.setName, r.setHash.slice(0, 12), r.classifier, r.status, iso(r.startedAt), String(r.examples), String(r.errors),
      ratio((r.metrics as EvalMetrics | null)?.micro.f1), usd(r.costUsd),
    ]),
    ['l', 'l', 'l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
  );
}

function renderDisagreement(d: Disagreement): string {
  const side = (p: CategoryScore[], err: string | null) => (err ? `error: ${err}` : describePredictions(p));
  const right = d.correct === 'neither' ? 'neither matches the labels' : `${d.correct.toUpperCase()} matches the labels`;
  return [
    `${d.exampleId}  "${d.excerpt}"`,
    `  labels: ${d.labels.length ? d.labels.join(', ') : 'benign'}; A: ${side(d.a, d.aError)}; B: ${side(d.b, d.bError)} (${right})`,
  ].join('\n');
}

export function renderComparison(c: RunComparison): string {
  const out = [
    `A: run ${c.a.id}  ${c.a.classifier}  (threshold ${describeThreshold(c.a.threshold)})`,
    `B: run ${c.b.id}  ${c.b.classifier}  (threshold ${describeThreshold(c.b.threshold)})`,
    `set ${c.a.setName}, content ${c.a.setHash.slice(0, 12)}`,
    '',
  ];
  const rows = [...c.categories, c.micro].map((k) => [
    k.category === 'all' ? 'all (micro)' : k.category, String(k.a?.support ?? k.b?.support ?? 0),
    ratio(k.a?.precision), ratio(k.b?.precision), delta(k.delta.precision),
    ratio(k.a?.recall), ratio(k.b?.recall), delta(k.delta.recall),
    ratio(k.a?.f1), ratio(k.b?.f1), delta(k.delta.f1),
  ]);
  out.push(renderTable(
    ['category', 'support', 'P A', 'P B', 'ΔP', 'R A', 'R B', 'ΔR', 'F1 A', 'F1 B', 'ΔF1'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  ));
  const { total, shown } = c.disagreements;
  if (total === 0) out.push('the runs agree on every example');
  else {
    out.push(`${total} example(s) where A and B disagree${shown.length < total ? ` (first ${shown.length} shown)` : ''}:`);
    for (const d of shown) out.push(renderDisagreement(d));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
