import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/db.js';
import { putLlmCacheEntry, takeLlmCacheEntry } from '../../store/repos/llm.js';
import type { LlmVerdict } from './policy/verdict.js';

/** A verdict answers one question: this content, asked with this prompt version, of this model. */
export interface LlmCacheKey {
  digest: string;
  promptVersion: string;
  model: string;
}

export interface LlmCache {
  get(key: LlmCacheKey): Promise<LlmVerdict | null>;
  set(key: LlmCacheKey, verdict: LlmVerdict): Promise<void>;
}

/** A fixed-length key for storage; the parts are joined with a separator none of them contains. */
export function cacheKeyString(key: LlmCacheKey): string {
  return createHash('sha256').update(`${key.model}\n${key.promptVersion}\n${key.digest}`).digest('hex');
}

/** Per-process cache, least recently used entries evicted first. */
export class MemoryLlmCache implements LlmCache {
  private readonly entries = new Map<string, LlmVerdict>();

  constructor(readonly capacity = 10_000) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('the LLM cache capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: LlmCacheKey): Promise<LlmVerdict | null> {
    const k = cacheKeyString(key);
    const v = this.entries.get(k);
    if (!v) return null;
    // Re-inserting moves the entry to the back of the Map's order: the front is the least recently used.
    this.entries.delete(k);
    this.entries.set(k, v);
    return structuredClone(v);
  }

  async set(key: LlmCacheKey, verdict: LlmVerdict): Promise<void> {
    const k = cacheKeyString(key);
    this.entries.delete(k);
    this.entries.set(k, structuredClone(verdict));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Shared by every worker through the `llm_cache` table; counts hits. */
export class DbLlmCache implements LlmCache {
  constructor(private readonly q: Queryable, private readonly now: () => number = Date.now) {}

  async get(key: LlmCacheKey): Promise<LlmVerdict | null> {
    const row = await takeLlmCacheEntry(this.q, cacheKeyString(key));
    return row ? (row.verdict as LlmVerdict) : null;
  }

  async set(key: LlmCacheKey, verdict: LlmVerdict): Promise<void> {
    await putLlmCacheEntry(this.q, cacheKeyString(key), verdict, this.now());
  }
}
