import { DEFAULT_GROWTH_THRESHOLDS, type GrowthThresholds, growth, isGrowing } from './scoring.js';
import { STOP_WORDS } from './stop-words.js';

/**
 * Emerging terms: word n-grams (1 to 3 words) of normalised text whose share of the recent window's documents grows
 * faster than in the baseline window. Counts are document frequencies (a term repeated in one item counts once), so
 * one long message cannot make a term. Pure: the caller supplies the documents, already normalised.
 */

export interface TermDocument {
  itemId: string;
  /** Normalised text (src/detectors/text/normalize): case-folded, evasions undone. */
  text: string;
}

export interface EmergingTermOptions extends GrowthThresholds {
  maxN: number;
  /** How many terms to return, best first. */
  limit: number;
  /** Item ids listed per term, newest documents first as given. */
  examples: number;
}

export const DEFAULT_EMERGING_OPTIONS: EmergingTermOptions = { ...DEFAULT_GROWTH_THRESHOLDS, maxN: 3, limit: 50, examples: 10 };

export interface EmergingTerm {
  term: string;
  /** Words in the term. */
  n: number;
  /** Documents in the recent window that contain it, and in the baseline window. */
  recent: number;
  baseline: number;
  logRatio: number;
  pValue: number;
  /** Recent items that contain it: the drill-down. */
  exampleItemIds: string[];
}

export interface EmergingTermsResult {
  recentDocuments: number;
  baselineDocuments: number;
  terms: EmergingTerm[];
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;
const HAS_LETTER = /\p{L}/u;

/** The distinct n-grams of one text: words of letters and digits, 1..maxN long, not starting or ending in a stop-word. */
export function termsOf(text: string, maxN = 3): Set<string> {
  const words = (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/'/g, ''));
  const out = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= maxN && i + n <= words.length; n++) {
      const first = words[i] as string;
      const last = words[i + n - 1] as string;
      if (STOP_WORDS.has(first) || STOP_WORDS.has(last)) continue;
      const gram = words.slice(i, i + n);
      if (!gram.some((w) => HAS_LETTER.test(w) && w.length > 1)) continue;
      out.add(gram.join(' '));
    }
  }
  return out;
}

export function emergingTerms(
  recent: readonly TermDocument[],
  baseline: readonly TermDocument[],
  opts: EmergingTermOptions = DEFAULT_EMERGING_OPTIONS,
): EmergingTermsResult {
  const recentCounts = new Map<string, string[]>();
  for (const d of recent) {
    for (const t of termsOf(d.text, opts.maxN)) {
      const ids = recentCounts.get(t);
      if (ids) ids.push(d.itemId);
      else recentCounts.set(t, [d.itemId]);
    }
  }
  // Baseline counts are only needed for terms that could emerge.
  const candidates = new Set([...recentCounts].filter(([, ids]) => ids.length >= opts.minRecent).map(([t]) => t));
  const baselineCounts = new Map<string, number>();
  for (const d of baseline) {
    for (const t of termsOf(d.text, opts.maxN)) if (candidates.has(t)) baselineCounts.set(t, (baselineCounts.get(t) ?? 0) + 1);
  }
  const found: EmergingTerm[] = [];
  for (const term of candidates) {
    const ids = recentCounts.get(term) as string[];
    const counts = { recent: ids.length, recentTotal: recent.length, baseline: baselineCounts.get(term) ?? 0, baselineTotal: baseline.length };
    const g = growth(counts);
    if (!isGrowing(counts, g, opts)) continue;
    found.push({
      term, n: term.split(' ').length, recent: counts.recent, baseline: counts.baseline, ...g, exampleItemIds: ids.slice(0, opts.examples),
    });
  }
  return { recentDocuments: recent.length, baselineDocuments: baseline.length, terms: rank(dropRedundant(found)).slice(0, opts.limit) };
}

/**
 * A longer n-gram that appears in exactly the same recent documents as a shorter emerging n-gram inside it says
 * nothing more ("the new word" next to "new word"): it is dropped so one new word does not fill the list.
 */
export function dropRedundant(terms: readonly EmergingTerm[]): EmergingTerm[] {
  const byTerm = new Map(terms.map((t) => [t.term, t]));
  return terms.filter((t) => {
    if (t.n === 1) return true;
    const words = t.term.split(' ');
    for (let n = 1; n < t.n; n++) {
      for (let i = 0; i + n <= words.length; i++) {
        const inner = byTerm.get(words.slice(i, i + n).join(' '));
        if (inner && inner.recent === t.recent) return false;
      }
    }
    return true;
  });
}

/** Best first: the most significant, then the largest growth, then the most frequent, then alphabetical. */
function rank(terms: EmergingTerm[]): EmergingTerm[] {
  return terms.sort((a, b) => a.pValue - b.pValue || b.logRatio - a.logRatio || b.recent - a.recent || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}
