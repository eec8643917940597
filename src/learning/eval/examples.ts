import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type LineProblem, parseJsonLines, problemsMessage } from '../../core/jsonl.js';
import { MAX_TEXT_CHARS } from '../../core/item-input.js';
import { type CategoryId, categoryIdSchema } from '../../core/taxonomy.js';
import { AGE_BANDS } from '../../core/types.js';
import { textExampleId, unknownLabels } from '../../detectors/model/data.js';
import { canonicalJson } from '../../store/db.js';
import type { ExampleContent } from './types.js';

/** Where ('line 3' of a JSONL file, or 'item 01H...') and what. */
export type ExampleProblem = LineProblem;

/** Bad evaluation data: every problem found (up to a limit), with where it is. Nothing was stored. */
export class EvalDataError extends Error {
  override readonly name = 'EvalDataError';
  constructor(readonly problems: ExampleProblem[], what: string) {
    super(problemsMessage(problems, what, 'nothing added'));
  }
}

export const MAX_EXAMPLE_ID = 256;

const jsonlExampleSchema = z.strictObject({
  id: z.string().min(1).max(MAX_EXAMPLE_ID).optional(),
  text: z.string().min(1, 'text is empty').max(MAX_TEXT_CHARS),
  surface: z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/, 'surface is lower-case letters, digits, _ . -').optional(),
  authorAgeBand: z.enum(AGE_BANDS).optional(),
  recipientAgeBands: z.array(z.enum(AGE_BANDS)).max(100).optional(),
  labels: z.array(categoryIdSchema).max(50),
});

/** Labels without repeats, in the order given (the first is the primary label). */
export function distinctLabels(labels: readonly CategoryId[]): CategoryId[] {
  return [...new Set(labels)];
}

/** An example parsed from a file, with the line it came from. */
export interface ParsedExample {
  line: number;
  content: ExampleContent;
}

/**
 * Parses JSONL of {text, labels[, id, surface, authorAgeBand, recipientAgeBands]}, one example per non-blank line.
 * Every line is checked and all problems are thrown together, naming their lines; labels must be in `known`.
 * An example without an id gets one derived from its text.
 */
export function parseExamplesJsonl(content: string, known: ReadonlySet<CategoryId>): ParsedExample[] {
  const firstLineOf = new Map<string, number>();
  const { rows, problems } = parseJsonLines(content, jsonlExampleSchema, (d, line) => {
    const bad = unknownLabels(d.labels, known);
    if (bad) return bad;
    const id = d.id ?? textExampleId(d.text);
    const earlier = firstLineOf.get(id);
    if (earlier !== undefined) return `example id ${id} repeats line ${earlier}`;
    firstLineOf.set(id, line);
    return null;
  });
  const out: ParsedExample[] = [];
  for (const { line, value: d } of rows) {
    const id = d.id ?? textExampleId(d.text);
    out.push({
      line,
      content: {
        id, text: d.text, media: [], surface: d.surface ?? null, authorAgeBand: d.authorAgeBand ?? null,
        recipientAgeBands: d.recipientAgeBands ?? [], labels: distinctLabels(d.labels),
      },
    });
  }
  if (problems.length > 0) throw new EvalDataError(problems, 'the examples file');
  if (out.length === 0) throw new EvalDataError([{ where: 'file', problem: 'no examples (every line is blank)' }], 'the examples file');
  return out;
}

export function contentOf(e: ExampleContent): ExampleContent {
  return {
    id: e.id, text: e.text, media: e.media, surface: e.surface, authorAgeBand: e.authorAgeBand,
    recipientAgeBands: e.recipientAgeBands, labels: e.labels,
  };
}

export function sameContent(a: ExampleContent, b: ExampleContent): boolean {
  return canonicalJson(contentOf(a)) === canonicalJson(contentOf(b));
}

/** sha256 over the examples' content in id order: the version of a set, independent of who added what when. */
export function contentHash(examples: readonly ExampleContent[]): string {
  const h = createHash('sha256');
  const sorted = [...examples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const e of sorted) h.update(`${canonicalJson(contentOf(e))}\n`);
  return h.digest('hex');
}

/** The first `max` characters of an example's text on one line, for tables. */
export function excerpt(text: string | null, max = 60): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

