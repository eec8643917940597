import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../../../core/item-input.js';
import { AGE_BANDS } from '../../../core/types.js';
import { generateWorld } from '../../../demo/world.js';
import { accountAgeDays, type RuleContext } from './context.js';
import type { EvidenceSpan, RuleHit, RuleSet } from './rule-set.js';

/** One text to try rules on, with the context its `when:` conditions read. */
export const ruleSampleSchema = z.strictObject({
  id: z.string().min(1).max(256).optional(),
  text: z.string().min(1).max(MAX_TEXT_CHARS),
  surface: z.string().min(1).max(64).optional(),
  authorAgeBand: z.enum(AGE_BANDS).optional(),
  recipientAgeBands: z.array(z.enum(AGE_BANDS)).max(100).optional(),
  authorAccountAgeDays: z.number().int().nonnegative().optional(),
  conversationMessageCount: z.number().int().positive().optional(),
});
export type RuleSample = z.infer<typeof ruleSampleSchema>;

export const DEFAULT_DEMO_ACCOUNTS = 30;

/** Samples from a JSONL file (one sample per line; blank lines skipped); throws naming every bad line. */
export function parseSamplesJsonl(text: string): RuleSample[] {
  const samples: RuleSample[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      problems.push(`line ${i + 1}: not valid JSON: ${(e as Error).message}`);
      return;
    }
    const r = ruleSampleSchema.safeParse(value);
    if (r.success) samples.push(r.data);
    else problems.push(`line ${i + 1}: ${r.error.issues.map((x) => `${x.path.length ? `${x.path.join('.')}: ` : ''}${x.message}`).join('; ')}`);
  });
  if (problems.length > 0) {
    const listed = problems.slice(0, 50);
    if (problems.length > 50) listed.push(`... and ${problems.length - 50} more`);
    throw new Error(`${problems.length} bad sample line(s):\n${listed.join('\n')}`);
  }
  return samples;
}

/** The text items of a small demo world, each with the context the pipeline would give it. */
export async function demoSamples(accounts = DEFAULT_DEMO_ACCOUNTS, seed = 1): Promise<RuleSample[]> {
  const world = await generateWorld({ accounts, seed });
  const counts = new Map<string, number>();
  const out: RuleSample[] = [];
  for (const item of world.items) {
    // Items come in chronological order, so the running count is the message's place in its conversation.
    const count = item.conversationId ? (counts.get(item.conversationId) ?? 0) + 1 : undefined;
    if (item.conversationId) counts.set(item.conversationId, count as number);
    if (!item.text) continue;
    const authorCreated = item.author?.createdAt;
    const at = item.createdAt;
    out.push({
      id: item.externalId,
      text: item.text,
      surface: item.surface,
      authorAgeBand: item.author?.ageBand ?? 'unknown',
      recipientAgeBands: (item.recipients ?? []).map((r) => r.ageBand ?? 'unknown'),
      ...(typeof authorCreated === 'number' && typeof at === 'number' ? { authorAccountAgeDays: accountAgeDays(authorCreated, at) } : {}),
      ...(count !== undefined ? { conversationMessageCount: count } : {}),
    });
  }
  return out;
}

export function sampleContext(s: RuleSample): RuleContext {
  return {
    surface: s.surface,
    authorAgeBand: s.authorAgeBand ?? 'unknown',
    recipientAgeBands: s.recipientAgeBands ?? [],
    authorAccountAgeDays: s.authorAccountAgeDays,
    conversationMessageCount: s.conversationMessageCount,
  };
}

export interface SampleResult {
  /** 1-based position in the samples. */
  sample: number;
  id?: string | undefined;
  text: string;
  /** The text with every evidence span wrapped in [[ ]]. */
  highlighted: string;
  hits: RuleHit[];
}

export interface RuleTestReport {
  rulesVersion: number;
  samples: number;
  matchedSamples: number;
  /** Only the samples some rule fired on. */
  results: SampleResult[];
  /** Every rule of the set, with how many samples it fired on (0 included, so silent rules show up). */
  byRule: { ruleId: string; category: string; samples: number }[];
}

export function testRules(rules: RuleSet, samples: readonly RuleSample[]): RuleTestReport {
  const byRule = new Map<string, { ruleId: string; category: string; samples: number }>();
  for (const r of rules.describeRules()) byRule.set(r.id, { ruleId: r.id, category: r.category, samples: 0 });
  const results: SampleResult[] = [];
  samples.forEach((s, i) => {
    const hits = rules.evaluate(s.text, sampleContext(s));
    if (hits.length === 0) return;
    for (const h of hits) (byRule.get(h.ruleId) as { samples: number }).samples++;
    results.push({ sample: i + 1, id: s.id, text: s.text, highlighted: highlight(s.text, hits.flatMap((h) => h.spans)), hits });
  });
  return { rulesVersion: rules.version, samples: samples.length, matchedSamples: results.length, results, byRule: [...byRule.values()] };
}

/** Wraps each span of the original text in [[ ]], merging spans that overlap. */
export function highlight(text: string, spans: readonly EvidenceSpan[]): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  let i = 0;
  while (i < sorted.length) {
    const start = Math.max(at, (sorted[i] as EvidenceSpan).start);
    let end = (sorted[i] as EvidenceSpan).end;
    while (i + 1 < sorted.length && (sorted[i + 1] as EvidenceSpan).start <= end) end = Math.max(end, (sorted[++i] as EvidenceSpan).end);
    i++;
    if (end <= start) continue;
    out += `${text.slice(at, start)}[[${text.slice(start, end)}]]`;
    at = end;
  }
  return out + text.slice(at);
}

/** The report as text for a terminal: one block per matched sample, then the counts by rule. */
export function formatRuleTestReport(report: RuleTestReport): string {
  const out: string[] = [];
  for (const r of report.results) {
    out.push(`#${r.sample}${r.id ? ` ${r.id}` : ''}: ${oneLine(r.highlighted)}`);
    for (const h of r.hits) {
      out.push(`  ${h.ruleId} (${h.category}, weight ${h.weight}${h.indicator ? `, ${h.indicator}` : ''}): ${h.spans.map((s) => `"${oneLine(s.text)}"@${s.start}-${s.end}`).join(', ')}`);
    }
    const tactics = r.hits[0]?.tactics ?? [];
    if (tactics.length > 0) out.push(`  tactics undone: ${tactics.join(', ')}`);
  }
  if (report.results.length > 0) out.push('');
  out.push(`${report.matchedSamples} of ${report.samples} samples matched${report.rulesVersion > 0 ? ` (rules v${report.rulesVersion})` : ''}`);
  const w = Math.max(4, ...report.byRule.map((r) => r.ruleId.length));
  for (const r of report.byRule) out.push(`  ${r.ruleId.padEnd(w)}  ${r.category}  ${String(r.samples).padStart(6)}`);
  return `${out.join('\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ⏎ ');
}
