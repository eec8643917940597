import * as chars from './chars.js';
import type { Part } from './chars.js';
import * as units from './units.js';
import type { Units } from './units.js';

// Local copies: hot loops must not go through module bindings (slow under the tsx loader that tests and the CLI use).
const { CLS_DIGIT, CLS_LEET, CLS_LETTER, asciiPart } = chars;
const { F_DELETED, F_PROTECTED, clsAt, flagsAt, partAt } = units;
const FLAG_SKIP = F_DELETED | F_PROTECTED;

/** Digits and symbols read as letters inside words. 2, 6, 8 and 9 are left alone: they mostly stand for sounds ("gr8"). */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '|': 'i', '!': 'i',
};

const LEET_PARTS: ReadonlyMap<string, Part> = new Map(Object.entries(LEET).map(([from, to]) => [from, asciiPart(to)]));

function textOf(u: Units, from: number, to: number): string {
  let s = '';
  for (let j = from; j < to; j++) s += partAt(u, j).text;
  return s;
}

/**
 * What follows a number written without a space ("13yo", "5pm", "1st", "10am", "5years", "4ever", "4u"): the digits
 * before these stay digits.
 */
const NUMBER_SUFFIXES = new Set([
  'yo', 'yrs', 'yr', 'year', 'years', 'month', 'months', 'mo', 'mos', 'wk', 'wks', 'week', 'weeks', 'day', 'days', 'h',
  'hr', 'hrs', 'hour', 'hours', 'min', 'mins', 'minute', 'minutes', 'sec', 'secs', 'second', 'seconds', 'am', 'pm',
  'ish', 'k', 'm', 'b', 'x', 's', 'd', 'g', 'p', 'kb', 'mb', 'gb', 'tb', 'km', 'kg', 'lb', 'lbs',
  'cm', 'mm', 'ft', 'mph', 'fps', 'ever', 'u', 'ur', 'you', 'your', 'me', 'us', 'get', 'got', 'give', 'real', 'sure',
  'now', 'all', 'free', 'life', 'good', 'times', 'ways', 'grade', 'grader', 'graders', 'star', 'stars', 'bucks',
  'dollars', 'euros', 'pounds', 'people', 'kids', 'guys', 'girls', 'boys', 'more',
]);
const AGE_AND_TIME_PREFIXES = ['year', 'yr', 'yo', 'month', 'week', 'day', 'hour', 'hr', 'min', 'sec'];

/** `digits` + `word` is a number with a unit or an ordinal ("13yo", "5pm", "1st", "13th"; not "53nd", that is "send"). */
function isNumberSuffix(digits: string, word: string): boolean {
  if (word === 'st' || word === 'nd' || word === 'rd' || word === 'th') {
    const last = digits.charAt(digits.length - 1);
    const teen = digits.length > 1 && digits.charAt(digits.length - 2) === '1';
    const expected = teen || last > '3' || last === '0' ? 'th' : last === '1' ? 'st' : last === '2' ? 'nd' : 'rd';
    return word === expected;
  }
  return NUMBER_SUFFIXES.has(word) || AGE_AND_TIME_PREFIXES.some((p) => word.startsWith(p));
}

/** Digits a single trailing leet letter is read from without other evidence: e, s, o ("littl3", "friend5"). */
const TRAILING_ALONE = new Set(['3', '5', '0']);

function isLeetToken(u: Units, k: number): boolean {
  const cls = clsAt(u, k);
  return (cls === CLS_LETTER || cls === CLS_DIGIT || cls === CLS_LEET) && !(flagsAt(u, k) & FLAG_SKIP);
}

function isEdgePunctuation(t: string): boolean {
  return t === '!' || t === '|' || t === '@';
}

/** A run of non-letters [from, to) that may be read as letters. */
function mappable(u: Units, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (LEET_PARTS.get(partAt(u, j).text) === undefined) return false;
  return true;
}

/** Reads the digits and symbols in [from, to) as letters; letters in the range stay. */
function hasDigitBeyondOneAndZero(u: Units, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const t = partAt(u, j).text;
    if (t !== '0' && t !== '1') return true;
  }
  return false;
}

function convert(u: Units, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    if (clsAt(u, j) === CLS_LETTER) continue;
    const letter = LEET_PARTS.get(partAt(u, j).text);
    if (letter !== undefined) u.part[j] = letter;
  }
}

