/**
 * Prevalence from human labels: of the items reviewers labelled (review and QA decisions), the share they found
 * violating, per category on a surface, with a Wilson 95% interval. QA samples are drawn at random from automated
 * decisions, review tasks are the flagged ones; both counts are given so a reader can judge the sample.
 */
import { type Interval, wilson } from './stats.js';

export interface Label {
  itemId: string;
  surface: string;
  category: string | null;
  kind: string;
  verdict: string;
  at: number;
}

export interface PrevalenceRow {
  category: string;
  surface: string;
  labelled: number;
  violating: number;
  prevalence: Interval;
  sample: { qa: number; review: number };
  /** Some of the violating items behind the estimate (drill-down). */
  violatingItems: string[];
}

const SAMPLE_IDS = 20;

/** One label per item (its latest), grouped by category x surface, largest sample first. */
export function estimatePrevalence(labels: readonly Label[]): PrevalenceRow[] {
  const latest = new Map<string, Label>();
  for (const l of labels) {
    const prev = latest.get(l.itemId);
    if (!prev || l.at >= prev.at) latest.set(l.itemId, l);
  }
  const groups = new Map<string, { category: string; surface: string; labels: Label[] }>();
  for (const l of latest.values()) {
    const category = l.category ?? 'none';
    const key = `${category}|${l.surface}`;
    const g = groups.get(key) ?? { category, surface: l.surface, labels: [] };
    groups.set(key, g);
    g.labels.push(l);
  }
  return [...groups.values()].map((g) => {
    const violating = g.labels.filter((l) => l.verdict === 'violating');
    return {
      category: g.category, surface: g.surface, labelled: g.labels.length, violating: violating.length,
      prevalence: wilson(violating.length, g.labels.length),
      sample: { qa: g.labels.filter((l) => l.kind === 'qa').length, review: g.labels.filter((l) => l.kind === 'review').length },
      violatingItems: violating.map((l) => l.itemId).sort().slice(0, SAMPLE_IDS),
    };
  }).sort((a, b) => b.labelled - a.labelled || a.category.localeCompare(b.category) || a.surface.localeCompare(b.surface));
}
