import { isWordCode } from './words.js';

/**
 * Aho-Corasick over UTF-16 code units, in typed arrays: every term of every list is found in one pass over the
 * text, whatever the number of terms. Characters that occur in no term map to symbol 0 and send the automaton back
 * to its root, so the alphabet (and the root's dense transition table) stays small.
 *
 * Layout after build: the edges of state s are edgeSymbol/edgeTarget[edgeStart[s] .. edgeStart[s + 1]), sorted by
 * symbol; fail[s] is the longest proper suffix state; patternAt[s] is the pattern ending at s (or -1) and
 * outputLink[s] the next state down the fail chain that ends a pattern (or 0).
 */
export class TermAutomaton {
  readonly patternCount: number;
  private readonly symbolOf: Uint16Array;
  private readonly rootNext: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeSymbol: Uint16Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  private readonly patternAt: Int32Array;
  private readonly outputLink: Int32Array;
  private readonly patternLength: Int32Array;

  /** Patterns must be distinct and non-empty; pattern i is reported with id i. */
  constructor(patterns: readonly string[]) {
    this.patternCount = patterns.length;
    this.symbolOf = new Uint16Array(65536);
    let symbols = 0;
    for (const p of patterns) {
      if (p.length === 0) throw new Error('an empty pattern cannot be matched');
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (this.symbolOf[c] === 0) {
          if (symbols === 65535) throw new Error('too many distinct characters in the terms');
          this.symbolOf[c] = ++symbols;
        }
      }
    }

    // The trie, with children in a map keyed by state * (symbols + 1) + symbol while it is being built.
    const stride = symbols + 1;
    const child = new Map<number, number>();
    const childList: number[][] = [[]];
    const patternAtList: number[] = [-1];
    this.patternLength = new Int32Array(patterns.length);
    patterns.forEach((p, id) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const sym = this.symbolOf[p.charCodeAt(i)] as number;
        const key = s * stride + sym;
        let next = child.get(key);
        if (next === undefined) {
          next = childList.length;
          child.set(key, next);
          childList.push([]);
          patternAtList.push(-1);
          (childList[s] as number[]).push(sym);
        }
        s = next;
      }
      if (patternAtList[s] !== -1) throw new Error(`duplicate pattern "${p}"`);
      patternAtList[s] = id;
      this.patternLength[id] = p.length;
    });

    const states = childList.length;
    this.edgeStart = new Int32Array(states + 1);
    let edges = 0;
    for (let s = 0; s < states; s++) {
      this.edgeStart[s] = edges;
      edges += (childList[s] as number[]).length;
    }
    this.edgeStart[states] = edges;
    this.edgeSymbol = new Uint16Array(edges);
    this.edgeTarget = new Int32Array(edges);
    for (let s = 0; s < states; s++) {
      const syms = (childList[s] as number[]).sort((a, b) => a - b);
      let at = this.edgeStart[s] as number;
      for (const sym of syms) {
        this.edgeSymbol[at] = sym;
        this.edgeTarget[at] = child.get(s * stride + sym) as number;
        at++;
      }
    }
    this.patternAt = Int32Array.from(patternAtList);
    this.rootNext = new Int32Array(stride);
    for (let e = this.edgeStart[0] as number; e < (this.edgeStart[1] as number); e++) {
      this.rootNext[this.edgeSymbol[e] as number] = this.edgeTarget[e] as number;
    }

    // Fail and output links, breadth first so a state's fail target is final before its children need it.
    this.fail = new Int32Array(states);
    this.outputLink = new Int32Array(states);
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let e = this.edgeStart[0] as number; e < (this.edgeStart[1] as number); e++) queue[tail++] = this.edgeTarget[e] as number;
    while (head < tail) {
      const s = queue[head++] as number;
      for (let e = this.edgeStart[s] as number; e < (this.edgeStart[s + 1] as number); e++) {
        const sym = this.edgeSymbol[e] as number;
        const t = this.edgeTarget[e] as number;
        let f = this.fail[s] as number;
        let target = this.step(f, sym);
        while (target < 0) {
          f = this.fail[f] as number;
          target = this.step(f, sym);
        }
        this.fail[t] = target;
        this.outputLink[t] = (this.patternAt[target] as number) >= 0 ? target : (this.outputLink[target] as number);
        queue[tail++] = t;
      }
    }
  }

  /** The goto function: -1 when state s has no edge on sym (never for the root, which loops to itself). */
  private step(s: number, sym: number): number {
    if (s === 0) return this.rootNext[sym] as number;
    let lo = this.edgeStart[s] as number;
    let hi = this.edgeStart[s + 1] as number;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.edgeSymbol[mid] as number;
      if (v === sym) return this.edgeTarget[mid] as number;
      if (v < sym) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /**
   * Calls onMatch(pattern, start, end) for every occurrence that stands as whole words: the characters just
   * before and after it are not letters or digits. Overlapping occurrences are all reported.
   */
  scan(text: string, onMatch: (pattern: number, start: number, end: number) => void): void {
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const sym = this.symbolOf[text.charCodeAt(i)] as number;
      if (sym === 0) {
        s = 0;
        continue;
      }
      let next = this.step(s, sym);
      while (next < 0) {
        s = this.fail[s] as number;
        next = this.step(s, sym);
      }
      s = next;
      let out = (this.patternAt[s] as number) >= 0 ? s : (this.outputLink[s] as number);
      while (out > 0) {
        const id = this.patternAt[out] as number;
        const end = i + 1;
        const start = end - (this.patternLength[id] as number);
        if ((start === 0 || !isWordCode(text.charCodeAt(start - 1))) && (end === text.length || !isWordCode(text.charCodeAt(end)))) {
          onMatch(id, start, end);
        }
        out = this.outputLink[out] as number;
      }
    }
  }
}
