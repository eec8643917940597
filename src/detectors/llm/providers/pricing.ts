import type { LlmUsage } from '../types.js';

/** USD per million tokens, as the operator configured them (self-hosted models are usually 0/0). */
export interface LlmPrices {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const FREE: LlmPrices = { inputPerMTok: 0, outputPerMTok: 0 };

export function costUsd(usage: LlmUsage, prices: LlmPrices): number {
  return (usage.inputTokens * prices.inputPerMTok + usage.outputTokens * prices.outputPerMTok) / 1_000_000;
}
