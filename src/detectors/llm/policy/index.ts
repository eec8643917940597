export { DEFAULT_LLM_POLICY } from './default.js';
export {
  DEFAULT_PROMPT_LIMITS, isEmpty, type LlmItem, type LlmItemContext, type PreparedItem, prepareItem, type PriorMessage, type PromptLimits,
} from './item.js';
export { type LlamaGuardCode, llamaGuardCodes, LlamaGuardTemplate } from './llama-guard.js';
export {
  categoriesMissingFromTaxonomy, type LlmPolicy, type LlmPolicyCategory, type LlmPolicyInput, llmPolicySchema, parseLlmPolicy,
  VERDICT_SEVERITIES, type VerdictSeverity,
} from './schema.js';
export { StructuredTemplate } from './structured.js';
export { PROMPT_FORMATS, type PromptFormat, type PromptTemplate, promptVersion } from './template.js';
export { type LlmVerdict, type ParseOutcome, parseStructuredAnswer, structuredVerdictSchema } from './verdict.js';

import { LlamaGuardTemplate } from './llama-guard.js';
import { StructuredTemplate } from './structured.js';
import type { PromptFormat, PromptTemplate } from './template.js';

/** The current template of a format. */
export function templateFor(format: PromptFormat): PromptTemplate {
  return format === 'structured' ? new StructuredTemplate() : new LlamaGuardTemplate();
}
