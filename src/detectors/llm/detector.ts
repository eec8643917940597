import type { CategoryId } from '../../core/taxonomy.js';
import type { Item } from '../../core/types.js';
import type { DetectionInput, Detector, DetectorResult, SignalDraft } from '../types.js';
import type { Classification, LlmClassifier } from './classifier.js';
import type { LlmItem, LlmItemContext, PriorMessage } from './policy/item.js';
import type { LlmImage } from './types.js';

export interface LlmDetectorOptions {
  /** The item's images as bytes; without it no image is sent, and an image-only item goes to review. */
  loadImages?: (item: Item) => Promise<LlmImage[]>;
  /** The messages before this one in its conversation, oldest first (the classifier keeps the most recent few). */
  loadPrevious?: (input: DetectionInput) => Promise<PriorMessage[]>;
  /** Where an item goes when no verdict could be had: a category whose policy opens a review. */
  reviewCategory?: CategoryId;
  /** Above the default review threshold (0.5) and below the default action threshold (0.9): review, never action. */
  reviewScore?: number;
  maxSummaryChars?: number;
}

/**
 * The LLM as a detector: classifies the item against the LLM policy whenever asked (the cascade decides when).
 * A violation becomes a signal; no violation leaves only details; no verdict sends the item to review under
 * CSE-90, so an outage or a budget cap never passes an item silently.
 */
export class LlmDetector implements Detector {
  readonly id = 'llm.policy';
  readonly inputs = ['text', 'image'] as const;
  readonly cost = 1000;
  /** Asked only when the cascade says so. */
  readonly stage = 'cascade' as const;
  static readonly VERSION = '1';
  private readonly reviewCategory: CategoryId;
  private readonly reviewScore: number;
  private readonly maxSummary: number;

  constructor(readonly classifier: LlmClassifier, private readonly opts: LlmDetectorOptions = {}) {
    this.reviewCategory = opts.reviewCategory ?? 'CSE-90';
    this.reviewScore = opts.reviewScore ?? 0.75;
    this.maxSummary = opts.maxSummaryChars ?? 300;
    if (!(this.reviewScore > 0 && this.reviewScore <= 1)) throw new RangeError('the LLM review score must be in (0, 1]');
  }

  versions() {
    return {
      [this.id]: LlmDetector.VERSION, llm_policy: this.classifier.policyVersion, prompt: this.classifier.promptVersion, model: this.classifier.model,
    };
  }

  /** For callers outside the pipeline (the GenAI endpoint, evaluation). */
  classify(item: LlmItem, context: LlmItemContext, signal?: AbortSignal): Promise<Classification> {
    return this.classifier.classify(item, context, signal);
  }

  async detect(input: DetectionInput): Promise<DetectorResult> {
    const { item } = input;
    const hasImages = item.media.some((m) => m.mime.startsWith('image/'));
    const [images, previous] = await Promise.all([
      hasImages && this.opts.loadImages ? this.opts.loadImages(item) : Promise.resolve([]),
      this.opts.loadPrevious ? this.opts.loadPrevious(input) : Promise.resolve([]),
    ]);
    const context: LlmItemContext = {
      authorBand: input.author?.ageBand ?? 'unknown', recipientBands: input.recipients.map((r) => r.ageBand), previous,
    };
    const c = await this.classify({ text: item.text, images, surface: item.surface }, context);
    return this.toResult(c);
  }

  toResult(c: Classification): DetectorResult {
    const about = { promptVersion: c.promptVersion, model: c.model, provider: c.provider, cached: c.cached, calls: c.calls };
    if (c.status === 'classified') {
      const details = { status: c.status, verdict: c.verdict, digest: c.digest, ...about };
      if (!c.verdict.violates || !c.verdict.category) return { signals: [], details };
      const signal: SignalDraft = {
        category: c.verdict.category,
        score: c.verdict.confidence,
        evidence: { summary: bound(c.verdict.rationale || `LLM verdict ${c.verdict.category}`, this.maxSummary), verdict: c.verdict, ...about },
      };
      return { signals: [signal], details };
    }
    const summary = `LLM verdict ${c.status} (${bound(c.reason, 120)}): sent to review`;
    const signal: SignalDraft = {
      category: this.reviewCategory,
      score: this.reviewScore,
      evidence: { summary, unavailable: true, status: c.status, reason: c.reason, ...about },
    };
    return { signals: [signal], details: { status: c.status, reason: c.reason, digest: c.digest, ...about } };
  }
}

function bound(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
