import { z } from 'zod';
import { categoryIdSchema } from '../../core/taxonomy.js';
import { fold, originalRange } from './fold.js';

export const termListSchema = z.strictObject({
  category: categoryIdSchema,
  terms: z
    .array(z.strictObject({ term: z.string().trim().min(2).max(200), weight: z.number().gt(0).max(1) }))
    .min(1)
    .max(10_000),
});
export type TermList = z.infer<typeof termListSchema>;
export const termListsSchema = z.array(termListSchema).max(200);

export interface TermHit {
  category: string;
  term: string;
  weight: number;
  /** Offsets into the original text, so evidence highlights what the user actually wrote. */
  start: number;
  end: number;
}

interface CompiledTerm {
  category: string;
  term: string;
  folded: string;
  weight: number;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Term lists folded once, matched many times. */
export class TermMatcher {
  private readonly terms: CompiledTerm[];

  constructor(lists: readonly TermList[]) {
    this.terms = lists.flatMap((l) =>
      l.terms.map((t) => ({ category: l.category, term: t.term, folded: fold(t.term).text, weight: t.weight })),
    );
  }

  match(text: string): TermHit[] {
    const folded = fold(text);
    const hits: TermHit[] = [];
    for (const t of this.terms) {
      let from = 0;
      for (;;) {
        const at = folded.text.indexOf(t.folded, from);
        if (at < 0) break;
        const end = at + t.folded.length;
        // Whole words only: "gift card" must not fire inside "giftcards" of an unrelated word.
        if (!isWordChar(folded.text[at - 1]) && !isWordChar(folded.text[end])) {
          hits.push({ category: t.category, term: t.term, weight: t.weight, ...originalRange(folded, at, end) });
        }
        from = at + 1;
      }
    }
    return hits;
  }
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

/** Combines the weights of distinct terms as independent evidence: 1 - prod(1 - w). */
export function combineWeights(weights: readonly number[]): number {
  return 1 - weights.reduce((p, w) => p * (1 - w), 1);
}
