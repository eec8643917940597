import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { presentClassification } from '../../api/routes/classify.js';
import { AGE_BANDS } from '../../core/types.js';
import { itemInputSchema } from '../../core/item-input.js';
import { classifyTransient } from '../../pipeline/classify.js';
import { DetectionRuntime } from '../../pipeline/runtime.js';
import { withHaven } from '../context.js';

interface ClassifyOptions {
  text?: string;
  image: string[];
  surface: string;
  authorBand?: string;
  recipientBand?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `haven classify`: the whole cascade on one item, nothing stored, nothing actioned. */
export function classifyCommand(program: Command): void {
  program
    .command('classify')
    .description('run the detection cascade (hashes, rules, model, LLM when configured) on one item without storing it; prints the decision with every signal and LLM call')
    .option('--text <text>', 'the item text')
    .option('--image <file>', 'an image file (repeat for several)', collect, [])
    .option('--surface <surface>', 'where it was posted', 'direct_message')
    .option('--author-band <band>', `author age band (${AGE_BANDS.join(', ')})`)
    .option('--recipient-band <band>', 'recipient age band')
    .option('--json', 'print JSON (as POST /v1/classify)')
    .action(async (o: ClassifyOptions) => {
      const media = await Promise.all(o.image.map(async (f) => {
        try {
          return { data: (await readFile(f)).toString('base64') };
        } catch (e) {
          throw new Error(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        }
      }));
      const parsed = itemInputSchema.safeParse({
        externalId: `cli-${Date.now()}`, surface: o.surface,
        ...(o.text ? { text: o.text } : {}), ...(media.length ? { media } : {}),
        ...(o.authorBand ? { author: { externalId: 'cli-author', ageBand: o.authorBand } } : {}),
        ...(o.recipientBand ? { recipients: [{ externalId: 'cli-recipient', ageBand: o.recipientBand }] } : {}),
      });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; '));
      await withHaven(async (haven) => {
        const runtime = new DetectionRuntime(haven.llm);
        const result = presentClassification(await classifyTransient({ ...haven, runtime }, parsed.data));
        if (o.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        const out = [`verdict: ${result.verdict}${result.category ? ` ${result.category} (${result.severity})` : ''}`];
        if (result.actions.length) out.push(`actions: ${result.actions.join(', ')}`);
        for (const r of result.reasons) out.push(`reason: ${r}`);
        for (const s of result.signals) out.push(`signal: ${s.detector} ${s.category} ${s.score.toFixed(2)}: ${s.evidence.summary}`);
        out.push(`llm: ${result.llm.asked ? 'asked' : 'not asked'} (${(result.llm.reasons as string[]).join('; ')})`);
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });
}
