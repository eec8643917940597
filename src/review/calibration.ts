import { z } from 'zod';
import { categoryIdSchema } from '../core/taxonomy.js';
import type { ReviewVerdict } from './config.js';

/**
 * Calibration: reviewers label the same items independently, a lead sets the agreed answer, and these functions
 * measure how far each reviewer is from the answer key and how far the group is from itself. Pure: the store
 * keeps sessions and answers, src/review/calibration-service.ts applies the rules.
 */

/** A calibration answer is a verdict; 'escalate' is a routing choice, not a label, so it has no place here. */
export const CALIBRATION_VERDICTS = ['violating', 'not_violating'] as const satisfies readonly Exclude<ReviewVerdict, 'escalate'>[];
export type CalibrationVerdict = (typeof CALIBRATION_VERDICTS)[number];

export interface CalibrationLabel {
  verdict: CalibrationVerdict;
  /** The taxonomy category (CSE-xx) of a violating verdict; null for not_violating. */
  category: string | null;
}

export interface CalibrationAnswer extends CalibrationLabel {
  itemId: string;
  reviewer: string;
}

/** The agreed answer per item id. Items without an entry are not scored. */
export type AnswerKey = Record<string, CalibrationLabel>;

/** What a reviewer (or the lead, for the key) submits: a violating verdict names its category, no other does. */
export const calibrationLabelSchema = z
  .strictObject({
    verdict: z.enum(CALIBRATION_VERDICTS, { error: `verdict must be one of ${CALIBRATION_VERDICTS.join(', ')}` }),
    category: categoryIdSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.verdict === 'violating' && !v.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a violating verdict needs its taxonomy category (e.g. CSE-05)' });
    if (v.verdict === 'not_violating' && v.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'only a violating verdict takes a category' });
  })
  .transform((v): CalibrationLabel => ({ verdict: v.verdict, category: v.category ?? null }));

/** The full label compared for exact agreement: the verdict, and for violating the category too. */
export function labelOf(l: CalibrationLabel): string {
  return l.verdict === 'violating' ? `violating:${l.category ?? ''}` : l.verdict;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

export interface ReviewerAccuracy {
  reviewer: string;
  /** Answers on items that have a key entry. */
  scored: number;
  /** Key entries the reviewer has not answered. */
  unanswered: number;
  verdictCorrect: number;
  /** Verdict right and, when the key says violating, the category right too. */
  exactCorrect: number;
  verdictAccuracy: number | null;
  exactAccuracy: number | null;
}

/** Each reviewer's answers against the key, reviewers in name order. Answers on items outside the key are ignored. */
export function reviewerAccuracy(answers: readonly CalibrationAnswer[], key: AnswerKey): ReviewerAccuracy[] {
  const keyed = Object.keys(key).length;
  const byReviewer = new Map<string, { scored: number; verdict: number; exact: number }>();
  for (const a of answers) {
    const tally = byReviewer.get(a.reviewer) ?? { scored: 0, verdict: 0, exact: 0 };
    byReviewer.set(a.reviewer, tally);
    const expected = key[a.itemId];
    if (!expected) continue;
    tally.scored++;
    if (a.verdict === expected.verdict) tally.verdict++;
    if (labelOf(a) === labelOf(expected)) tally.exact++;
  }
  return [...byReviewer.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reviewer, t]) => ({
      reviewer, scored: t.scored, unanswered: keyed - t.scored, verdictCorrect: t.verdict, exactCorrect: t.exact,
      verdictAccuracy: ratio(t.verdict, t.scored), exactAccuracy: ratio(t.exact, t.scored),
    }));
}

export type KappaUndefined = 'fewer_than_two_ratings_per_item' | 'no_variation';

export interface FleissKappa {
  kappa: number | null;
  /** Why kappa is null: no item was rated twice, or every rating fell in one category (chance agreement is 1, 0/0). */
  undefinedBecause: KappaUndefined | null;
  /** Observed agreement (mean over items of the share of agreeing rater pairs) and agreement expected by chance. */
  observed: number | null;
  expected: number | null;
  items: number;
}

