import { z } from 'zod';
import type { LlmProvider, LlmRequest, LlmResponse } from '../types.js';
import { joinUrl, postJson, ProviderHttpError } from './http.js';
import { costUsd, FREE, type LlmPrices } from './pricing.js';

export interface AnthropicOptions {
  /** https://api.anthropic.com (a trailing /v1 is accepted too). */
  baseUrl: string;
  model: string;
  /** Sent as x-api-key; null only for a gateway that adds its own. */
  apiKey: string | null;
  prices?: LlmPrices;
  /** The anthropic-version header. */
  apiVersion?: string;
}

const answerSchema = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  usage: z
    .object({
      input_tokens: z.number().nonnegative(),
      output_tokens: z.number().nonnegative(),
      cache_creation_input_tokens: z.number().nonnegative().nullish(),
      cache_read_input_tokens: z.number().nonnegative().nullish(),
    })
    .optional(),
});

/** Anthropic's Messages API. It has no JSON mode: `request.json` is left to the prompt. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly model: string;
  readonly #apiKey: string | null;
  readonly #url: string;
  readonly #prices: LlmPrices;
  readonly #apiVersion: string;

  constructor(opts: AnthropicOptions) {
    this.model = opts.model;
    this.#apiKey = opts.apiKey;
    this.#url = joinUrl(opts.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''), 'v1/messages');
    this.#prices = opts.prices ?? FREE;
    this.#apiVersion = opts.apiVersion ?? '2023-06-01';
  }

  /** The request body this provider sends for `request` (exposed for tests and traces; carries no key). */
  body(request: LlmRequest): Record<string, unknown> {
    // Images before the text, as Anthropic recommends.
    const content = [
      ...request.images.map((image) => ({
        type: 'image',
        source: { type: 'base64', media_type: image.mime, data: image.data.toString('base64') },
      })),
      { type: 'text', text: request.user },
    ];
    return {
      model: this.model,
      max_tokens: request.maxTokens,
      system: request.system,
      messages: [{ role: 'user', content }],
    };
  }

  async complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const started = performance.now();
    const raw = await postJson({
      url: this.#url,
      headers: { 'anthropic-version': this.#apiVersion, ...(this.#apiKey ? { 'x-api-key': this.#apiKey } : {}) },
      body: this.body(request),
      signal,
      secret: this.#apiKey,
      label: this.name,
    });
    const latencyMs = performance.now() - started;
    const parsed = answerSchema.safeParse(raw);
    if (!parsed.success) throw new ProviderHttpError(200, `${this.name}: the answer is not a message (${parsed.error.issues[0]?.message})`);
    const answer = parsed.data;
    const u = answer.usage;
    // Cached input is billed differently; counting it as plain input keeps the budget on the safe side.
    const usage = {
      inputTokens: (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0),
      outputTokens: u?.output_tokens ?? 0,
    };
    const finishReason = answer.stop_reason ?? null;
    return {
      text: answer.content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join(''),
      usage,
      model: answer.model ?? this.model,
      latencyMs,
      finishReason,
      refused: finishReason === 'refusal',
      costUsd: costUsd(usage, this.#prices),
    };
  }
}
