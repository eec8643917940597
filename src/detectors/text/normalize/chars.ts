import { createRequire } from 'node:module';
import { EMOJI_WORD_BY_CODE_POINT } from './emoji.js';

/**
 * What one code point of the original becomes, computed once per distinct code point and cached: the normaliser's
 * hot loop is then a table lookup per code point.
 */

/** Unit classes: how a piece of normalised text takes part in tokens. */
export const CLS_SPACE = 0;
export const CLS_LETTER = 1;
/** ASCII digit 0-9. */
export const CLS_DIGIT = 2;
/** Any other number (e.g. Arabic-Indic digits): part of words, never leet. */
export const CLS_NUMBER = 3;
/** `@ $ | !`: letters in leetspeak, punctuation otherwise. */
export const CLS_LEET = 4;
export const CLS_OTHER = 5;

/** Scripts, only as far as the homoglyph tactic needs to tell them apart. */
export const SCRIPT_ASCII = 0;
/** Accented and extended Latin: folding it is accent folding, not undoing a homoglyph. */
export const SCRIPT_LATIN = 1;
export const SCRIPT_GREEK = 2;
export const SCRIPT_CYRILLIC = 3;
export const SCRIPT_OTHER = 4;

export const KIND_TEXT = 0;
export const KIND_SPACE = 1;
/** Zero-width, bidi, variation selectors, soft hyphen, fillers, control characters: dropped. */
export const KIND_INVISIBLE = 2;
/** An emoji (or emoji component) with no word: dropped. */
export const KIND_EMOJI = 3;
/** An emoji from the curated map: becomes its word. */
export const KIND_EMOJI_WORD = 4;
/** The combining keycap of "1️⃣": dropped, and ends the keycap so the next one is not a split word. */
export const KIND_KEYCAP = 5;

/** Part flags: the code point it came from was an ASCII letter. */
export const P_ASCII_LETTER = 1;
/** A styled letter: a non-ASCII code point whose compatibility form is an ASCII letter (fullwidth, mathematical...). */
export const P_STYLED = 2;
/** The part's text is not ASCII (precomputed: the passes test it for every unit). */
export const P_FOREIGN = 8;
/** A Cyrillic letter that homoglyph tools favour and Russian does not use (ѕ і ј ԁ һ ӏ ԛ ԝ ѵ). */
export const P_LOOKALIKE = 4;
/** The script of the original code point (SCRIPT_*) sits in the bits from here up. */
export const P_SCRIPT_SHIFT = 4;

const LOOKALIKE_CYRILLIC = new Set([...'ѕіјԁһӏԛԝѵЅІЈԀҺӀԚԜѴ'].map((c) => c.codePointAt(0) as number));

/** One folded code point (or short string), shared by every unit that holds it: passes swap parts, never edit them. */
export interface Part {
  /** Case-, accent- and compatibility-folded text. */
  readonly text: string;
  readonly cls: number;
  /** ASCII look-alike of a non-ASCII `text` (Unicode confusables), applied only when its whole word folds. */
  readonly conf: Part | undefined;
  readonly flags: number;
  /** The UTF-16 code of a one-unit `text`, else -1. */
  readonly code: number;
}

export function makePart(text: string, cls: number, conf: Part | undefined, flags: number): Part {
  const foreign = text.charCodeAt(0) >= 0x80 ? P_FOREIGN : 0;
  return { text, cls, conf, flags: (flags & ~P_FOREIGN) | foreign, code: text.length === 1 ? text.charCodeAt(0) : -1 };
}

export interface CharInfo {
  kind: number;
  /** For KIND_TEXT the folded pieces; for KIND_EMOJI_WORD the letters of the word. */
  parts: readonly Part[];
}

const requireJson = createRequire(import.meta.url);
/** Unicode TR39 confusables, as shipped by the unhomoglyph package: character -> prototype. */
const CONFUSABLES = requireJson('unhomoglyph/data.json') as Record<string, string>;

