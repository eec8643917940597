import type { CategoryId } from '../../core/taxonomy.js';
import type { AgeBand } from '../../core/types.js';

/** Where an example came from: a file, stored items, a review or escalation outcome, or the demo generator. */
export const EXAMPLE_SOURCES = ['import', 'items', 'review', 'escalation', 'demo'] as const;
export type ExampleSource = (typeof EXAMPLE_SOURCES)[number];

/** A media part of an example. None are stored yet; the shape is kept open for image and video sets. */
export interface EvalMedia {
  mime: string;
  sha256: string;
  [key: string]: unknown;
}

/** One labelled example of an evaluation set. `labels` empty means benign; the first label is the primary one. */
export interface EvalExample {
  /** Unique within its set (an item id for examples taken from items). */
  id: string;
  /** The stored item it was taken from, if any. */
  itemId: string | null;
  text: string | null;
  media: EvalMedia[];
  surface: string | null;
  authorAgeBand: AgeBand | null;
  recipientAgeBands: AgeBand[];
  labels: CategoryId[];
  source: ExampleSource;
  addedBy: string;
  addedAt: number;
}

/** What identifies an example's content: a change to any of these changes its set's content hash. */
export type ExampleContent = Pick<EvalExample, 'id' | 'text' | 'media' | 'surface' | 'authorAgeBand' | 'recipientAgeBands' | 'labels'>;

export interface EvalSetSummary {
  id: string;
  name: string;
  contentHash: string;
  examples: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
}

export interface CategoryScore {
  category: CategoryId;
  score: number;
}

/** A classifier's answer for one example. */
export interface Classification {
  /** Scores of the categories the classifier considered (a category left out scores 0). */
  categories: CategoryScore[];
  costUsd: number;
  latencyMs: number;
  /** What the classifier called (e.g. LLM requests and answers), kept with the result for inspection. */
  calls?: unknown;
}

/**
 * A classifier under evaluation. `config` names everything that identifies it (rules version, model version, prompt
 * version, thresholds...) and is stored with each run. `threshold`, when given, is the score at which a category is
 * predicted unless the run fixes one (the pipeline uses its policy's review thresholds).
 */
export interface EvalClassifier {
  readonly name: string;
  readonly config: Record<string, unknown>;
  classify(example: EvalExample): Promise<Classification>;
  threshold?(category: CategoryId, example: EvalExample): number;
  /** How `threshold` decides, for reports (e.g. 'policy review thresholds'). */
  readonly thresholdDescription?: string;
}

/** How a run decided that a score is a prediction. */
export type RunThreshold = { kind: 'fixed'; value: number } | { kind: 'classifier'; description: string };

export const DEFAULT_THRESHOLD = 0.5;
