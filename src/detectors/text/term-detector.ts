import type { Detector, DetectionInput, SignalDraft } from '../types.js';
import { combineWeights, type TermList, TermMatcher } from './terms.js';

/** Finds listed terms in case- and accent-folded text; one signal per category, scored from its distinct terms. */
export class TermListDetector implements Detector {
  readonly id = 'text.terms';
  readonly inputs = ['text'] as const;
  readonly cost = 2;
  static readonly VERSION = '1';
  private readonly matcher: TermMatcher;

  constructor(lists: readonly TermList[], private readonly listsVersion: number) {
    this.matcher = new TermMatcher(lists);
  }

  versions() {
    return { [this.id]: TermListDetector.VERSION, term_lists: this.listsVersion };
  }

  detect({ item }: DetectionInput): SignalDraft[] {
    if (!item.text) return [];
    const hits = this.matcher.match(item.text);
    const byCategory = new Map<string, typeof hits>();
    for (const h of hits) byCategory.set(h.category, [...(byCategory.get(h.category) ?? []), h]);
    const out: SignalDraft[] = [];
    for (const [category, list] of byCategory) {
      const weights = new Map<string, number>();
      for (const h of list) weights.set(h.term, h.weight);
      const score = Math.round(combineWeights([...weights.values()]) * 1e4) / 1e4;
      out.push({
        category,
        score,
        evidence: {
          summary: `terms ${[...weights.keys()].map((t) => `"${t}"`).join(', ')} (term lists v${this.listsVersion})`,
          terms: list.map((h) => ({ term: h.term, start: h.start, end: h.end })),
        },
      });
    }
    return out;
  }
}