const WHITE_SPACE = /\p{White_Space}/u;
const FORMAT_OR_CONTROL = /[\p{Cf}\p{Cc}]/u;
const MARK = /\p{M}/gu;
const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const PICTOGRAPHIC = /[\p{Extended_Pictographic}\p{Emoji_Modifier}]/u;
const ASCII_ONLY = /^[\x20-\x7e]+$/;
const ASCII_LETTERS = /^[a-z]+$/;
const ASCII_DIGITS = /^[0-9]+$/;
const ASCII_ALNUM = /[a-z0-9]/;

function isInvisible(cp: number, ch: string): boolean {
  return (
    FORMAT_OR_CONTROL.test(ch) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0xe0100 && cp <= 0xe01ef) || // variation selectors supplement
    (cp >= 0x180b && cp <= 0x180f) || // Mongolian variation selectors
    cp === 0x034f || // combining grapheme joiner
    cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0 || // Hangul fillers (render blank)
    cp === 0x2800 // braille blank
  );
}

function isRegionalIndicator(cp: number): boolean {
  return cp >= 0x1f1e6 && cp <= 0x1f1ff; // the letters of flag emoji
}

function scriptOf(cp: number): number {
  if (cp < 0x80) return SCRIPT_ASCII;
  // Latin-1 and Extended-A/B, Extended Additional: letters of real languages. Small capitals and IPA (ᴀ ʀ ꜱ) are
  // left out on purpose: outside phonetics they are styling.
  if ((cp >= 0x80 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff)) return SCRIPT_LATIN;
  if ((cp >= 0x370 && cp <= 0x3ff) || (cp >= 0x1f00 && cp <= 0x1fff)) return SCRIPT_GREEK;
  if ((cp >= 0x400 && cp <= 0x52f) || (cp >= 0x1c80 && cp <= 0x1c8f) || (cp >= 0x2de0 && cp <= 0x2dff) ||
      (cp >= 0xa640 && cp <= 0xa69f)) return SCRIPT_CYRILLIC;
  return SCRIPT_OTHER;
}

export function classOf(text: string): number {
  const c = text.charCodeAt(0);
  if (c < 0x80) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return CLS_LETTER;
    if (c >= 48 && c <= 57) return CLS_DIGIT;
    if (c === 64 || c === 36 || c === 124 || c === 33) return CLS_LEET;
    if (c === 32) return CLS_SPACE;
    return CLS_OTHER;
  }
  if (LETTER.test(text)) return CLS_LETTER;
  if (NUMBER.test(text)) return CLS_NUMBER;
  return CLS_OTHER;
}

/** Lower case (with the full case folds ß -> ss and final sigma), then accents stripped. */
function foldCaseAndAccents(s: string): string {
  let lower = s.toLowerCase();
  if (lower === 'ß') lower = 'ss';
  else if (lower === 'ς') lower = 'σ';
  const stripped = lower.normalize('NFD').replace(MARK, '');
  return stripped.normalize('NFC');
}

/** Everyday typographic punctuation where TR39's prototype is unhelpful ("“" is two apostrophes there). */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u00AB': '"', '\u00BB': '"', '\u2014': '-', '\u2015': '-',
};

/**
 * The ASCII look-alike of one non-ASCII code point, or undefined. The lower-case form is looked up first so that
 * Cyrillic/Greek capital I lands on "i", not on the prototype "l". Letters only ever fold to letters and numbers to
 * digits (Cyrillic З is not the digit 3); other symbols may fold to any ASCII.
 */
function confusableOf(q: string, plain: string, plainCls: number): string | undefined {
  const punctuation = PUNCTUATION[q];
  if (punctuation !== undefined) return punctuation;
  const candidates = [q.toLowerCase(), q, q.toUpperCase()];
  for (const key of candidates) {
    const proto = CONFUSABLES[key];
    if (proto === undefined) continue;
    const folded = foldCaseAndAccents(proto);
    if (folded === '' || folded === plain || !ASCII_ONLY.test(folded)) continue;
    if (plainCls === CLS_LETTER && !ASCII_LETTERS.test(folded)) continue;
    if (plainCls === CLS_NUMBER && !ASCII_DIGITS.test(folded)) continue;
    return folded;
  }
  return undefined;
}

