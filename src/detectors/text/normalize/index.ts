import { fold } from '../fold.js';

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

/** PLACEHOLDER (being replaced by the full normaliser): case/accent folding only. */
export function normalize(text: string): NormalizedText {
  const f = fold(text);
  return { normalized: f.text, tactics: [], offsets: f.origin };
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
