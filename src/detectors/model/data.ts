import { z } from 'zod';
import { type LineProblem, parseJsonLines, problemsMessage } from '../../core/jsonl.js';
import { MAX_TEXT_CHARS } from '../../core/item-input.js';
import { type CategoryId, categoryIdSchema } from '../../core/taxonomy.js';
import { fnvString } from './hash.js';

/** One training example: a text and the categories it belongs to ([] means benign). */
export interface LabelledExample {
  /** Stable id (item id, or derived from the text): decides which split the example lands in. */
  id: string;
  text: string;
  labels: CategoryId[];
}

/** Where ('line 3' of a JSONL file, or an item id) and what. */
export type LabelProblem = LineProblem;

/** Thrown when training input is invalid; lists every problem found (up to a limit) with where it is. */
export class LabelledDataError extends Error {
  override readonly name = 'LabelledDataError';
  constructor(readonly problems: LabelProblem[], what: string) {
    super(problemsMessage(problems, what, 'nothing trained'));
  }
}

const jsonlLineSchema = z.strictObject({
  id: z.string().min(1).max(256).optional(),
  text: z.string().min(1, 'text is empty').max(MAX_TEXT_CHARS),
  labels: z.array(categoryIdSchema).max(50),
});

/** An id for an example that has none: stable for the same text, so its split does not move between runs. */
export function textExampleId(text: string): string {
  return `text:${fnvString(text).toString(16).padStart(8, '0')}${(fnvString(text, 0x01234567) >>> 0).toString(16).padStart(8, '0')}`;
}

/** The problem with labels the taxonomy does not know, or null. */
export function unknownLabels(labels: readonly string[], known: ReadonlySet<CategoryId>): string | null {
  const unknown = labels.filter((l) => !known.has(l));
  return unknown.length === 0 ? null : `unknown categor${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')} (not in the taxonomy)`;
}

/**
 * Parses JSONL of {text, labels[, id]}: one example per non-blank line. Every line is checked, and all problems
 * are reported together with their line numbers; labels must be categories in `known`.
 */
export function parseLabelledJsonl(content: string, known: ReadonlySet<CategoryId>): LabelledExample[] {
  const { rows, problems } = parseJsonLines(content, jsonlLineSchema, (v) => unknownLabels(v.labels, known));
  const examples = rows.map(({ value }) => ({ id: value.id ?? textExampleId(value.text), text: value.text, labels: [...new Set(value.labels)].sort() }));
  if (problems.length > 0) throw new LabelledDataError(problems, 'the labelled file');
  return examples;
}

/** An item as read for training: its id, text and the metadata it was ingested with. */
export interface LabelledItemRow {
  id: string;
  text: string | null;
  metadata: unknown;
}

/**
 * Examples from items whose metadata carries ground truth as `metadata.labels: string[]`. Items without text or
 * without a labels array are not examples; labels outside `known` are ignored and reported back.
 */
export function examplesFromItems(
  rows: Iterable<LabelledItemRow>,
  known: ReadonlySet<CategoryId>,
): { examples: LabelledExample[]; ignoredLabels: Map<string, number> } {
  const examples: LabelledExample[] = [];
  const ignoredLabels = new Map<string, number>();
  for (const r of rows) {
    if (!r.text) continue;
    const labels = (r.metadata as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(labels)) continue;
    const kept = new Set<CategoryId>();
    for (const l of labels) {
      if (typeof l === 'string' && known.has(l)) kept.add(l);
      else ignoredLabels.set(String(l), (ignoredLabels.get(String(l)) ?? 0) + 1);
    }
    examples.push({ id: r.id, text: r.text, labels: [...kept].sort() });
  }
  return { examples, ignoredLabels };
}

/**
 * A reviewer's decision on an item, as the review workflow will record it (a later issue). Kept here so that
 * workflow has one call to turn decisions into training examples.
 */
export interface ReviewDecisionForTraining {
  itemId: string;
  text: string | null;
  /** 'violating' with the categories the reviewer confirmed, or 'no_violation' (a benign example). */
  outcome: 'violating' | 'no_violation';
  categories: CategoryId[];
}

/** Training examples from review decisions: confirmed categories become labels, cleared items benign examples. */
export function examplesFromReviewDecisions(
  decisions: Iterable<ReviewDecisionForTraining>,
  known: ReadonlySet<CategoryId>,
): LabelledExample[] {
  const out: LabelledExample[] = [];
  for (const d of decisions) {
    if (!d.text) continue;
    const labels = d.outcome === 'violating' ? [...new Set(d.categories.filter((c) => known.has(c)))].sort() : [];
    // A violation whose categories are all unknown says nothing trainable.
    if (d.outcome === 'violating' && labels.length === 0) continue;
    out.push({ id: d.itemId, text: d.text, labels });
  }
  return out;
}

/** Positive examples per category, and the benign count. */
export function labelCounts(examples: readonly LabelledExample[]): { perLabel: Record<CategoryId, number>; benign: number } {
  const perLabel: Record<CategoryId, number> = {};
  let benign = 0;
  for (const e of examples) {
    if (e.labels.length === 0) benign++;
    for (const l of e.labels) perLabel[l] = (perLabel[l] ?? 0) + 1;
  }
  return { perLabel: Object.fromEntries(Object.entries(perLabel).sort(([a], [b]) => (a < b ? -1 : 1))), benign };
}
