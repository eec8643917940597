import type { Command } from 'commander';
import { z } from 'zod';
import { normalize } from '../../detectors/text/normalize/index.js';

/** Big enough for any message; stops a pasted file from being echoed back as a multi-megabyte offsets array. */
const MAX_TEXT_CHARS = 1_000_000;
const textArgument = z.string().max(MAX_TEXT_CHARS, `text is longer than ${MAX_TEXT_CHARS} characters`);

interface NormalizeOptions {
  json?: boolean;
}

/** `haven text ...`: look at how Haven reads text, without a database. */
export function textCommand(program: Command): void {
  const text = program.command('text').description('inspect how Haven reads message text');
  text
    .command('normalize')
    .argument('<text>', 'the text to normalise (quote it)')
    .description('print the text as the term and rule matchers see it, and the evasion tactics that were undone')
    .option('--json', 'one line: {"normalized","tactics","offsets"} (offsets index the original in UTF-16 units)')
    .action((raw: string, o: NormalizeOptions) => {
      const parsed = textArgument.safeParse(raw);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
      const n = normalize(parsed.data);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ normalized: n.normalized, tactics: n.tactics, offsets: n.offsets })}\n`);
      } else {
        process.stdout.write(`${n.normalized}\ntactics: ${n.tactics.length > 0 ? n.tactics.join(', ') : 'none'}\n`);
      }
    });
}
