import { type LlmProvider, type LlmRequest, type LlmResponse, LlmUnavailableError } from '../../../src/detectors/llm/types.js';

/** One scripted turn: an answer's text (optionally refused), or a failure to throw. */
export type Script = string | { text: string; refused?: boolean; finishReason?: string } | LlmUnavailableError;

/** A fake of our own provider interface: answers from a script and keeps the requests it was sent. */
export class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly requests: LlmRequest[] = [];

  constructor(private readonly script: Script[], readonly model = 'fake-model-1') {}

  async complete(request: LlmRequest): Promise<LlmResponse> {
    this.requests.push(request);
    const next = this.script.shift();
    if (next === undefined) throw new Error('the script ran out: the provider was called more often than expected');
    if (next instanceof LlmUnavailableError) throw next;
    const turn = typeof next === 'string' ? { text: next } : next;
    return {
      text: turn.text, usage: { inputTokens: 100 + this.requests.length, outputTokens: 20 }, model: `${this.model}-2026`, latencyMs: 42,
      finishReason: turn.finishReason ?? 'stop', refused: turn.refused ?? false, costUsd: 0.0015,
    };
  }
}

export const unavailable = (reason: LlmUnavailableError['reason']) => new LlmUnavailableError(reason, `no call: ${reason}`);
