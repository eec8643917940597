import type { CategoryId } from '../../../core/taxonomy.js';
import type { Indicator } from '../../indicators.js';
import { normalize, type NormalizedText, originalSpan, skeleton, type Tactic } from '../normalize/index.js';
import { TermAutomaton } from './aho-corasick.js';
import { conditionsHold, type RuleContext } from './context.js';
import type { MatchNode, Rule, RuleFile, TermRef } from './format.js';
import { compileLinear, findMatches } from './linear-regex.js';
import { isWordCode, termKey } from './words.js';

/** A stretch of the ORIGINAL text that made a rule fire. */
export interface EvidenceSpan {
  start: number;
  end: number;
  text: string;
}

export interface RuleHit {
  ruleId: string;
  category: CategoryId;
  weight: number;
  indicator: Indicator | null;
  /** Sorted; none inside another; at most MAX_SPANS_PER_HIT. */
  spans: EvidenceSpan[];
  /** What each span matched: the term as listed, or the matched text for a regular expression. */
  terms: { term: string; start: number; end: number }[];
  /** Evasion tactics the normaliser undid in this text (the same for every hit of one text). */
  tactics: Tactic[];
}

const MAX_HITS_PER_TERM_SET = 50;
const MAX_SPANS_PER_HIT = 20;

type CompiledMatch =
  | { kind: 'terms'; set: number }
  | { kind: 'regex'; regex: number }
  | { kind: 'near'; a: number; b: number; within: number }
  | { kind: 'any' | 'all'; children: CompiledMatch[] };

interface CompiledRule {
  rule: Rule;
  match: CompiledMatch;
}

/** A term occurrence: skeleton offsets (for word counting) and original offsets (for evidence). */
interface TermOccurrence {
  pattern: number;
  skStart: number;
  skEnd: number;
  start: number;
  end: number;
}

interface Piece {
  start: number;
  end: number;
  term: string;
}

/**
 * A rule file compiled once per rules version: every term of every list in one automaton, every regular
 * expression for the linear engine. `evaluate` is synchronous, allocation-light and safe to call for every item.
 */
export class RuleSet {
  private readonly automaton: TermAutomaton;
  /** The term as first written in the file, per pattern. */
  private readonly patternTerm: string[];
  /** CSR: the term sets pattern p belongs to are setOfPattern[setStart[p] .. setStart[p + 1]). */
  private readonly setStart: Int32Array;
  private readonly setOfPattern: Int32Array;
  private readonly regexes: RegExp[];
  private readonly rules: CompiledRule[];

  private constructor(readonly version: number, file: RuleFile) {
    const patternIds = new Map<string, number>();
    this.patternTerm = [];
    const setPatterns: number[][] = [];
    const namedSets = new Map<string, number>();
    const addSet = (terms: readonly string[]): number => {
      const ids = new Set<number>();
      for (const t of terms) {
        const key = termKey(t);
        if (key === '') continue;
        let id = patternIds.get(key);
        if (id === undefined) {
          id = this.patternTerm.length;
          patternIds.set(key, id);
          this.patternTerm.push(t);
        }
        ids.add(id);
      }
      setPatterns.push([...ids]);
      return setPatterns.length - 1;
    };
    for (const [name, terms] of Object.entries(file.lists ?? {})) namedSets.set(name, addSet(terms));
    const setFor = (ref: TermRef): number => {
      if (typeof ref !== 'string') return addSet(ref);
      const named = namedSets.get(ref);
      if (named === undefined) throw new Error(`unknown list '${ref}' (parse the file with parseRuleFile first)`);
      return named;
    };

    this.regexes = [];
    const compile = (node: MatchNode): CompiledMatch => {
      if (node.terms !== undefined) return { kind: 'terms', set: setFor(node.terms) };
      if (node.near !== undefined) return { kind: 'near', a: setFor(node.near.a), b: setFor(node.near.b), within: node.near.within };
      if (node.regex !== undefined) {
        const r = compileLinear(node.regex);
        if (!r.ok) throw new Error(`regex ${node.regex}: ${r.reason}`);
        this.regexes.push(r.regex);
        return { kind: 'regex', regex: this.regexes.length - 1 };
      }
      if (node.any !== undefined) return { kind: 'any', children: node.any.map(compile) };
      if (node.all !== undefined) return { kind: 'all', children: node.all.map(compile) };
      throw new Error('a match node has no kind');
    };
    this.rules = file.rules.map((rule) => ({ rule, match: compile(rule.match) }));

    const membership: number[][] = this.patternTerm.map(() => []);
    setPatterns.forEach((patterns, set) => {
      for (const p of patterns) (membership[p] as number[]).push(set);
    });
    this.setStart = new Int32Array(this.patternTerm.length + 1);
    let total = 0;
    membership.forEach((sets, p) => {
      this.setStart[p] = total;
      total += sets.length;
    });
    this.setStart[this.patternTerm.length] = total;
    this.setOfPattern = Int32Array.from(membership.flat());
    this.automaton = new TermAutomaton([...patternIds.keys()]);
  }

