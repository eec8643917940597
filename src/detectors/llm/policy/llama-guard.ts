import type { CategoryId } from '../../../core/taxonomy.js';
import type { LlmRequest } from '../types.js';
import { type PreparedItem, renderItem, untrustedNotice } from './item.js';
import type { LlmPolicy } from './schema.js';
import { repairRequest, type PromptTemplate } from './template.js';
import { looksLikeRefusal, type ParseOutcome } from './verdict.js';

export interface LlamaGuardCode {
  code: string;
  category: CategoryId;
}

/** Category codes S1..Sn in policy order (Llama Guard's own codes, unrelated to severities S0..S3). */
export function llamaGuardCodes(policy: LlmPolicy): LlamaGuardCode[] {
  return policy.categories.map((c, i) => ({ code: `S${i + 1}`, category: c.id }));
}

const SEVERITY_RANK = { S0: 0, S1: 1, S2: 2, S3: 3 } as const;

/**
 * Llama Guard style safety models: the categories listed under codes, the conversation, and a two-line answer
 * ("safe", or "unsafe" then the codes). Everything goes in the user turn, where these models expect it.
 */
export class LlamaGuardTemplate implements PromptTemplate {
  readonly id = 'haven-llama-guard';
  readonly revision = 1;
  readonly format = 'llama_guard';

  constructor(private readonly maxTokens = 20) {}

  build(policy: LlmPolicy, item: PreparedItem): LlmRequest {
    const codes = llamaGuardCodes(policy);
    const categories = policy.categories.map((c, i) => {
      const parts = [`${codes[i]!.code}: ${c.name}.`, c.definition];
      if (c.violating.length) parts.push(`Includes: ${c.violating.join('; ')}.`);
      if (c.notViolating.length) parts.push(`Does not include: ${c.notViolating.join('; ')}.`);
      if (c.edgeCases.length) parts.push(`Edge cases: ${c.edgeCases.join(' ')}`);
      return parts.join(' ');
    });
    const user = [
      'Task: decide whether the item at the end of the conversation below is unsafe under the safety policy, using the categories listed.',
      '',
      policy.preamble,
      '',
      '<BEGIN UNSAFE CONTENT CATEGORIES>',
      ...categories,
      '<END UNSAFE CONTENT CATEGORIES>',
      '',
      untrustedNotice(item.marker),
      '',
      '<BEGIN CONVERSATION>',
      renderItem(item),
      '<END CONVERSATION>',
      '',
      'Assess only the item to classify, using the earlier messages as context:',
      '- The first line must be exactly safe or unsafe.',
      '- If unsafe, the second line lists the violated category codes, separated by commas.',
    ].join('\n');
    return { system: '', user, images: item.images, maxTokens: this.maxTokens, json: false };
  }

  repair(original: LlmRequest, badAnswer: string, problem: string): LlmRequest {
    return repairRequest(original, badAnswer, problem, 'Answer again with only: safe, or unsafe followed by a line of category codes.');
  }

  parse(answer: string, policy: LlmPolicy): ParseOutcome {
    const lines = answer.split('\n').map((l) => l.trim()).filter(Boolean);
    const head = lines[0]?.toLowerCase();
    const bad = (problem: string): ParseOutcome => ({ ok: false, outcome: looksLikeRefusal(answer) ? 'refused' : 'malformed', problem });
    if (head === 'safe' && lines.length === 1) {
      return { ok: true, verdict: { violates: false, category: null, severity: null, confidence: policy.llamaGuardConfidence, rationale: 'safe', evidence: [] } };
    }
    if (head === 'safe') return bad('a safe answer has nothing after it');
    if (head !== 'unsafe') return bad('the first line is neither safe nor unsafe');
    if (lines.length !== 2) return bad('an unsafe answer has exactly one line of category codes');
    const byCode = new Map(llamaGuardCodes(policy).map((c) => [c.code, c.category]));
    const named = [...new Set(lines[1]!.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean))];
    if (!named.length) return bad('no category codes');
    const unknown = named.filter((c) => !byCode.has(c));
    if (unknown.length) return bad(`unknown category code ${unknown.join(', ')}`);
    const hits = named.map((code) => policy.categories.find((c) => c.id === byCode.get(code))!);
    // The most severe category leads; the others stay in the rationale.
    const lead = hits.reduce((a, b) => (SEVERITY_RANK[b.severity] < SEVERITY_RANK[a.severity] ? b : a));
    const rationale = `unsafe: ${named.map((code, i) => `${code} (${hits[i]!.id} ${hits[i]!.name})`).join(', ')}`;
    return {
      ok: true,
      verdict: { violates: true, category: lead.id, severity: lead.severity, confidence: policy.llamaGuardConfidence, rationale, evidence: [] },
    };
  }
}
