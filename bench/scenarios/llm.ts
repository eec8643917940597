/**
 * LLM classification against a local server that speaks the OpenAI protocol with a fixed per-request latency (a
 * stand-in for a model): classifications/s at the configured concurrency beside one request at a time (the
 * ratio), the verdict cache's hit ratio when content repeats, and the share of demo items the cascade would send to
 * the LLM with the default configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { reply, startLlmServer } from '../../test/helpers/llm-server.js';
import { openHaven } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ItemId } from '../../src/core/ids.js';
import { toEpochMs } from '../../src/core/item-input.js';
import type { Account, Item } from '../../src/core/types.js';
import { generateWorld } from '../../src/demo/world.js';
import { MemoryLlmCache } from '../../src/detectors/llm/cache.js';
import { LlmClassifier } from '../../src/detectors/llm/classifier.js';
import { OpenAiCompatibleProvider } from '../../src/detectors/llm/providers/openai.js';
import { DEFAULT_LLM_POLICY, StructuredTemplate } from '../../src/detectors/llm/policy/index.js';
import { ResilientProvider } from '../../src/detectors/llm/resilience/resilient-provider.js';
import type { Detector } from '../../src/detectors/types.js';
import { evaluateItem } from '../../src/pipeline/evaluate.js';
import { DetectionRuntime } from '../../src/pipeline/runtime.js';
import { BenchCheckError, type Phase, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 400;
const CONCURRENCY = 8;
const LATENCY_MS = 40;
const CLEAN = { violates: false, category: null, severity: null, confidence: 0.9, rationale: 'ordinary', evidence: [] };
const FLAGGED = { violates: true, category: 'CSE-13', severity: 'S2', confidence: 0.9, rationale: 'secrecy with a minor', evidence: [] };

async function mapBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

export const llmScenario: Scenario = {
  name: 'llm',
  description: `LLM classifications/s at concurrency ${CONCURRENCY} vs 1 against a local server (${LATENCY_MS} ms per answer), cache hits on repeats, cascade share of demo items`,
  async run(opts: ScenarioOptions): Promise<ScenarioResult> {
    const count = opts.items ?? DEFAULT_ITEMS;
    const server = await startLlmServer((req) => reply.slow(LATENCY_MS, reply.json(/secret|between us/i.test(req.userText) ? FLAGGED : CLEAN)));
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-llm-'));
    try {
      opts.log('generating demo texts');
      const world = await generateWorld({ accounts: 200, seed: 1 });
      const texts = world.items.flatMap((i) => (i.text ? [i.text] : []));
      const distinct = [...new Set(texts)];
      if (distinct.length < count) throw new BenchCheckError(`only ${distinct.length} distinct demo texts for ${count} items`);
      const sample = distinct.slice(0, count);

      const classifier = (concurrency: number) => new LlmClassifier({
        provider: new ResilientProvider(new OpenAiCompatibleProvider({ baseUrl: server.url, model: 'bench', apiKey: null, jsonMode: true }), {
          timeoutMs: 10_000, maxConcurrency: concurrency, requestsPerMinute: 1_000_000, burst: concurrency,
        }),
        template: new StructuredTemplate(), policy: DEFAULT_LLM_POLICY, policyVersion: 1, cache: new MemoryLlmCache(),
      });
      const classifyAll = async (c: LlmClassifier, items: readonly string[], concurrency: number) => {
        let cached = 0;
        const t0 = performance.now();
        await mapBounded(items, concurrency, async (text) => {
          const r = await c.classify({ text, images: [], surface: 'direct_message' }, { authorBand: 'adult', recipientBands: ['13_15'], previous: [] });
          if (r.status !== 'classified') throw new BenchCheckError(`no verdict: ${r.status}`);
          if (r.cached) cached++;
        });
        return { seconds: (performance.now() - t0) / 1000, cached };
      };

      const sequentialCount = Math.max(20, Math.round(count / 8));
      opts.log(`${sequentialCount} classifications one at a time`);
      const sequential = await classifyAll(classifier(1), sample.slice(0, sequentialCount), 1);
      opts.log(`${count} classifications at concurrency ${CONCURRENCY}`);
      const parallel = classifier(CONCURRENCY);
      const first = await classifyAll(parallel, sample, CONCURRENCY);
      opts.log('the same content again (cache)');
      const requestsBefore = server.requests.length;
      const again = await classifyAll(parallel, sample, CONCURRENCY);
      const repeatRequests = server.requests.length - requestsBefore;
      if (again.cached !== count || repeatRequests !== 0) throw new BenchCheckError(`repeats: ${again.cached} cached, ${repeatRequests} requests`);

      opts.log('cascade plan over the demo world');
      const config = { ...loadConfig({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }), llm: null };
      const haven = await openHaven(config, { logger: pino({ level: 'silent' }) });
      let asked = 0;
      let planned = 0;
      try {
        const setup = await new DetectionRuntime().current(haven.store.db);
        const counter: Detector = {
          id: 'llm.count', inputs: ['text', 'image'], cost: 1000, stage: 'cascade', versions: () => ({ 'llm.count': '1' }),
          detect: () => {
            asked++;
            return [];
          },
        };
        let n = 0;
        const account = (id: string, band: Account['ageBand']): Account => ({ id: id as Account['id'], externalId: id, ageBand: band, createdAt: 0, flags: [] });
        for (const i of world.items) {
          if (!i.text) continue;
          planned++;
          const author = account(i.author?.externalId ?? 'none', i.author?.ageBand ?? 'unknown');
          const recipients = (i.recipients ?? []).map((r) => account(r.externalId, r.ageBand ?? 'unknown'));
          const at = toEpochMs(i.createdAt, 0);
          const item: Item = {
            id: `bench_${++n}` as ItemId, externalId: i.externalId, contentDigest: '', surface: i.surface, kind: 'text', text: i.text, media: [],
            authorId: author.id, conversationId: null, recipientIds: recipients.map((r) => r.id), createdAt: at, ingestedAt: at, metadata: {}, status: 'pending',
          };
          await evaluateItem({ item, author, recipients }, {
            detectors: [...setup.detectors, counter], policy: setup.policy, newId: () => `id_${++n}`, now: at, cascade: setup.cascade,
          });
        }
      } finally {
        await haven.close();
      }

      const phases: Phase[] = [
        { label: 'classify, one at a time', items: sequentialCount, seconds: sequential.seconds },
        { label: `classify, concurrency ${CONCURRENCY}`, items: count, seconds: first.seconds },
        { label: 'same content again (cache)', items: count, seconds: again.seconds },
      ];
      const perSec = (items: number, s: number) => items / Math.max(s, 1e-9);
      return {
        params: { items: count, concurrency: CONCURRENCY, serverLatencyMs: LATENCY_MS, demoItems: planned },
        phases,
        ratios: [
          { label: `concurrency ${CONCURRENCY} vs 1, classifications/s`, value: perSec(count, first.seconds) / perSec(sequentialCount, sequential.seconds) },
          { label: 'cache hit ratio on repeated content', value: again.cached / count },
          { label: 'share of demo text items the cascade sends to the LLM', value: asked / planned },
        ],
        counts: { requests: server.requests.length, cachedOnRepeat: again.cached, cascadeAsked: asked, demoTextItems: planned },
        notes: [
          `the first pass had ${first.cached} cache hits (texts repeated within the sample)`,
          `default cascade: LLM asked when a category's best cheap score is in [0.3, 0.9); CSE-01 never`,
        ],
      };
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
