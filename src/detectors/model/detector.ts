import type { DetectionInput, Detector, SignalDraft } from '../types.js';
import type { FeatureContribution, TextModel } from './model.js';

export interface ModelDetectorOptions {
  /** A category signals when its calibrated score is at least this (default: the model's own threshold). */
  floor?: number;
  /** How many contributing n-grams to keep as evidence. */
  topFeatures?: number;
}

/** Scores an item's text with the live local model: one signal per category at or above the floor. */
export class ModelDetector implements Detector {
  readonly id = 'text.model';
  readonly inputs = ['text'] as const;
  readonly cost = 3;
  static readonly VERSION = '1';
  private readonly floor: number;
  private readonly topFeatures: number;

  constructor(readonly model: TextModel, readonly modelVersion: number, opts: ModelDetectorOptions = {}) {
    this.floor = opts.floor ?? model.data.threshold;
    this.topFeatures = opts.topFeatures ?? 5;
    if (!(this.floor > 0 && this.floor <= 1)) throw new RangeError('the model floor must be in (0, 1]');
  }

  versions() {
    return { [this.id]: ModelDetector.VERSION, model: this.modelVersion };
  }

  detect({ item }: DetectionInput): SignalDraft[] {
    if (!item.text) return [];
    const out: SignalDraft[] = [];
    for (const s of this.model.predict(item.text)) {
      if (s.score < this.floor) continue;
      const score = Math.round(s.score * 1e4) / 1e4;
      // A wider ranking than kept, so the summary can name the strongest words even when n-grams lead.
      const ranked = this.model.explain(item.text, s.category, Math.max(25, this.topFeatures));
      const topFeatures = ranked.slice(0, this.topFeatures);
      out.push({
        category: s.category,
        score,
        evidence: {
          summary: `model v${this.modelVersion}: ${s.category} ${score.toFixed(2)}${describeTop(ranked)}`,
          modelVersion: this.modelVersion,
          score,
          topFeatures,
          // A model learned from a few thousand labels opens reviews; it never takes an action on its own.
          reviewOnly: true,
        },
      });
    }
    return out;
  }
}

/** Words and word pairs read better than character n-grams, so they are named first. */
function describeTop(top: readonly FeatureContribution[]): string {
  const readable = [...top.filter((f) => f.kind !== 'char'), ...top.filter((f) => f.kind === 'char')].slice(0, 3);
  return readable.length ? ` (top: ${readable.map((f) => `'${f.feature}'`).join(' ')})` : '';
}
