import type { LlmCache } from './cache.js';
import {
  DEFAULT_PROMPT_LIMITS, isEmpty, type LlmItem, type LlmItemContext, type PreparedItem, prepareItem, type PromptLimits,
} from './policy/item.js';
import type { LlmPolicy } from './policy/schema.js';
import { type PromptTemplate, promptVersion } from './policy/template.js';
import type { LlmVerdict, ParseOutcome } from './policy/verdict.js';
import { type LlmFailure, type LlmProvider, type LlmRequest, type LlmResponse, LlmUnavailableError } from './types.js';

/** One model call as it happened, for the trace, logs and cost reports. */
export interface LlmCallRecord {
  provider: string;
  model: string;
  promptVersion: string;
  /** 1 for the first ask, 2 for the repair. */
  attempt: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  costUsd: number;
  finishReason: string | null;
  /** The model's answer, cut to a bounded length. */
  rawAnswer: string;
  outcome: 'ok' | 'malformed' | 'refused' | 'unavailable';
  problem?: string;
}

interface ClassificationBase {
  promptVersion: string;
  provider: string;
  model: string;
  /** Digest of what the model was shown (content, context, bands): with prompt version and model, the cache key. */
  digest: string;
  cached: boolean;
  calls: LlmCallRecord[];
}

export type Classification =
  | (ClassificationBase & { status: 'classified'; verdict: LlmVerdict })
  /** The model answered, but not usably even after a repair (or there was nothing to ask about). */
  | (ClassificationBase & { status: 'unknown'; reason: string })
  /** No answer: the call failed or was not allowed (budget, circuit breaker, rate limit, timeout...). */
  | (ClassificationBase & { status: 'unavailable'; reason: LlmFailure });

export interface LlmClassifierOptions {
  provider: LlmProvider;
  template: PromptTemplate;
  policy: LlmPolicy;
  /** The 'llm_policy' config version the policy came from. */
  policyVersion: number;
  cache?: LlmCache;
  limits?: Partial<PromptLimits>;
  /** How much of each raw answer a call record keeps. */
  maxRawAnswerChars?: number;
  /** Sees every call record as it happens (logs, metrics). */
  onCall?: (record: LlmCallRecord) => void;
}

/**
 * Asks a model whether an item violates the LLM policy. An unusable answer (malformed or refused) is retried once
 * with a repair instruction; after that the verdict is 'unknown'. A call that cannot be made is 'unavailable' with
 * the reason. Either way the caller decides what to do, and the calls are all on record.
 */
export class LlmClassifier {
  readonly promptVersion: string;
  readonly policyVersion: number;
  private readonly limits: PromptLimits;
  private readonly maxRaw: number;

  constructor(private readonly opts: LlmClassifierOptions) {
    this.policyVersion = opts.policyVersion;
    this.promptVersion = promptVersion(opts.template, opts.policyVersion);
    this.limits = { ...DEFAULT_PROMPT_LIMITS, ...opts.limits };
    this.maxRaw = opts.maxRawAnswerChars ?? 2000;
  }

  get model(): string {
    return this.opts.provider.model;
  }

  get providerName(): string {
    return this.opts.provider.name;
  }

  /** The request the model would be sent for this item (for previews and tests). */
  request(item: LlmItem, context: LlmItemContext): LlmRequest {
    return this.opts.template.build(this.opts.policy, this.prepare(item, context));
  }

  prepare(item: LlmItem, context: LlmItemContext): PreparedItem {
    return prepareItem(item, context, this.limits);
  }

  async classify(item: LlmItem, context: LlmItemContext, signal?: AbortSignal): Promise<Classification> {
    const { provider, template, policy, cache } = this.opts;
    const prepared = this.prepare(item, context);
    const calls: LlmCallRecord[] = [];
    const base = { promptVersion: this.promptVersion, provider: provider.name, model: provider.model, digest: prepared.digest, calls };
    if (isEmpty(prepared)) return { ...base, cached: false, status: 'unknown', reason: 'nothing to classify: no text and no image' };

    const key = { digest: prepared.digest, promptVersion: this.promptVersion, model: provider.model };
    const hit = await cache?.get(key);
    if (hit) return { ...base, cached: true, status: 'classified', verdict: hit };

    const first = template.build(policy, prepared);
    let request = first;
    let last: Extract<ParseOutcome, { ok: false }> | null = null;
    for (const attempt of [1, 2]) {
      let response: LlmResponse;
      try {
        response = await provider.complete(request, signal);
      } catch (err) {
        if (!(err instanceof LlmUnavailableError)) throw err;
        this.record(calls, {
          provider: provider.name, model: provider.model, promptVersion: this.promptVersion, attempt, inputTokens: 0, outputTokens: 0,
          latencyMs: 0, costUsd: 0, finishReason: null, rawAnswer: '', outcome: 'unavailable', problem: `${err.reason}: ${err.message}`,
        });
        return { ...base, cached: false, status: 'unavailable', reason: err.reason };
      }
      const outcome: ParseOutcome = response.refused
        ? { ok: false, outcome: 'refused', problem: `the model refused (${response.finishReason ?? 'no stop reason'})` }
        : template.parse(response.text, policy);
      this.record(calls, {
        provider: provider.name, model: response.model, promptVersion: this.promptVersion, attempt,
        inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, latencyMs: response.latencyMs,
        costUsd: response.costUsd, finishReason: response.finishReason, rawAnswer: response.text.slice(0, this.maxRaw),
        outcome: outcome.ok ? 'ok' : outcome.outcome, ...(outcome.ok ? {} : { problem: outcome.problem }),
      });
      if (outcome.ok) {
        await cache?.set(key, outcome.verdict);
        return { ...base, cached: false, status: 'classified', verdict: outcome.verdict };
      }
      last = outcome;
      request = template.repair(first, response.text, outcome.problem);
    }
    const reason = last!.outcome === 'refused' ? `refused after a repair request: ${last!.problem}` : `malformed answer after a repair request: ${last!.problem}`;
    return { ...base, cached: false, status: 'unknown', reason };
  }

  private record(calls: LlmCallRecord[], record: LlmCallRecord): void {
    calls.push(record);
    this.opts.onCall?.(record);
  }
}
