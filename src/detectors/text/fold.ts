/** Text folded for matching, with a map from each folded character back to its offset in the original. */
export interface FoldedText {
  text: string;
  /** origin[i] = offset in the original string of folded character i; origin[text.length] = original length. */
  origin: number[];
}

const COMBINING_MARK = /\p{M}/u;
const APOSTROPHES = /[\u2018\u2019\u02bc\u0060\u00b4]/u;
const WHITESPACE = /\s/u;

/** Case and accent folding, apostrophe unification and whitespace collapsing, keeping offsets into the original. */
export function fold(original: string): FoldedText {
  let text = '';
  const origin: number[] = [];
  let lastWasSpace = true;
  let offset = 0;
  for (const ch of original) {
    const start = offset;
    offset += ch.length;
    if (WHITESPACE.test(ch)) {
      if (!lastWasSpace) {
        text += ' ';
        origin.push(start);
        lastWasSpace = true;
      }
      continue;
    }
    const base = APOSTROPHES.test(ch) ? "'" : ch.normalize('NFKD');
    for (const part of base.toLowerCase()) {
      if (COMBINING_MARK.test(part)) continue;
      text += part;
      for (let k = 0; k < part.length; k++) origin.push(start);
      lastWasSpace = false;
    }
  }
  if (text.endsWith(' ')) {
    text = text.slice(0, -1);
    origin.pop();
  }
  origin.push(original.length);
  return { text, origin };
}

/** Maps a [start, end) range of folded text back to the original string. */
export function originalRange(folded: FoldedText, start: number, end: number): { start: number; end: number } {
  const last = folded.origin[end - 1] ?? folded.origin[folded.origin.length - 1] ?? 0;
  return { start: folded.origin[start] ?? 0, end: end > start ? nextOriginalOffset(folded, end - 1, last) : last };
}

function nextOriginalOffset(folded: FoldedText, index: number, at: number): number {
  // The folded char at `index` came from an original char starting at `at`; it ends where the next one starts.
  for (let i = index + 1; i < folded.origin.length; i++) {
    const o = folded.origin[i] as number;
    if (o > at) return o;
  }
  return at + 1;
}
