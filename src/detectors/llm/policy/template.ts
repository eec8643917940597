import type { LlmRequest } from '../types.js';
import type { PreparedItem } from './item.js';
import type { LlmPolicy } from './schema.js';
import type { ParseOutcome } from './verdict.js';

export const PROMPT_FORMATS = ['structured', 'llama_guard'] as const;
export type PromptFormat = (typeof PROMPT_FORMATS)[number];

/**
 * Turns a policy and an item into a request, and the model's answer back into a verdict. `revision` changes
 * whenever the wording changes, so cached verdicts and recorded signals name the exact prompt they came from.
 */
export interface PromptTemplate {
  readonly id: string;
  readonly revision: number;
  readonly format: PromptFormat;
  build(policy: LlmPolicy, item: PreparedItem): LlmRequest;
  /** The same request, with the unusable answer sent back and a demand for a valid one only. */
  repair(original: LlmRequest, badAnswer: string, problem: string): LlmRequest;
  parse(answer: string, policy: LlmPolicy): ParseOutcome;
}

export function promptVersion(template: Pick<PromptTemplate, 'id' | 'revision'>, policyVersion: number): string {
  return `${template.id}@${template.revision}+policy v${policyVersion}`;
}

/** The most of a bad answer sent back in a repair request. */
export const MAX_REPAIR_ECHO_CHARS = 2000;

/** The repair wording both formats share: the bad answer goes back delimited, since it may echo user content. */
export function repairRequest(original: LlmRequest, badAnswer: string, problem: string, demand: string): LlmRequest {
  const echo = badAnswer.slice(0, MAX_REPAIR_ECHO_CHARS).replace(/<<</g, '‹‹‹').replace(/>>>/g, '›››');
  return {
    ...original,
    user: [
      original.user,
      '',
      `Your previous answer could not be used (${problem}). It was:`,
      `<<<PREVIOUS ANSWER>>>\n${echo}\n<<<END PREVIOUS ANSWER>>>`,
      demand,
    ].join('\n'),
  };
}