/**
 * Fleiss' kappa from a count matrix: counts[i][j] = raters who put item i in category j.
 *   P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)),  P̄ = mean of P_i,
 *   p_j = sum_i n_ij / sum_i n_i,                    P_e = sum_j p_j²,   kappa = (P̄ - P_e) / (1 - P_e).
 * Not every reviewer answers every item, so n_i may differ between items; with equal n_i this is exactly Fleiss
 * (1971). Items rated fewer than twice carry no agreement and are left out. When all ratings share one category
 * P_e = 1 and kappa is 0/0: reported as null ('no_variation'), not as 1, because there was nothing to disagree on.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  const rows = counts.filter((row) => row.reduce((s, n) => s + n, 0) >= 2);
  if (rows.length === 0) return { kappa: null, undefinedBecause: 'fewer_than_two_ratings_per_item', observed: null, expected: null, items: 0 };
  const width = Math.max(...rows.map((r) => r.length));
  const totals = new Array<number>(width).fill(0);
  let ratings = 0;
  let sumP = 0;
  for (const row of rows) {
    const n = row.reduce((s, c) => s + c, 0);
    sumP += row.reduce((s, c) => s + c * (c - 1), 0) / (n * (n - 1));
    row.forEach((c, j) => { totals[j] = (totals[j] ?? 0) + c; });
    ratings += n;
  }
  const observed = sumP / rows.length;
  const expected = totals.reduce((s, t) => s + (t / ratings) ** 2, 0);
  if (1 - expected < 1e-12) return { kappa: null, undefinedBecause: 'no_variation', observed, expected, items: rows.length };
  return { kappa: (observed - expected) / (1 - expected), undefinedBecause: null, observed, expected, items: rows.length };
}

/** Rows of category counts per item, from answers labelled by `labelFn`. Items keep the given order. */
function countMatrix(itemIds: readonly string[], answers: readonly CalibrationAnswer[], labelFn: (a: CalibrationAnswer) => string): number[][] {
  const labels = [...new Set(answers.map(labelFn))].sort();
  const column = new Map(labels.map((l, j) => [l, j]));
  const row = new Map(itemIds.map((id) => [id, new Array<number>(labels.length).fill(0)]));
  for (const a of answers) {
    const r = row.get(a.itemId);
    const j = column.get(labelFn(a));
    if (r && j !== undefined) r[j] = (r[j] ?? 0) + 1;
  }
  return [...row.values()];
}

export interface PairAgreement {
  a: string;
  b: string;
  /** Items both answered. */
  items: number;
  agreed: number;
  rate: number | null;
}

export interface PairwiseAgreement {
  /** Over every pair of answers on the same item: the share that agree. */
  overall: number | null;
  pairs: PairAgreement[];
}

/** Percent agreement between every two reviewers, over the items both answered. */
export function pairwiseAgreement(answers: readonly CalibrationAnswer[], labelFn: (a: CalibrationAnswer) => string): PairwiseAgreement {
  const byReviewer = new Map<string, Map<string, string>>();
  for (const a of answers) {
    const m = byReviewer.get(a.reviewer) ?? new Map<string, string>();
    m.set(a.itemId, labelFn(a));
    byReviewer.set(a.reviewer, m);
  }
  const reviewers = [...byReviewer.keys()].sort();
  const pairs: PairAgreement[] = [];
  let items = 0;
  let agreed = 0;
  for (let i = 0; i < reviewers.length; i++) {
    for (let k = i + 1; k < reviewers.length; k++) {
      const a = reviewers[i] as string;
      const b = reviewers[k] as string;
      const mb = byReviewer.get(b) as Map<string, string>;
      let n = 0;
      let same = 0;
      for (const [item, label] of byReviewer.get(a) as Map<string, string>) {
        const other = mb.get(item);
        if (other === undefined) continue;
        n++;
        if (other === label) same++;
      }
      pairs.push({ a, b, items: n, agreed: same, rate: ratio(same, n) });
      items += n;
      agreed += same;
    }
  }
  return { overall: ratio(agreed, items), pairs };
}

