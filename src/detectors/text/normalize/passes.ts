import * as chars from './chars.js';
import * as units from './units.js';
import type { Units } from './units.js';

// Local copies: hot loops must not go through module bindings (slow under the tsx loader that tests and the CLI use).
const { CLS_LEET, CLS_LETTER, CLS_SPACE, SCRIPT_CYRILLIC, SCRIPT_GREEK, SCRIPT_LATIN, SCRIPT_OTHER } = chars;
const { P_ASCII_LETTER, P_FOREIGN, P_LOOKALIKE, P_STYLED, P_SCRIPT_SHIFT } = chars;
const { F_DELETED, F_PROTECTED, clsAt, flagsAt, isWordClass, partAt, textAt } = units;


/**
 * The word-level passes of the normaliser. Each runs once over the units, in this order: protect URLs and e-mail
 * addresses, join spaced-out letters, fold homoglyphs, undo leetspeak (leet.ts), collapse repeated letters. Each
 * returns whether it changed anything (that is the tactic it undid).
 */

const FLAG_SKIP = F_DELETED | F_PROTECTED;

/** Marks URLs ("://", "www.") and e-mail addresses, whose digits and letters must stay as written. */
export function protectLinks(u: Units): void {
  let k = 0;
  while (k < u.length) {
    if (clsAt(u, k) === CLS_SPACE) {
      k++;
      continue;
    }
    const from = k;
    let link = false;
    let at = -1;
    while (k < u.length && clsAt(u, k) !== CLS_SPACE) {
      const t = textAt(u, k);
      if (t === ':' && textAt(u, k + 1) === '/' && textAt(u, k + 2) === '/') link = true;
      else if (t === '@') at = k;
      else if (t === '.' && at >= 0 && k > at + 1 && k + 1 < u.length && clsAt(u, k + 1) === CLS_LETTER) link = true;
      k++;
    }
    if (!link && k - from > 4 && textAt(u, from) === 'w' && textAt(u, from + 1) === 'w' && textAt(u, from + 2) === 'w' && textAt(u, from + 3) === '.') link = true;
    if (link) for (let j = from; j < k; j++) u.flags[j] = flagsAt(u, j) | F_PROTECTED;
  }
}

// ---- spacing ----------------------------------------------------------------------------------------------------

const SEPARATORS = new Set([' ', '.', '-', '_']);

/** Letters, digits and the leet letters `$ @` make a one-character word; `!` and `|` at its edge are punctuation. */
function joinsWord(u: Units, k: number): boolean {
  if (k < 0 || k >= u.length) return false;
  const { cls, text } = partAt(u, k);
  return isWordClass(cls) || (cls === CLS_LEET && (text === '$' || text === '@'));
}

function isSingleCharWord(u: Units, k: number): boolean {
  return joinsWord(u, k) && !(flagsAt(u, k) & FLAG_SKIP) && !joinsWord(u, k - 1) && !joinsWord(u, k + 1);
}

/**
 * "s e c r e t", "s.e.c.r.e.t", "s-e-c-r-e-t", "s_e_c_r_e_t": three or more one-character words (at least two of
 * them letters) separated by one and the same separator become one word. Ordinary words are never glued: every piece
 * must be a single character. A leading "a" or "i" right after a word stays apart ("send me a p h o t o"), so a
 * spelled-out word that starts with one of them is only joined from its second letter there ("up a l o n e").
 */
export function joinSpacedLetters(u: Units): boolean {
  let changed = false;
  let k = 0;
  while (k < u.length) {
    if (!isSingleCharWord(u, k)) {
      k++;
      continue;
    }
    let last = k;
    let count = 1;
    let letters = clsAt(u, k) === CLS_LETTER ? 1 : 0;
    const sep = textAt(u, k + 1);
    if (sep !== undefined && SEPARATORS.has(sep)) {
      while (textAt(u, last + 1) === sep && isSingleCharWord(u, last + 2)) {
        last += 2;
        count++;
        if (clsAt(u, last) === CLS_LETTER) letters++;
      }
    }
    if (count >= 3 && letters >= 2) {
      // "send me a p h o t o": a leading "a" or "i" after a word is the article or pronoun, not part of the spelling.
      const first = sep === ' ' && count >= 4 && letters >= 3 && isArticleAfterWord(u, k) ? k + 2 : k;
      for (let j = first + 1; j < last; j += 2) u.flags[j] = flagsAt(u, j) | F_DELETED;
      changed = true;
      k = last + 1;
    } else {
      k++; // the next single character may start a run with another separator
    }
  }
  return changed;
}

function isArticleAfterWord(u: Units, k: number): boolean {
  const t = textAt(u, k);
  return (t === 'a' || t === 'i') && textAt(u, k - 1) === ' ' && k >= 3 && clsAt(u, k - 2) === CLS_LETTER &&
    clsAt(u, k - 3) === CLS_LETTER;
}

// ---- homoglyphs -------------------------------------------------------------------------------------------------

const SCRIPT_BIT_LATIN = 1 << SCRIPT_LATIN;
const SCRIPT_BIT_GREEK = 1 << SCRIPT_GREEK;
const SCRIPT_BIT_CYRILLIC = 1 << SCRIPT_CYRILLIC;
const SCRIPT_BIT_OTHER = 1 << SCRIPT_OTHER;

