import { normalize, skeleton } from '../normalize/index.js';

/** The matching key of a term as written in a rule file: normalised and reduced to its skeleton like message text. */
export function termKey(term: string): string {
  return skeleton(normalize(term)).normalized.trim();
}

const WORD = /[\p{L}\p{N}\p{M}]/u;

/** Letters, digits and combining marks make words; everything else separates them. */
export function isWordCode(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  return WORD.test(String.fromCharCode(code));
}