export interface ItemDistribution {
  itemId: string;
  answers: number;
  verdicts: Record<CalibrationVerdict, number>;
  /** Answers per full label ('not_violating', 'violating:CSE-05', ...). */
  labels: Record<string, number>;
  /** Share of answer pairs on this item that agree on the full label (P_i); null under two answers. */
  agreement: number | null;
  key: CalibrationLabel | null;
  /** Answers that match the key exactly; null without a key entry. */
  matchingKey: number | null;
}

/** How the answers on each item split, items in session order. */
export function itemDistributions(itemIds: readonly string[], answers: readonly CalibrationAnswer[], key: AnswerKey | null): ItemDistribution[] {
  const byItem = new Map<string, CalibrationAnswer[]>(itemIds.map((id) => [id, []]));
  for (const a of answers) byItem.get(a.itemId)?.push(a);
  return itemIds.map((itemId) => {
    const list = byItem.get(itemId) ?? [];
    const verdicts: Record<CalibrationVerdict, number> = { violating: 0, not_violating: 0 };
    const labels: Record<string, number> = {};
    for (const a of list) {
      verdicts[a.verdict]++;
      labels[labelOf(a)] = (labels[labelOf(a)] ?? 0) + 1;
    }
    const n = list.length;
    const agreeingPairs = Object.values(labels).reduce((s, c) => s + c * (c - 1), 0);
    const expected = key?.[itemId] ?? null;
    return {
      itemId, answers: n, verdicts, labels, agreement: n < 2 ? null : agreeingPairs / (n * (n - 1)), key: expected,
      matchingKey: expected ? list.filter((a) => labelOf(a) === labelOf(expected)).length : null,
    };
  });
}

/** Items the group split on most: lowest agreement first, then most answers; unanimous and unrated items are left out. */
export function mostDisagreement(items: readonly ItemDistribution[], limit = 10): ItemDistribution[] {
  return items
    .filter((i) => i.agreement !== null && i.agreement < 1)
    .sort((x, y) => (x.agreement as number) - (y.agreement as number) || y.answers - x.answers || (x.itemId < y.itemId ? -1 : 1))
    .slice(0, limit);
}

export interface CalibrationResults {
  reviewers: ReviewerAccuracy[];
  agreement: {
    /** On the verdict alone (violating or not): pairwise percent agreement and Fleiss' kappa. */
    verdict: PairwiseAgreement & { kappa: FleissKappa };
    /** On the full label: the verdict and, for violating, the category. */
    label: PairwiseAgreement & { kappa: FleissKappa };
  };
  items: ItemDistribution[];
  mostDisagreement: string[];
}

/** Everything a calibration session reports once its answers are in. Answers on items outside the session are ignored. */
export function calibrationResults(itemIds: readonly string[], answers: readonly CalibrationAnswer[], key: AnswerKey | null): CalibrationResults {
  const inSession = new Set(itemIds);
  const relevant = answers.filter((a) => inSession.has(a.itemId));
  const byVerdict = (a: CalibrationAnswer) => a.verdict;
  const items = itemDistributions(itemIds, relevant, key);
  return {
    reviewers: reviewerAccuracy(relevant, key ?? {}),
    agreement: {
      verdict: { ...pairwiseAgreement(relevant, byVerdict), kappa: fleissKappa(countMatrix(itemIds, relevant, byVerdict)) },
      label: { ...pairwiseAgreement(relevant, labelOf), kappa: fleissKappa(countMatrix(itemIds, relevant, labelOf)) },
    },
    items,
    mostDisagreement: mostDisagreement(items).map((i) => i.itemId),
  };
}
