import type { LlmRequest } from '../types.js';
import { type PreparedItem, renderItem, untrustedNotice } from './item.js';
import type { LlmPolicy, LlmPolicyCategory } from './schema.js';
import { repairRequest, type PromptTemplate } from './template.js';
import { parseStructuredAnswer } from './verdict.js';

function list(title: string, entries: readonly string[]): string[] {
  return entries.length ? [`${title}:`, ...entries.map((e) => `- ${e}`)] : [];
}

export function describeCategory(c: LlmPolicyCategory): string {
  return [
    `## ${c.id}: ${c.name} (usual severity ${c.severity})`,
    `Definition: ${c.definition}`,
    ...list('Violating examples', c.violating),
    ...list('Not violating examples', c.notViolating),
    ...list('Edge cases', c.edgeCases),
  ].join('\n');
}

/**
 * "Bring your own policy" for reasoning models: the policy is the system message, the item the user message,
 * and the answer one strict JSON verdict.
 */
export class StructuredTemplate implements PromptTemplate {
  readonly id = 'haven-structured';
  readonly revision = 1;
  readonly format = 'structured';

  constructor(private readonly maxTokens = 600) {}

  build(policy: LlmPolicy, item: PreparedItem): LlmRequest {
    const ids = policy.categories.map((c) => `"${c.id}"`).join(', ');
    const system = [
      policy.preamble,
      '',
      '# Categories',
      policy.categories.map(describeCategory).join('\n\n'),
      '',
      '# User content',
      untrustedNotice(item.marker),
      '',
      '# Answer',
      policy.outputInstructions,
      'Answer with exactly one JSON object with these fields and no others:',
      `{"violates": true or false, "category": one of ${ids}, or null, "severity": "S0", "S1", "S2", "S3" or null, "confidence": a number from 0 to 1, "rationale": a string, "evidence": an array of strings}`,
      'Write nothing before or after the object.',
    ].join('\n');
    const user = ['Classify this item against the policy.', '', renderItem(item), '', 'Answer with the JSON object only.'].join('\n');
    return { system, user, images: item.images, maxTokens: this.maxTokens, json: true };
  }

  repair(original: LlmRequest, badAnswer: string, problem: string): LlmRequest {
    return repairRequest(original, badAnswer, problem, 'Answer again with only the JSON object the instructions describe: no other text, no code fence.');
  }

  parse(answer: string, policy: LlmPolicy) {
    return parseStructuredAnswer(answer, policy);
  }
}
