import { normalize } from '../text/normalize/index.js';
import { combineHashes, FNV_OFFSET, fmix32, fnvStep } from './hash.js';

/** Bumped when the way text becomes features changes: a model only scores text featurised the way it was trained. */
export const FEATURE_VERSION = 1;

export interface FeatureParams {
  /** log2 of the number of hashed dimensions (18 => 262,144). */
  bits: number;
  /** Word bigrams as well as unigrams. */
  wordBigrams: boolean;
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Weight of one character n-gram relative to one word feature (there are several times more of them). */
  charWeight: number;
}

export const DEFAULT_FEATURE_PARAMS: FeatureParams = { bits: 18, wordBigrams: true, charMin: 3, charMax: 5, charWeight: 0.5 };

export function checkFeatureParams(p: FeatureParams): void {
  if (!Number.isInteger(p.bits) || p.bits < 8 || p.bits > 24) throw new RangeError('feature bits must be an integer from 8 to 24');
  if (!Number.isInteger(p.charMin) || !Number.isInteger(p.charMax) || p.charMin < 1 || p.charMax < p.charMin || p.charMax > 8) {
    throw new RangeError('character n-gram lengths must satisfy 1 <= charMin <= charMax <= 8');
  }
  if (!(p.charWeight >= 0)) throw new RangeError('charWeight must be >= 0');
}

/** A sparse, L2-normalised vector. Views returned by `Featurizer.featurize` are reused by its next call. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
  length: number;
}

export type FeatureKind = 'word' | 'bigram' | 'char';

export interface NamedFeature {
  name: string;
  kind: FeatureKind;
  index: number;
  /** The signed, normalised value this occurrence adds at `index`. */
  value: number;
}

// Namespaces keep a word "abc" and a character n-gram "abc" apart.
const WORD_BASIS = fnvStep(FNV_OFFSET, 0x77);
const CHAR_BASIS = fnvStep(FNV_OFFSET, 0x63);
const BIGRAM_SALT = 0x5bd1e995;
const SPACE = 0x20;
const APOSTROPHE = 0x27;

function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  // Everything else non-ASCII counts as a letter except spaces and punctuation blocks.
  return !((c >= 0x80 && c <= 0xbf) || (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || c === 0xfeff);
}

/**
 * Turns text into hashed word unigrams and bigrams and character n-grams of its normalised form, signed-hashed into
 * 2^bits dimensions and L2-normalised. Reuses its buffers: no allocation per feature, one set per text.
 */
export class Featurizer {
  readonly dims: number;
  private readonly mask: number;
  private readonly acc: Float32Array;
  private readonly stamp: Uint32Array;
  private epoch = 0;
  private touched = new Int32Array(1024);
  private touchedCount = 0;
  private chars = new Uint16Array(1024);
  private wordStart = new Int32Array(256);
  private wordEnd = new Int32Array(256);
  private out: SparseVector = { indices: new Int32Array(1024), values: new Float32Array(1024), length: 0 };
  private names: NamedFeature[] | null = null;

  constructor(readonly params: FeatureParams = DEFAULT_FEATURE_PARAMS) {
    checkFeatureParams(params);
    this.dims = 2 ** params.bits;
    this.mask = this.dims - 1;
    this.acc = new Float32Array(this.dims);
    this.stamp = new Uint32Array(this.dims);
  }

  /** The features of `text` (normalised first). The returned view is valid until the next call. */
  featurize(text: string): SparseVector {
    this.names = null;
    this.collect(normalize(text).normalized);
    return this.finish();
  }

  /** Every feature occurrence of `text` with a readable name, for explaining a prediction (slower: allocates). */
  namedFeatures(text: string): NamedFeature[] {
    this.names = [];
    this.collect(normalize(text).normalized);
    const names = this.names;
    this.names = null;
    const norm = this.norm();
    for (const f of names) f.value = norm > 0 ? f.value / norm : 0;
    return names;
  }