  /** Compiles a parsed rule file (see parseRuleFile) for the given rules version. */
  static compile(file: RuleFile, version: number): RuleSet {
    return new RuleSet(version, file);
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** The rules in file order (without their match expressions). */
  describeRules(): { id: string; description: string; category: CategoryId; weight: number; indicator: Indicator | null }[] {
    return this.rules.map(({ rule }) => ({
      id: rule.id, description: rule.description, category: rule.category, weight: rule.weight, indicator: rule.indicator ?? null,
    }));
  }

  /** Distinct terms in the automaton, after normalisation. */
  get termCount(): number {
    return this.patternTerm.length;
  }

  /** The rules that fire on the text in this context, in file order. */
  evaluate(text: string, context: RuleContext): RuleHit[] {
    if (!text) return [];
    const run = new Evaluation(this, text);
    const hits: RuleHit[] = [];
    for (const { rule, match } of this.rules) {
      if (!conditionsHold(rule.when, context)) continue;
      const pieces = run.match(match);
      if (!pieces) continue;
      hits.push(run.hit(rule, pieces));
    }
    return hits;
  }

  /** @internal Every whole-word term occurrence in skeleton text, as (pattern, start, end). */
  scanTerms(skeleton: string, onMatch: (pattern: number, start: number, end: number) => void): void {
    this.automaton.scan(skeleton, onMatch);
  }

  /** @internal */
  setsOf(pattern: number): Int32Array {
    return this.setOfPattern.subarray(this.setStart[pattern] as number, this.setStart[pattern + 1] as number);
  }

  /** @internal */
  termOf(pattern: number): string {
    return this.patternTerm[pattern] as string;
  }

  /** @internal */
  regex(index: number): RegExp {
    return this.regexes[index] as RegExp;
  }
}

/** The work for one text, done lazily: the term scan, each regex and the word index run only if a rule needs them. */
class Evaluation {
  private readonly normalized: NormalizedText;
  private skeletonText: NormalizedText | null = null;
  private terms: (TermOccurrence[] | undefined)[] | null = null;
  private readonly regexResults = new Map<number, Piece[]>();
  private wordOf: Int32Array | null = null;
  private regexText: string | null = null;

  constructor(private readonly set: RuleSet, private readonly original: string) {
    this.normalized = normalize(original);
  }

  match(node: CompiledMatch): Piece[] | null {
    switch (node.kind) {
      case 'terms': {
        const occ = this.termHits(node.set);
        return occ.length > 0 ? occ.map((o) => this.piece(o)) : null;
      }
      case 'regex': {
        const found = this.regexHits(node.regex);
        return found.length > 0 ? found : null;
      }
      case 'near':
        return this.near(node.a, node.b, node.within);
      case 'any': {
        let out: Piece[] | null = null;
        for (const c of node.children) {
          const r = this.match(c);
          if (r) out = out ? out.concat(r) : r;
        }
        return out;
      }
      case 'all': {
        let out: Piece[] = [];
        for (const c of node.children) {
          const r = this.match(c);
          if (!r) return null;
          out = out.concat(r);
        }
        return out;
      }
    }
  }

