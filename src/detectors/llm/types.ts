/**
 * What the rest of Haven sees of a large language model: one request in, one answer out, with its usage and cost.
 * Providers (src/detectors/llm/providers) speak the vendors' protocols; the resilient wrapper adds retries, a
 * circuit breaker, rate limits and a daily budget; classifiers build requests from policies and items.
 */

export interface LlmImage {
  mime: string;
  data: Buffer;
}

export interface LlmRequest {
  system: string;
  user: string;
  images: LlmImage[];
  maxTokens: number;
  /** Ask for a JSON object answer where the protocol supports it. */
  json: boolean;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResponse {
  text: string;
  usage: LlmUsage;
  /** The model that answered, as the provider reports it. */
  model: string;
  latencyMs: number;
  /** The provider's stop reason (e.g. stop, length, refusal, end_turn). */
  finishReason: string | null;
  /** The model refused to answer (a refusal field or stop reason said so). */
  refused: boolean;
  /** USD, from the provider's configured prices. */
  costUsd: number;
  /** HTTP attempts it took (set by the resilient wrapper; 1 when the first attempt answered). */
  attempts?: number;
}

export interface LlmProvider {
  readonly name: string;
  readonly model: string;
  complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse>;
}

/** Why a call could not be made or completed; an item whose LLM call failed goes to human review with this reason. */
export const LLM_FAILURES = ['budget_exhausted', 'circuit_open', 'rate_limited', 'timeout', 'http_error', 'network_error', 'not_configured'] as const;
export type LlmFailure = (typeof LLM_FAILURES)[number];

export class LlmUnavailableError extends Error {
  constructor(readonly reason: LlmFailure, message: string, readonly attempts = 0) {
    super(message);
    this.name = 'LlmUnavailableError';
  }
}
