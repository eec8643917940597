import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { DEFAULT_TAXONOMY } from '../../../core/taxonomy-default.js';
import { type MatchNode, RULE_LIMITS, type RuleFile, ruleFileSchema, type RuleSourceFormat, type TermRef } from './format.js';
import { compileLinear } from './linear-regex.js';
import { termKey } from './words.js';
import { jsonDepth } from '../../../core/json-depth.js';

export interface RuleFileIssue {
  /** 1-based line in the source; null when the problem is not tied to one place (e.g. the file is too large). */
  line: number | null;
  /** Where in the document, e.g. rules[2].category. */
  path: string;
  message: string;
}

/** A rule file that was refused; the message lists every problem as "line N: path: reason". */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError';
  constructor(readonly issues: RuleFileIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export function formatIssue(i: RuleFileIssue): string {
  return `${i.line === null ? '' : `line ${i.line}: `}${i.path ? `${i.path}: ` : ''}${i.message}`;
}

export interface ParseOptions {
  /** Category ids rules may use (the current taxonomy's); defaults to the built-in taxonomy. */
  categories?: ReadonlySet<string>;
}

const MAX_ISSUES = 50;
/** Far above what a real file needs (any/all nest 4 deep); keeps recursive validation off a hostile input's stack. */
const MAX_NESTING = 40;
const DEFAULT_CATEGORIES = new Set(DEFAULT_TAXONOMY.categories.map((c) => c.id));

/** Parses and validates a rule file; throws RuleFileError naming the line of every problem. */
export function parseRuleFile(source: string, format: RuleSourceFormat, opts: ParseOptions = {}): RuleFile {
  if (source.length > RULE_LIMITS.sourceChars) {
    throw new RuleFileError([{ line: null, path: '', message: `the file is larger than ${RULE_LIMITS.sourceChars} characters` }]);
  }
  const lines = new LineCounter();
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (format === 'json') {
    try {
      JSON.parse(source);
    } catch (e) {
      // V8 does not always say where; the YAML parser's own error (JSON is YAML) carries the position then.
      const at = /position (\d+)/.exec((e as Error).message)?.[1] ?? doc.errors[0]?.pos[0];
      const message = (e as Error).message.split('\n')[0];
      throw new RuleFileError([{ line: at === undefined ? null : lineAt(Number(at)), path: '', message: `not valid JSON: ${message}` }]);
    }
  }
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    const issues: RuleFileIssue[] = [];
    for (const e of doc.errors) {
      const issue = { line: lineAt(e.pos[0]), path: '', message: `not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}` };
      const key = formatIssue(issue);
      if (!seen.has(key) && issues.length < MAX_ISSUES) issues.push(issue);
      seen.add(key);
    }
    throw new RuleFileError(issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new RuleFileError([{ line: null, path: '', message: (e as Error).message }]);
  }
  const located = (path: readonly PropertyKey[], message: string): RuleFileIssue => ({
    line: lineOf(doc, lines, path), path: formatPath(path), message,
  });

  if (jsonDepth(value, MAX_NESTING) > MAX_NESTING) {
    throw new RuleFileError([{ line: null, path: '', message: `the file nests deeper than ${MAX_NESTING} levels` }]);
  }
  const parsed = ruleFileSchema.safeParse(value ?? null);
  if (!parsed.success) throw new RuleFileError(zodIssues(parsed.error, located));
  const issues = crossCheck(parsed.data, opts.categories ?? DEFAULT_CATEGORIES, located);
  if (issues.length > 0) throw new RuleFileError(issues.slice(0, MAX_ISSUES));
  return parsed.data;
}

function zodIssues(error: ZodError, located: (path: readonly PropertyKey[], message: string) => RuleFileIssue): RuleFileIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((i) => {
    if (i.code === 'unrecognized_keys') {
      // Point at the unknown key itself, not at the object around it.
      const key = i.keys[0] as string;
      const at = located([...i.path, key], '');
      return { ...at, path: formatPath(i.path), message: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}` };
    }
    return located(i.path, i.message);
  });
}

/** The checks that need the whole file: references, categories, regexes, duplicates and totals. */
function crossCheck(
  file: RuleFile,
  categories: ReadonlySet<string>,
  located: (path: readonly PropertyKey[], message: string) => RuleFileIssue,
): RuleFileIssue[] {
  const issues: RuleFileIssue[] = [];
  const lists = file.lists ?? {};
  if (Object.keys(lists).length > RULE_LIMITS.lists) issues.push(located(['lists'], `more than ${RULE_LIMITS.lists} lists`));
  let totalTerms = 0;
  const checkTerms = (terms: readonly string[], path: readonly PropertyKey[]) => {
    totalTerms += terms.length;
    terms.forEach((t, i) => {
      if (termKey(t) === '') issues.push(located([...path, i], `term '${t}' has nothing left to match once normalised`));
    });
  };
  for (const [name, terms] of Object.entries(lists)) checkTerms(terms, ['lists', name]);

  let regexes = 0;
  const checkRef = (ref: TermRef, path: readonly PropertyKey[]) => {
    if (typeof ref === 'string') {
      if (!Object.hasOwn(lists, ref)) issues.push(located(path, `unknown list '${ref}'`));
    } else {
      checkTerms(ref, path);
    }
  };
  const checkMatch = (node: MatchNode, path: readonly PropertyKey[], depth: number) => {
    if (depth > RULE_LIMITS.matchDepth) {
      issues.push(located(path, `any/all are nested more than ${RULE_LIMITS.matchDepth} deep`));
      return;
    }
    if (node.terms !== undefined) checkRef(node.terms, [...path, 'terms']);
    if (node.near !== undefined) {
      checkRef(node.near.a, [...path, 'near', 'a']);
      checkRef(node.near.b, [...path, 'near', 'b']);
    }
    if (node.regex !== undefined) {
      regexes++;
      const r = compileLinear(node.regex);
      if (!r.ok) issues.push(located([...path, 'regex'], r.reason));
    }
    for (const [i, n] of (node.any ?? []).entries()) checkMatch(n, [...path, 'any', i], depth + 1);
    for (const [i, n] of (node.all ?? []).entries()) checkMatch(n, [...path, 'all', i], depth + 1);
  };

  const seen = new Map<string, number>();
  file.rules.forEach((rule, i) => {
    const first = seen.get(rule.id);
    if (first !== undefined) issues.push(located(['rules', i, 'id'], `duplicate rule id '${rule.id}' (first used by rules[${first}])`));
    else seen.set(rule.id, i);
    if (!categories.has(rule.category)) issues.push(located(['rules', i, 'category'], `unknown category '${rule.category}'`));
    checkMatch(rule.match, ['rules', i, 'match'], 0);
  });
  if (regexes > RULE_LIMITS.regexes) issues.push(located(['rules'], `${regexes} regular expressions; at most ${RULE_LIMITS.regexes} are allowed`));
  if (totalTerms > RULE_LIMITS.totalTerms) issues.push(located(['lists'], `${totalTerms} terms in all; at most ${RULE_LIMITS.totalTerms} are allowed`));
  return issues;
}

/** rules[2].match.any[0].regex */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** The line of the deepest node the path reaches (the closest enclosing one when the path names a missing field). */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | null {
  let node: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      // A field whose value is missing or null points at its key.
      found = (pair.value as Node | null)?.range ? (pair.value as Node) : (pair.key as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      found = item;
      node = item;
    } else {
      break;
    }
  }
  const offset = found?.range?.[0];
  return offset === undefined ? null : lines.linePos(offset).line;
}
