import * as chars from './chars.js';
import type { CharInfo, Part } from './chars.js';

// Local copies: hot loops must not go through module bindings (slow under the tsx loader that tests and the CLI use).
const { CLS_DIGIT, CLS_LETTER, CLS_NUMBER, CLS_SPACE, KIND_EMOJI, KIND_INVISIBLE, KIND_KEYCAP, KIND_SPACE, KIND_TEXT } = chars;
const { charInfo, ASCII_INFO, P_FOREIGN } = chars;

/**
 * The text being normalised, as units: one folded part each, remembering where in the original it came from. Passes
 * swap a unit's part or mark it deleted; `assemble` builds the result. Typed arrays keep the per-character cost low.
 */
export interface Units {
  length: number;
  part: Part[];
  /** UTF-16 offset in the original of the code point this unit came from. */
  start: Int32Array;
  /** F_* flags of the unit (the part has its own). */
  flags: Uint8Array;
}

/** Part of a URL or e-mail address: only character folding applies. */
export const F_PROTECTED = 1;
export const F_DELETED = 2;

const SPACE_PART: Part = chars.makePart(' ', CLS_SPACE, undefined, 0);

export function partAt(u: Units, k: number): Part {
  return u.part[k] as Part;
}

export function clsAt(u: Units, k: number): number {
  return (u.part[k] as Part).cls;
}

export function flagsAt(u: Units, k: number): number {
  return u.flags[k] as number;
}

/** The text of unit k, or undefined past either end. */
export function textAt(u: Units, k: number): string | undefined {
  return k >= 0 && k < u.length ? (u.part[k] as Part).text : undefined;
}

export function isWordClass(cls: number): boolean {
  return cls === CLS_LETTER || cls === CLS_DIGIT || cls === CLS_NUMBER;
}

/** Tactics seen while reading characters. */
export interface ReadTactics {
  zeroWidth: boolean;
  emoji: boolean;
}

function isAsciiLike(part: Part): boolean {
  return !(part.flags & P_FOREIGN) || part.conf !== undefined;
}

/**
 * Reads the original one code point at a time: folding, invisible characters dropped, emoji replaced by words or
 * dropped, whitespace runs collapsed to one space unit. An invisible character or dropped emoji counts as a tactic only
 * when it splits a word (letters or digits on both sides, one of them ASCII-like): the joiners inside emoji sequences
 * and inside Persian or Indic words do not count.
 */
export function readUnits(original: string, seen: ReadTactics): Units {
  const len = original.length;
  const u: Units = { length: 0, part: [], start: new Int32Array(len + 16), flags: new Uint8Array(len + 16) };
  let prevWord = false; // the last visible thing was part of a word
  let prevPart: Part | undefined; // that word character
  let splitByInvisible = false;
  let splitByEmoji = false;
  for (let i = 0; i < len; ) {
    let cp = original.charCodeAt(i);
    const at = i;
    let info: CharInfo;
    if (cp < 0x80) {
      info = ASCII_INFO[cp] as CharInfo;
      i++;
    } else {
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < len) {
        const lo = original.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      i++;
      info = charInfo(cp);
    }
    const kind = info.kind;
    if (kind === KIND_TEXT) {
      const parts = info.parts;
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p] as Part;
        const cls = part.cls;
        if (cls === CLS_SPACE) {
          pushSpace(u, at);
          prevWord = splitByInvisible = splitByEmoji = false;
          continue;
        }
        const word = cls === CLS_LETTER || cls === CLS_DIGIT || cls === CLS_NUMBER;
        if (splitByInvisible || splitByEmoji) {
          if (word) {
            if (splitByInvisible && ((prevPart !== undefined && isAsciiLike(prevPart)) || isAsciiLike(part))) seen.zeroWidth = true;
            if (splitByEmoji) seen.emoji = true;
          }
          splitByInvisible = splitByEmoji = false;
        }
        prevWord = word;
        prevPart = part;
        push(u, part, at);
      }
      // A lone combining mark has no parts: it belongs to the letter before it and changes nothing here.
    } else if (kind === KIND_SPACE) {
      pushSpace(u, at);
      prevWord = splitByInvisible = splitByEmoji = false;
    } else if (kind === KIND_INVISIBLE) {
      if (prevWord) splitByInvisible = true;
    } else if (kind === KIND_KEYCAP) {
      prevWord = splitByInvisible = splitByEmoji = false;
    } else if (kind === KIND_EMOJI) {
      if (prevWord) splitByEmoji = true;
      prevWord = false; // a joiner after an emoji belongs to the emoji sequence
    } else {
      seen.emoji = true;
      pushSpace(u, at);
      const parts = info.parts;
      for (let p = 0; p < parts.length; p++) push(u, parts[p] as Part, at);
      pushSpace(u, i); // where the emoji ends, so a highlight of the word covers exactly the emoji
      prevWord = splitByInvisible = splitByEmoji = false;
    }
  }
  return u;
}