  hit(rule: Rule, pieces: Piece[]): RuleHit {
    // Longest first at each start; a span inside one already kept adds nothing ("talk" in "talk on another app").
    const unique: Piece[] = [];
    let keptEnd = -1;
    for (const p of pieces.sort((a, b) => a.start - b.start || b.end - a.end)) {
      if (p.end <= keptEnd) continue;
      keptEnd = p.end;
      unique.push(p);
      if (unique.length === MAX_SPANS_PER_HIT) break;
    }
    return {
      ruleId: rule.id,
      category: rule.category,
      weight: rule.weight,
      indicator: rule.indicator ?? null,
      spans: unique.map((p) => ({ start: p.start, end: p.end, text: this.original.slice(p.start, p.end) })),
      terms: unique.map((p) => ({ term: p.term, start: p.start, end: p.end })),
      tactics: this.normalized.tactics,
    };
  }

  private sk(): NormalizedText {
    this.skeletonText ??= skeleton(this.normalized);
    return this.skeletonText;
  }

  private termHits(set: number): TermOccurrence[] {
    if (!this.terms) {
      const sk = this.sk();
      const bySet: (TermOccurrence[] | undefined)[] = [];
      this.set.scanTerms(sk.normalized, (pattern, skStart, skEnd) => {
        let span: { start: number; end: number } | null = null;
        for (const s of this.set.setsOf(pattern)) {
          const list = (bySet[s] ??= []);
          if (list.length >= MAX_HITS_PER_TERM_SET) continue;
          span ??= originalSpan(sk, skStart, skEnd);
          list.push({ pattern, skStart, skEnd, start: span.start, end: span.end });
        }
      });
      this.terms = bySet;
    }
    return this.terms[set] ?? [];
  }

  private piece(o: TermOccurrence): Piece {
    return { start: o.start, end: o.end, term: this.set.termOf(o.pattern) };
  }

  private regexHits(index: number): Piece[] {
    const cached = this.regexResults.get(index);
    if (cached) return cached;
    if (this.regexText === null) {
      // Normalised text is lower case by contract; lower it again only where that keeps every offset in place.
      const lowered = this.normalized.normalized.toLowerCase();
      this.regexText = lowered.length === this.normalized.normalized.length ? lowered : this.normalized.normalized;
    }
    const out = findMatches(this.set.regex(index), this.regexText).map(([s, e]) => {
      const span = originalSpan(this.normalized, s, e);
      return { ...span, term: this.original.slice(span.start, span.end) };
    });
    this.regexResults.set(index, out);
    return out;
  }

  /** Word number of each skeleton character (words are runs of letters and digits; -1 between words). */
  private words(): Int32Array {
    if (!this.wordOf) {
      const text = this.sk().normalized;
      const out = new Int32Array(text.length);
      let word = -1;
      let inWord = false;
      for (let i = 0; i < text.length; i++) {
        const w = isWordCode(text.charCodeAt(i));
        if (w && !inWord) word++;
        inWord = w;
        out[i] = w ? word : -1;
      }
      this.wordOf = out;
    }
    return this.wordOf;
  }

  /** Occurrences of A and B with at most `within` words between them, in either order. */
  private near(a: number, b: number, within: number): Piece[] | null {
    const as = this.termHits(a);
    const bs = this.termHits(b);
    if (as.length === 0 || bs.length === 0) return null;
    const words = this.words();
    // A term that starts or ends with punctuation counts from its first and to its last word.
    const firstWord = (o: TermOccurrence) => {
      for (let i = o.skStart; i < o.skEnd; i++) if ((words[i] as number) >= 0) return words[i] as number;
      return words[o.skStart] as number;
    };
    const lastWord = (o: TermOccurrence) => {
      for (let i = o.skEnd - 1; i >= o.skStart; i--) if ((words[i] as number) >= 0) return words[i] as number;
      return words[o.skEnd - 1] as number;
    };
    const out: Piece[] = [];
    for (const x of as) {
      for (const y of bs) {
        if (x.skStart === y.skStart && x.skEnd === y.skEnd) continue;
        const gap = x.skStart <= y.skStart ? firstWord(y) - lastWord(x) - 1 : firstWord(x) - lastWord(y) - 1;
        if (gap <= within) out.push(this.piece(x), this.piece(y));
      }
    }
    return out.length > 0 ? out : null;
  }
}
