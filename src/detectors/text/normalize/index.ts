import { undoLeet } from './leet.js';
import { collapseRepeats, foldHomoglyphs, joinSpacedLetters, protectLinks } from './passes.js';
import { assemble, compact, type ReadTactics, readUnits } from './units.js';

/** Evasion tactics the normaliser can undo; recorded with signals so analytics can count them. */
export const TACTICS = ['homoglyph', 'zero_width', 'leet', 'spacing', 'repetition', 'emoji'] as const;
export type Tactic = (typeof TACTICS)[number];

export interface NormalizedText {
  normalized: string;
  /** Tactics undone, each listed once, in TACTICS order. */
  tactics: Tactic[];
  /** offsets[i] = UTF-16 offset in the original of normalized char i; offsets[normalized.length] = original length. */
  offsets: number[];
}

/**
 * Text as a matcher should see it, with evasions undone: NFKC, case and accent folding, invisible characters removed,
 * homoglyphs folded to ASCII, leetspeak read as letters, spaced-out letters joined, runs of 3+ letters collapsed,
 * listed emoji turned into words, whitespace collapsed. The rules, and what each one leaves alone, are in the README
 * ("Text normalisation") and on the passes in passes.ts. Pure and linear in the length of the text.
 */
export function normalize(text: string): NormalizedText {
  const read: ReadTactics = { zeroWidth: false, emoji: false };
  const units = readUnits(text, read);
  protectLinks(units);
  const spacing = joinSpacedLetters(units);
  if (spacing) compact(units);
  const homoglyph = foldHomoglyphs(units);
  const leet = undoLeet(units);
  const repetition = collapseRepeats(units);
  const { normalized, offsets } = assemble(units, text.length);
  const tactics: Tactic[] = [];
  if (homoglyph) tactics.push('homoglyph');
  if (read.zeroWidth) tactics.push('zero_width');
  if (leet) tactics.push('leet');
  if (spacing) tactics.push('spacing');
  if (repetition) tactics.push('repetition');
  if (read.emoji) tactics.push('emoji');
  return { normalized, tactics, offsets };
}

/**
 * Normalised text with every run of one repeated letter collapsed to a single letter ("goood" -> "god", and "good"
 * too), so stretched words meet their terms: the term matcher reduces terms and texts alike. Digits stay as they are.
 */
export function skeleton(n: NormalizedText): NormalizedText {
  const src = n.normalized;
  const codes = new Uint16Array(src.length);
  const offsets: number[] = [];
  let count = 0;
  let prev = -1;
  for (let i = 0; i < src.length; i++) {
    const code = src.charCodeAt(i);
    if (code === prev && isLetterCode(code)) continue;
    codes[count++] = code;
    offsets.push(n.offsets[i] as number);
    prev = code;
  }
  offsets.push(n.offsets[src.length] as number);
  const normalized = count === src.length ? src : decoder.decode(codes.subarray(0, count));
  return { normalized, tactics: n.tactics, offsets };
}

const decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
const LETTER = /\p{L}/u;

function isLetterCode(code: number): boolean {
  if (code < 0x80) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return LETTER.test(String.fromCharCode(code));
}

/** Maps [start, end) of normalized text to the [start, end) of the original characters it came from. */
export function originalSpan(n: NormalizedText, start: number, end: number): { start: number; end: number } {
  const s = n.offsets[start] ?? 0;
  if (end <= start) return { start: s, end: s };
  const lastStart = n.offsets[end - 1] ?? s;
  for (let i = end; i < n.offsets.length; i++) {
    const o = n.offsets[i] as number;
    if (o > lastStart) return { start: s, end: o };
  }
  return { start: s, end: lastStart + 1 };
}
