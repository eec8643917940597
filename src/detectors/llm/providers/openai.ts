import { z } from 'zod';
import type { LlmProvider, LlmRequest, LlmResponse } from '../types.js';
import { joinUrl, postJson, ProviderHttpError } from './http.js';
import { costUsd, FREE, type LlmPrices } from './pricing.js';

export interface OpenAiCompatibleOptions {
  /** Up to and including the version segment, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; null for self-hosted servers that need none. */
  apiKey: string | null;
  prices?: LlmPrices;
  /** The server accepts response_format {type: json_object} (OpenAI, vLLM, Ollama and llama.cpp do). */
  jsonMode?: boolean;
  /**
   * OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens); most self-hosted servers
   * read max_tokens. Default: max_completion_tokens for api.openai.com, max_tokens elsewhere.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

const answerSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nonnegative().optional(), completion_tokens: z.number().nonnegative().optional() }).nullish(),
});

/** Chat Completions: OpenAI and the servers that copy its protocol (vLLM, Ollama, llama.cpp, gateways). */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name = 'openai';
  readonly model: string;
  readonly #apiKey: string | null;
  readonly #url: string;
  readonly #prices: LlmPrices;
  readonly #jsonMode: boolean;
  readonly #maxTokensField: 'max_tokens' | 'max_completion_tokens';

  constructor(opts: OpenAiCompatibleOptions) {
    this.model = opts.model;
    this.#apiKey = opts.apiKey;
    this.#url = joinUrl(opts.baseUrl, 'chat/completions');
    this.#prices = opts.prices ?? FREE;
    this.#jsonMode = opts.jsonMode ?? false;
    this.#maxTokensField = opts.maxTokensField ?? (new URL(opts.baseUrl).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens');
  }

  /** The request body this provider sends for `request` (exposed for tests and traces; carries no key). */
  body(request: LlmRequest): Record<string, unknown> {
    const user =
      request.images.length === 0
        ? request.user
        : [
            { type: 'text', text: request.user },
            ...request.images.map((image) => ({
              type: 'image_url',
              image_url: { url: `data:${image.mime};base64,${image.data.toString('base64')}` },
            })),
          ];
    return {
      model: this.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: user },
      ],
      [this.#maxTokensField]: request.maxTokens,
      ...(request.json && this.#jsonMode ? { response_format: { type: 'json_object' } } : {}),
    };
  }

  async complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const started = performance.now();
    const raw = await postJson({
      url: this.#url,
      headers: this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {},
      body: this.body(request),
      signal,
      secret: this.#apiKey,
      label: this.name,
    });
    const latencyMs = performance.now() - started;
    const parsed = answerSchema.safeParse(raw);
    if (!parsed.success) throw new ProviderHttpError(200, `${this.name}: the answer is not a chat completion (${parsed.error.issues[0]?.message})`);
    const choice = parsed.data.choices[0]!;
    const refusal = choice.message?.refusal ?? null;
    const finishReason = choice.finish_reason ?? null;
    const usage = { inputTokens: parsed.data.usage?.prompt_tokens ?? 0, outputTokens: parsed.data.usage?.completion_tokens ?? 0 };
    return {
      text: choice.message?.content ?? refusal ?? '',
      usage,
      model: parsed.data.model ?? this.model,
      latencyMs,
      finishReason,
      refused: refusal !== null || finishReason === 'content_filter',
      costUsd: costUsd(usage, this.#prices),
    };
  }
}