/**
 * Reads digits and `@ $ | !` as letters (LEET above), only inside words that also hold letters; numbers stay numbers
 * ("13", "$100", "555-0134"). A run of up to three of them between letters is leet ("s3cr3t", "pr!vate", "c00l"), and
 * then so are short runs at the word's ends ("h3ll0"). With nothing inside, the ends decide: leading digits are leet
 * unless what follows is a unit or an ordinal ("53nd", "4dd", "5ecret"; but "13yo", "5pm", "1st", "4ever", "5years"),
 * trailing ones when two or three of them hold a digit other than 0 and 1 ("ph070", "m337"; not "win10"), or a single
 * 3, 5 or 0 after four letters ("littl3", "friend5"; but "mp3", "alex7"), or one at each end ("5ecre7"). A short word
 * with one at an end ("1t", "u5", "b4") is leet only beside a word that was. `!`, `|` and `@` at either end of a word
 * are punctuation or a handle, never letters.
 */
export function undoLeet(u: Units): boolean {
  let changed = false;
  let k = 0;
  const runs: number[] = []; // boundaries of alternating letter / non-letter runs
  // A short word with one digit at an end ("1t", "u5") is leet only next to a word that clearly is.
  let prevEvident = false;
  let pendingFrom = -1;
  let pendingTo = -1;
  while (k < u.length) {
    if (!isLeetToken(u, k)) {
      k++;
      continue;
    }
    let from = k;
    while (k < u.length && isLeetToken(u, k)) k++;
    let to = k;
    while (from < to && isEdgePunctuation(partAt(u, from).text)) from++;
    while (to > from && isEdgePunctuation(partAt(u, to - 1).text)) to--;
    runs.length = 0;
    let letters = 0;
    for (let j = from; j < to; j++) {
      const letter = clsAt(u, j) === CLS_LETTER;
      if (letter) letters++;
      if (j === from || letter !== (clsAt(u, j - 1) === CLS_LETTER)) runs.push(j);
    }
    if (letters === 0 || letters === to - from) {
      prevEvident = false;
      pendingFrom = -1;
      continue;
    }
    runs.push(to);
    const firstIsLetter = clsAt(u, from) === CLS_LETTER;
    const count = runs.length - 1;
    let evidence = false;
    // Non-letter runs strictly inside the word.
    for (let r = firstIsLetter ? 1 : 2; r < count - 1; r += 2) {
      const a = runs[r] as number;
      const b = runs[r + 1] as number;
      if (b - a <= 3 && mappable(u, a, b)) {
        convert(u, a, b);
        evidence = true;
      }
    }
    const lead = firstIsLetter ? 0 : (runs[1] as number) - from;
    const lastIsLetter = clsAt(u, to - 1) === CLS_LETTER;
    const trail = lastIsLetter ? 0 : to - (runs[count - 1] as number);
    let ambiguous = false;
    if (evidence) {
      if (lead > 0 && lead <= 3 && mappable(u, from, from + lead)) convert(u, from, from + lead);
      if (trail > 0 && trail <= 3 && mappable(u, to - trail, to)) convert(u, to - trail, to);
    } else if (count <= 3) {
      // Only edge runs: a number with a unit ("13yo", "mp3") or leet ("4dd", "ph070", "5ecre7")?
      const letterRun = textOf(u, from + lead, to - trail);
      const leadLeet = lead > 0 && lead <= 3 && letters >= 2 && mappable(u, from, from + lead) &&
        !isNumberSuffix(textOf(u, from, from + lead), letterRun);
      const trailMappable = trail > 0 && trail <= 3 && mappable(u, to - trail, to);
      const trailLeet = trailMappable && (trail === 1
        ? letters >= 4 && TRAILING_ALONE.has(partAt(u, to - 1).text)
        : hasDigitBeyondOneAndZero(u, to - trail, to));
      const bothSingle = lead === 1 && trail === 1 && letters >= 2 && mappable(u, from, from + 1) && trailMappable;
      if (leadLeet || trailLeet || bothSingle) {
        if (lead > 0 && lead <= 3 && mappable(u, from, from + lead)) convert(u, from, from + lead);
        if (trailMappable) convert(u, to - trail, to);
        evidence = true;
      } else if (count === 2 && letters <= 4 && (lead === 1 || trail === 1) && (lead === 1 ? mappable(u, from, from + 1) : trailMappable)) {
        ambiguous = true;
      }
    }
    if (evidence) {
      changed = true;
      if (pendingFrom >= 0) convert(u, pendingFrom, pendingTo);
      pendingFrom = -1;
    } else if (ambiguous && prevEvident) {
      convert(u, from, to);
      changed = true;
    }
    if (ambiguous && !prevEvident) {
      pendingFrom = from;
      pendingTo = to;
    } else if (!evidence) {
      pendingFrom = -1;
    }
    prevEvident = evidence;
  }
  return changed;
}
