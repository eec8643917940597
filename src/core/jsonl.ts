import type { z } from 'zod';

/** A problem with one line of an uploaded file, named so a person can find and fix it. */
export interface LineProblem {
  where: string;
  problem: string;
}

/** zod issues as one line: "labels.0: unknown category; text: text is empty". */
export function describeZod(e: z.ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Parses JSON Lines against a schema: every non-blank line is checked and every problem is reported with its line
 * number, so a file is fixed in one pass rather than one error at a time. Callers decide what to do with problems.
 */
export function parseJsonLines<T>(
  content: string,
  schema: z.ZodType<T>,
  /** Checks beyond the schema (e.g. labels the taxonomy knows); returns the problem, or null when the line is fine. */
  check: (value: T, line: number) => string | null = () => null,
): { rows: { line: number; value: T }[]; problems: LineProblem[] } {
  const rows: { line: number; value: T }[] = [];
  const problems: LineProblem[] = [];
  for (const [i, raw] of content.split('\n').entries()) {
    const text = raw.trim();
    if (text === '') continue;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      problems.push({ where, problem: 'not valid JSON' });
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      problems.push({ where, problem: describeZod(parsed.error) });
      continue;
    }
    const problem = check(parsed.data, i + 1);
    if (problem) problems.push({ where, problem });
    else rows.push({ line: i + 1, value: parsed.data });
  }
  return { rows, problems };
}

/** "3 problem(s) in the labelled file, nothing trained:" and the first 50 problems, one per line. */
export function problemsMessage(problems: readonly LineProblem[], what: string, consequence: string): string {
  const listed = problems.slice(0, 50).map((p) => `${p.where}: ${p.problem}`);
  if (problems.length > 50) listed.push(`... and ${problems.length - 50} more`);
  return `${problems.length} problem(s) in ${what}, ${consequence}:\n${listed.join('\n')}`;
}
