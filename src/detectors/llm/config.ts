import { inspect } from 'node:util';
import { z } from 'zod';
import { AnthropicProvider } from './providers/anthropic.js';
import { OpenAiCompatibleProvider } from './providers/openai.js';
import type { LlmPrices } from './providers/pricing.js';
import type { SpendLedger } from './resilience/budget.js';
import type { Clock } from './resilience/clock.js';
import { type LlmAttempt, ResilientProvider } from './resilience/resilient-provider.js';
import type { LlmRequest } from './types.js';

export const LLM_PROVIDERS = ['openai', 'anthropic'] as const;
export type LlmProviderKind = (typeof LLM_PROVIDERS)[number];

const DEFAULTS: Record<LlmProviderKind, { baseUrl: string; keyEnv: string }> = {
  openai: { baseUrl: 'https://api.openai.com/v1', keyEnv: 'OPENAI_API_KEY' },
  anthropic: { baseUrl: 'https://api.anthropic.com', keyEnv: 'ANTHROPIC_API_KEY' },
};

/** A secret that does not print: JSON, string conversion and util.inspect all show "[redacted]". */
export class SecretString {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export interface LlmConfig {
  provider: LlmProviderKind;
  baseUrl: string;
  model: string;
  /** The environment variable the key was read from (its name, never its value). */
  apiKeyEnv: string;
  apiKey: SecretString | null;
  timeoutMs: number;
  maxConcurrency: number;
  requestsPerMinute: number;
  maxAttempts: number;
  prices: LlmPrices;
  dailyBudgetUsd: number;
  /** Ask an OpenAI-compatible server for response_format json_object (ignored for Anthropic, which has none). */
  jsonMode: boolean;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const usd = z.coerce.number({ message: 'must be a number' }).min(0, 'must not be negative').max(1_000_000, 'is implausibly large');
const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const envSchema = z.object({
  HAVEN_LLM_PROVIDER: z.enum(LLM_PROVIDERS, { message: `must be one of ${LLM_PROVIDERS.join(', ')}` }),
  HAVEN_LLM_BASE_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
    .refine((u) => !new URL(u).search && !new URL(u).hash, 'must not carry a query or fragment')
    .refine((u) => !new URL(u).username && !new URL(u).password, 'must not contain credentials (the key goes in the variable HAVEN_LLM_API_KEY_ENV names)')
    .optional(),
  HAVEN_LLM_MODEL: z.string({ message: 'is required when HAVEN_LLM_PROVIDER is set' }).trim().min(1, 'is required when HAVEN_LLM_PROVIDER is set'),
  HAVEN_LLM_API_KEY_ENV: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable').optional(),
  HAVEN_LLM_TIMEOUT_MS: int(100, 600_000).default(30_000),
  HAVEN_LLM_MAX_CONCURRENCY: int(1, 256).default(4),
  HAVEN_LLM_RPM: int(1, 1_000_000).default(60),
  HAVEN_LLM_MAX_ATTEMPTS: int(1, 10).default(3),
  HAVEN_LLM_PRICE_INPUT_PER_MTOK: usd.default(0),
  HAVEN_LLM_PRICE_OUTPUT_PER_MTOK: usd.default(0),
  HAVEN_LLM_DAILY_BUDGET_USD: usd.refine((v) => v > 0, 'must be more than 0').default(50),
  HAVEN_LLM_JSON_MODE: bool.optional(),
});

const LLM_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

/**
 * The LLM settings from the environment: null when HAVEN_LLM_PROVIDER is unset (Haven then runs without an LLM),
 * or a validated configuration. Throws an error naming each bad variable; error text never includes the key.
 */
export function loadLlmConfig(env: NodeJS.ProcessEnv = process.env): LlmConfig | null {
  const provider = env.HAVEN_LLM_PROVIDER?.trim().toLowerCase();
  if (!provider || provider === 'none') return null;
  const input = Object.fromEntries(LLM_VARIABLES.map((name) => [name, blankIsUnset(name === 'HAVEN_LLM_PROVIDER' ? provider : env[name])]));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new Error(`invalid LLM configuration: ${problems}`);
  }
  const e = parsed.data;
  const defaults = DEFAULTS[e.HAVEN_LLM_PROVIDER];
  const baseUrl = (e.HAVEN_LLM_BASE_URL ?? defaults.baseUrl).replace(/\/+$/, '');
  const apiKeyEnv = e.HAVEN_LLM_API_KEY_ENV ?? defaults.keyEnv;
  const key = env[apiKeyEnv]?.trim();
  // A self-hosted server often needs no key; the vendor's own API, or a key variable named on purpose, does.
  if (!key && (baseUrl === defaults.baseUrl || e.HAVEN_LLM_API_KEY_ENV)) {
    throw new Error(`invalid LLM configuration: ${apiKeyEnv} (the API key variable${e.HAVEN_LLM_API_KEY_ENV ? ' named by HAVEN_LLM_API_KEY_ENV' : ''}) is not set`);
  }
  return {
    provider: e.HAVEN_LLM_PROVIDER,
    baseUrl,
    model: e.HAVEN_LLM_MODEL,
    apiKeyEnv,
    apiKey: key ? new SecretString(key) : null,
    timeoutMs: e.HAVEN_LLM_TIMEOUT_MS,
    maxConcurrency: e.HAVEN_LLM_MAX_CONCURRENCY,
    requestsPerMinute: e.HAVEN_LLM_RPM,
    maxAttempts: e.HAVEN_LLM_MAX_ATTEMPTS,
    prices: { inputPerMTok: e.HAVEN_LLM_PRICE_INPUT_PER_MTOK, outputPerMTok: e.HAVEN_LLM_PRICE_OUTPUT_PER_MTOK },
    dailyBudgetUsd: e.HAVEN_LLM_DAILY_BUDGET_USD,
    jsonMode: e.HAVEN_LLM_JSON_MODE ?? e.HAVEN_LLM_PROVIDER === 'openai',
  };
}

/** One safe line for /readyz and the UI: provider, model, host, limits; never the key or the URL's path or credentials. */
export function describeLlm(config: LlmConfig | null): string {
  if (!config) return 'LLM: not configured';
  const host = new URL(config.baseUrl).host;
  const key = config.apiKey ? `key from ${config.apiKeyEnv}` : 'no key';
  const price =
    config.prices.inputPerMTok || config.prices.outputPerMTok
      ? `$${config.prices.inputPerMTok}/$${config.prices.outputPerMTok} per Mtok in/out`
      : 'unpriced';
  return `LLM: ${config.provider} ${config.model} at ${host} (${key}; timeout ${config.timeoutMs} ms; ${config.maxConcurrency} concurrent; ${config.requestsPerMinute}/min; ${price}; budget $${config.dailyBudgetUsd}/day)`;
}

export interface ProviderDependencies {
  /** Where spend is kept; default in memory (per process). */
  ledger?: SpendLedger;
  clock?: Clock;
  random?: () => number;
  onAttempt?: (attempt: LlmAttempt, request: LlmRequest) => void;
}

/** The configured provider, wrapped in the retries, limits, circuit breaker and budget the configuration sets. */
export function createProvider(config: LlmConfig, deps: ProviderDependencies = {}): ResilientProvider {
  const common = { baseUrl: config.baseUrl, model: config.model, apiKey: config.apiKey?.reveal() ?? null, prices: config.prices };
  const inner =
    config.provider === 'openai' ? new OpenAiCompatibleProvider({ ...common, jsonMode: config.jsonMode }) : new AnthropicProvider(common);
  return new ResilientProvider(inner, {
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    requestsPerMinute: config.requestsPerMinute,
    maxConcurrency: config.maxConcurrency,
    dailyBudgetUsd: config.dailyBudgetUsd,
    ...deps,
  });
}