  private collect(s: string): void {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    this.touchedCount = 0;
    const words = this.clean(s);
    const chars = this.chars;
    const p = this.params;
    let prev = 0;
    for (let w = 0; w < words; w++) {
      const start = this.wordStart[w] as number;
      const end = this.wordEnd[w] as number;
      let h = WORD_BASIS;
      for (let i = start; i < end; i++) h = fnvStep(h, chars[i] as number);
      this.add(h, 1, 'word', start, end);
      if (p.wordBigrams && w > 0) this.add(combineHashes(prev, h) ^ BIGRAM_SALT, 1, 'bigram', this.wordStart[w - 1] as number, end);
      prev = h;
    }
    if (p.charWeight > 0) {
      // The cleaned text is " w1 w2 ... wn ", so n-grams at word edges carry the boundary.
      const len = this.cleanLength;
      for (let i = 0; i + p.charMin <= len; i++) {
        let h = CHAR_BASIS;
        const stop = Math.min(len, i + p.charMax);
        for (let j = i; j < stop; j++) {
          h = fnvStep(h, chars[j] as number);
          if (j - i + 1 >= p.charMin) this.add(h, p.charWeight, 'char', i, j + 1);
        }
      }
    }
  }

  private cleanLength = 0;

  /** Writes the word characters of `s` into `chars` as " w1 w2 ... ", apostrophes dropped; returns the word count. */
  private clean(s: string): number {
    if (this.chars.length < s.length + 2) this.chars = new Uint16Array(s.length * 2 + 2);
    const chars = this.chars;
    let n = 0;
    let words = 0;
    chars[n++] = SPACE;
    let inWord = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === APOSTROPHE) continue;
      if (isWordChar(c)) {
        if (!inWord) {
          if (words === this.wordStart.length) this.growWords();
          this.wordStart[words] = n;
          inWord = true;
        }
        chars[n++] = c;
      } else if (inWord) {
        this.wordEnd[words++] = n;
        chars[n++] = SPACE;
        inWord = false;
      }
    }
    if (inWord) {
      this.wordEnd[words++] = n;
      chars[n++] = SPACE;
    }
    this.cleanLength = n;
    return words;
  }

  private growWords(): void {
    const start = new Int32Array(this.wordStart.length * 2);
    start.set(this.wordStart);
    this.wordStart = start;
    const end = new Int32Array(this.wordEnd.length * 2);
    end.set(this.wordEnd);
    this.wordEnd = end;
  }

  private add(hash: number, weight: number, kind: FeatureKind, start: number, end: number): void {
    const m = fmix32(hash);
    const index = m & this.mask;
    const value = m >>> 31 ? -weight : weight;
    if (this.stamp[index] !== this.epoch) {
      this.stamp[index] = this.epoch;
      this.acc[index] = value;
      if (this.touchedCount === this.touched.length) {
        const t = new Int32Array(this.touched.length * 2);
        t.set(this.touched);
        this.touched = t;
      }
      this.touched[this.touchedCount++] = index;
    } else {
      this.acc[index] = (this.acc[index] as number) + value;
    }
    if (this.names) this.names.push({ name: this.nameOf(kind, start, end), kind, index, value });
  }

  private nameOf(kind: FeatureKind, start: number, end: number): string {
    const text = String.fromCharCode(...this.chars.subarray(start, end));
    return kind === 'char' ? text.replaceAll(' ', '_') : text;
  }

  private norm(): number {
    let sum = 0;
    for (let k = 0; k < this.touchedCount; k++) {
      const v = this.acc[this.touched[k] as number] as number;
      sum += v * v;
    }
    return Math.sqrt(sum);
  }

  private finish(): SparseVector {
    const n = this.touchedCount;
    if (this.out.indices.length < n) {
      const size = Math.max(n, this.out.indices.length * 2);
      this.out = { indices: new Int32Array(size), values: new Float32Array(size), length: 0 };
    }
    const norm = this.norm();
    const scale = norm > 0 ? 1 / norm : 0;
    const { indices, values } = this.out;
    for (let k = 0; k < n; k++) {
      const index = this.touched[k] as number;
      indices[k] = index;
      values[k] = (this.acc[index] as number) * scale;
    }
    this.out.length = n;
    return this.out;
  }
}

/** A copy of a reused view, for keeping (training sets). */
export function copySparse(v: SparseVector): SparseVector {
  return { indices: v.indices.slice(0, v.length), values: v.values.slice(0, v.length), length: v.length };
}