function push(u: Units, part: Part, start: number): void {
  const n = u.length;
  if (n === u.start.length) grow(u);
  u.part.push(part);
  u.start[n] = start;
  u.length = n + 1;
}

function grow(u: Units): void {
  const start = new Int32Array(u.start.length * 2);
  start.set(u.start);
  const flags = new Uint8Array(u.flags.length * 2);
  flags.set(u.flags);
  u.start = start;
  u.flags = flags;
}

function pushSpace(u: Units, start: number): void {
  if (u.length === 0 || (u.part[u.length - 1] as Part).cls === CLS_SPACE) return;
  push(u, SPACE_PART, start);
}

/** Drops deleted units, so later passes see true neighbours. */
export function compact(u: Units): void {
  let w = 0;
  for (let r = 0; r < u.length; r++) {
    if ((u.flags[r] as number) & F_DELETED) continue;
    if (w !== r) {
      u.part[w] = u.part[r] as Part;
      u.start[w] = u.start[r] as number;
      u.flags[w] = u.flags[r] as number;
    }
    w++;
  }
  u.length = w;
  u.part.length = w;
}

const decoder = new TextDecoder('utf-16le', { ignoreBOM: true });

/** The normalised string and its offsets: spaces collapsed (passes may leave two side by side) and trimmed. */
export function assemble(u: Units, originalLength: number): { normalized: string; offsets: number[] } {
  const count = u.length;
  const parts = u.part;
  const starts = u.start;
  const unitFlags = u.flags;
  let codes = new Uint16Array(count + 16);
  let at = new Int32Array(count + 16);
  let n = 0;
  let lastSpace = true;
  for (let k = 0; k < count; k++) {
    if ((unitFlags[k] as number) & F_DELETED) continue;
    const part = parts[k] as Part;
    if (part.cls === CLS_SPACE) {
      if (lastSpace) continue;
      lastSpace = true;
    } else {
      lastSpace = false;
    }
    const text = part.text;
    const start = starts[k] as number;
    if (n + text.length > codes.length) {
      const size = codes.length * 2 + text.length;
      const biggerCodes = new Uint16Array(size);
      biggerCodes.set(codes);
      codes = biggerCodes;
      const biggerAt = new Int32Array(size);
      biggerAt.set(at);
      at = biggerAt;
    }
    if (part.code >= 0) {
      codes[n] = part.code;
      at[n++] = start;
    } else {
      for (let c = 0; c < text.length; c++) {
        codes[n] = text.charCodeAt(c);
        at[n++] = start;
      }
    }
  }
  if (lastSpace && n > 0) n--;
  const offsets = new Array<number>(n + 1);
  for (let i = 0; i < n; i++) offsets[i] = at[i] as number;
  offsets[n] = originalLength;
  return { normalized: decoder.decode(codes.subarray(0, n)), offsets };
}