function textInfo(cp: number, ch: string): CharInfo {
  let compat = ch.normalize('NFKC');
  // Spacing accents (´ ¨ ¸) decompose to a space and a mark; keep them whole so they fold as punctuation.
  if (compat.includes(' ')) compat = ch;
  const flags = (cp >= 0x80 && /^[A-Za-z]$/.test(compat) ? P_STYLED : 0) | (LOOKALIKE_CYRILLIC.has(cp) ? P_LOOKALIKE : 0) |
    (scriptOf(cp) << P_SCRIPT_SHIFT);
  const parts: Part[] = [];
  for (const q of compat) {
    const plain = foldCaseAndAccents(q);
    if (plain === '') continue; // a lone combining mark
    let cls = classOf(plain);
    let conf: Part | undefined;
    if (!ASCII_ONLY.test(plain)) {
      const look = confusableOf(q, plain, cls);
      if (look !== undefined) {
        const lookCls = classOf(look);
        if (cls === CLS_OTHER && !ASCII_ALNUM.test(look)) {
          // Punctuation look-alikes (curly quotes, odd hyphens) fold unconditionally.
          parts.push(makePart(look, lookCls, undefined, flags));
          continue;
        }
        conf = makePart(look, lookCls, undefined, flags);
        if (cls === CLS_OTHER) cls = lookCls; // a symbol that looks like a letter joins the word around it
      }
    }
    parts.push(makePart(plain, cls, conf, flags));
  }
  return { kind: KIND_TEXT, parts };
}

const NO_PARTS: readonly Part[] = [];

/** The info of each ASCII character, indexed by code. */
export const ASCII_INFO: readonly CharInfo[] = Array.from({ length: 128 }, (_, cp) => {
  const ch = String.fromCharCode(cp);
  if (WHITE_SPACE.test(ch)) return { kind: KIND_SPACE, parts: NO_PARTS };
  if (cp < 0x20 || cp === 0x7f) return { kind: KIND_INVISIBLE, parts: NO_PARTS };
  const text = ch.toLowerCase();
  const cls = classOf(text);
  return { kind: KIND_TEXT, parts: [makePart(text, cls, undefined, cls === CLS_LETTER ? P_ASCII_LETTER : 0)] };
});

/** The part of one ASCII character (lower-cased). */
export function asciiPart(ch: string): Part {
  return (ASCII_INFO[ch.toLowerCase().charCodeAt(0)] as CharInfo).parts[0] as Part;
}

function computeInfo(cp: number): CharInfo {
  const ch = String.fromCodePoint(cp);
  if (WHITE_SPACE.test(ch)) return { kind: KIND_SPACE, parts: NO_PARTS };
  if (isInvisible(cp, ch)) return { kind: KIND_INVISIBLE, parts: NO_PARTS };
  const word = EMOJI_WORD_BY_CODE_POINT.get(cp);
  if (word !== undefined) return { kind: KIND_EMOJI_WORD, parts: [...word].map(asciiPart) };
  // Pictographs with a compatibility form (™, ℹ, ‼) are text, not emoji.
  if (cp === 0x20e3) return { kind: KIND_KEYCAP, parts: NO_PARTS };
  if (isRegionalIndicator(cp) || (PICTOGRAPHIC.test(ch) && ch.normalize('NFKC') === ch)) return { kind: KIND_EMOJI, parts: NO_PARTS };
  return textInfo(cp, ch);
}

/** Bounded so that text cycling through many distinct code points cannot grow memory without limit. */
const CACHE_LIMIT = 50_000;
const cache = new Map<number, CharInfo>();

export function charInfo(cp: number): CharInfo {
  if (cp < 0x80) return ASCII_INFO[cp] as CharInfo;
  let info = cache.get(cp);
  if (info === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    info = computeInfo(cp);
    cache.set(cp, info);
  }
  return info;
}
