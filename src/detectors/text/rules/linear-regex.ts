import { setFlagsFromString } from 'node:v8';

// V8's linear-time (automaton) engine: a rule's regular expression can never backtrack its way into stalling the
// event loop. Patterns it cannot run (backreferences, lookaround, large counted repetition) are refused up front.
setFlagsFromString('--enable-experimental-regexp-engine');

/** Matches kept per expression per text: evidence needs a few, and it bounds the work of a pathological text. */
export const MAX_MATCHES_PER_TEXT = 20;

/**
 * Regular expressions run on normalised text, which is lower case. V8's linear engine refuses the `i` flag, so
 * case-insensitivity comes from lowering the pattern's literal letters; escapes (\W, \S, \B, \D...) keep their case.
 */
export function lowerPattern(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '\\' && i + 1 < source.length) {
      out += ch + source[i + 1];
      i++;
      continue;
    }
    out += ch.toLowerCase();
  }
  return out;
}

export type LinearRegexResult = { ok: true; regex: RegExp } | { ok: false; reason: string };

/** Compiles for the linear engine; the reason says why a pattern is refused, in words a rule author can act on. */
export function compileLinear(source: string): LinearRegexResult {
  const lowered = lowerPattern(source);
  try {
    // Syntax first, with the ordinary engine, so a typo is reported as a typo and not as "not linear".
    new RegExp(lowered);
  } catch (e) {
    return { ok: false, reason: `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(lowered, 'lg');
  } catch {
    return {
      ok: false,
      reason: 'this regular expression cannot run in linear time: backreferences (\\1), lookahead/lookbehind ((?=, (?!, (?<=, (?<!) '
        + 'and counted repetition above 16 (x{17}, x{2,50}) are not allowed',
    };
  }
  if (regex.test('')) return { ok: false, reason: 'this regular expression matches empty text, so it would fire on every message' };
  regex.lastIndex = 0;
  return { ok: true, regex };
}

/** Up to MAX_MATCHES_PER_TEXT non-empty matches as [start, end) offsets into `text`. */
export function findMatches(regex: RegExp, text: string): [number, number][] {
  const out: [number, number][] = [];
  regex.lastIndex = 0;
  // Empty matches (a pattern like `\b`) carry no evidence; the call cap keeps them from walking a long text.
  for (let calls = 0; out.length < MAX_MATCHES_PER_TEXT && calls < MAX_MATCHES_PER_TEXT * 4; calls++) {
    const m = regex.exec(text);
    if (!m) break;
    if (m[0].length === 0) {
      regex.lastIndex = m.index + 1;
      if (regex.lastIndex > text.length) break;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  regex.lastIndex = 0;
  return out;
}