/** What a word's look-alikes say about it. */
const WORD_PLAIN = 0; // nothing to fold (ASCII, accented Latin, styled letters)
const WORD_FOREIGN = 1; // has a letter with no ASCII look-alike: a genuine word of another script, left alone
const WORD_DISGUISED = 2; // folds, and the mix of scripts shows it was disguised Latin
const WORD_LATIN_FOLD = 3; // folds, but only accented Latin letters (ø, ł): accent folding, not a tactic
const WORD_AMBIGUOUS = 4; // all Greek or all (Russian-alphabet) Cyrillic look-alikes: disguised only among Latin words

/**
 * Folds look-alike characters to ASCII one word at a time, and only when every non-ASCII character of the word has an
 * ASCII look-alike: "ѕесrеt" becomes "secret", while a genuine Russian or Greek word keeps its letters. A word is
 * disguised Latin (the homoglyph tactic) when it mixes ASCII or styled letters with look-alikes, mixes Greek and
 * Cyrillic, uses look-alikes from other scripts (Cherokee, small capitals), or uses Cyrillic letters Russian does not
 * (ѕ, і, ј...). A word made only of Greek or only of Russian-alphabet look-alikes ("а", "рос") could be either: it
 * folds when a neighbouring word is Latin. Styled letters (fullwidth, mathematical, circled) count as homoglyphs.
 */
export function foldHomoglyphs(u: Units): boolean {
  let tactic = false;
  // An ambiguous word waits for its neighbours: it folds if the word before or after it is Latin.
  let prevLatin = false;
  let pendingFrom = -1;
  let pendingTo = -1;
  let k = 0;
  while (k < u.length) {
    if (!isWordClass(clsAt(u, k)) || flagsAt(u, k) & F_DELETED) {
      k++;
      continue;
    }
    const from = k;
    let foreign = false;
    let allFold = true;
    let asciiLetters = false;
    let styled = false;
    let lookalike = false;
    let scripts = 0;
    for (; k < u.length && isWordClass(clsAt(u, k)) && !(flagsAt(u, k) & F_DELETED); k++) {
      const part = partAt(u, k);
      const flags = part.flags;
      if (flags & P_ASCII_LETTER) asciiLetters = true;
      else if (flags & P_FOREIGN) {
        foreign = true;
        if (part.conf === undefined) allFold = false;
        else {
          scripts |= 1 << (flags >> P_SCRIPT_SHIFT);
          if (flags & P_LOOKALIKE) lookalike = true;
        }
      } else if (flags & P_STYLED) styled = true;
    }
    if (styled) tactic = true;
    let kind = WORD_PLAIN;
    if (foreign) {
      const disguised = scripts & ~SCRIPT_BIT_LATIN;
      if (!allFold) kind = WORD_FOREIGN;
      else if (!disguised) kind = WORD_LATIN_FOLD;
      else if (asciiLetters || styled || lookalike || disguised & SCRIPT_BIT_OTHER ||
               (disguised & SCRIPT_BIT_GREEK && disguised & SCRIPT_BIT_CYRILLIC)) kind = WORD_DISGUISED;
      else kind = WORD_AMBIGUOUS;
    }
    if (kind === WORD_DISGUISED || kind === WORD_LATIN_FOLD) foldWord(u, from, k);
    if (kind === WORD_DISGUISED) tactic = true;
    const latin = kind === WORD_DISGUISED || kind === WORD_LATIN_FOLD || (kind === WORD_PLAIN && (asciiLetters || styled));
    if (kind === WORD_AMBIGUOUS && prevLatin) {
      foldWord(u, from, k);
      tactic = true;
    } else if (latin && pendingFrom >= 0) {
      foldWord(u, pendingFrom, pendingTo);
      tactic = true;
    }
    if (kind === WORD_AMBIGUOUS && !prevLatin) {
      pendingFrom = from;
      pendingTo = k;
    } else {
      pendingFrom = -1;
    }
    prevLatin = latin || (kind === WORD_AMBIGUOUS && prevLatin);
  }
  return tactic;
}

function foldWord(u: Units, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    const part = partAt(u, j);
    if (part.flags & P_FOREIGN && part.conf !== undefined) u.part[j] = part.conf;
  }
}

// ---- repetition -------------------------------------------------------------------------------------------------

/** A run of three or more of the same letter becomes one ("seeecret" -> "secret"); doubled letters stay ("keep"). */
export function collapseRepeats(u: Units): boolean {
  let changed = false;
  let k = 0;
  while (k < u.length) {
    if (clsAt(u, k) !== CLS_LETTER || flagsAt(u, k) & FLAG_SKIP) {
      k++;
      continue;
    }
    const t = partAt(u, k).text;
    let end = k + 1;
    while (end < u.length && partAt(u, end).text === t && !(flagsAt(u, end) & FLAG_SKIP)) end++;
    if (end - k >= 3) {
      for (let j = k + 1; j < end; j++) u.flags[j] = flagsAt(u, j) | F_DELETED;
      changed = true;
    }
    k = end;
  }
  return changed;
}
