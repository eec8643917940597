/**
 * Issue 11: a real `haven serve` is SIGKILLed three times while a platform client streams items at it (single and
 * batch requests, four in flight). The client retries whatever did not get a 2xx answer, as a platform would. After
 * the last restart drains: every item exists once, under the id its answer named, with one decision, one trace and
 * no job left behind. CRASH_SEED=<n> replays the kill points (see test/helpers/crash.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { pino } from 'pino';
import { openHaven } from '../../src/app.js';
import type { ItemInput } from '../../src/core/item-input.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import { verifyAudit } from '../../src/store/repos/audit.js';
import { CrashServer, reportingSeed } from '../helpers/crash.js';
import { waitFor } from '../helpers/cli.js';
import { patternPng } from '../helpers/images.js';
import type { Rng } from '../../src/demo/random.js';
import { type Backend, forEachBackend, makeBackend, postgresBackendOrSkip } from '../helpers/stores.js';

const TEXT_ITEMS = 540;
const IMAGE_ITEMS = 60;
const KILLS = 3;
const LANES = 4;
const silent = pino({ level: 'silent' });

interface Request {
  url: '/v1/items' | '/v1/items/batch';
  items: ItemInput[];
  /** The client drops the first 2xx answer (as if the connection broke on the way back) and sends it again. */
  loseFirstAnswer: boolean;
}

/** Text from the synthetic benign stream, plus generated pattern images, in a seeded order and request mix. */
async function platformRequests(rng: Rng): Promise<Request[]> {
  const items: ItemInput[] = [...demoTextItems(TEXT_ITEMS, 11, Date.now(), 0)];
  for (let i = 0; i < IMAGE_ITEMS; i++) {
    const png = await patternPng(1000 + i);
    items.push({ externalId: `crash_img_${i}`, surface: 'public_post', media: [{ data: png.toString('base64') }], author: { externalId: `crash_poster_${i % 7}` } });
  }
  const shuffled = rng.shuffle(items);
  const requests: Request[] = [];
  for (let at = 0; at < shuffled.length;) {
    const size = rng.chance(0.4) ? 1 : rng.int(2, 25);
    const chunk = shuffled.slice(at, at + size);
    at += chunk.length;
    const loseFirstAnswer = rng.chance(0.1);
    requests.push({ url: chunk.length === 1 ? '/v1/items' : '/v1/items/batch', items: chunk, loseFirstAnswer });
  }
  return requests;
}

/** A platform client: sends each request until it gets a 2xx, and remembers the item id each answer named. */
class PlatformClient {
  readonly answered = new Map<string, string>();
  /** Items whose 2xx answer the client dropped, with the item id it named; their retry must answer duplicate. */
  readonly lostAnswers = new Map<string, string>();
  completed = 0;
  retries = 0;
  duplicatesAnswered = 0;
  readonly serverErrors: string[] = [];
  private next = 0;

  constructor(private readonly base: () => string, private readonly key: string, private readonly requests: Request[]) {}

  get finished(): boolean {
    return this.completed === this.requests.length;
  }

  run(lanes: number): Promise<void> {
    return Promise.all(Array.from({ length: lanes }, async () => {
      while (this.next < this.requests.length) await this.send(this.requests[this.next++] as Request);
    })).then(() => {});
  }

  private async send(req: Request): Promise<void> {
    const body = JSON.stringify(req.url === '/v1/items' ? req.items[0] : { items: req.items });
    const deadline = Date.now() + 90_000;
    for (;;) {
      assert.ok(Date.now() < deadline, `a request was not accepted within 90 s (${req.items[0]?.externalId})`);
      let res: Response;
      try {
        res = await fetch(`${this.base()}${req.url}`, {
          method: 'POST', headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' }, body,
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        // Connection refused or reset: the server is down. Retry once it is back.
        this.retries++;
        await sleep(100);
        continue;
      }
      if (res.status === 202) {
        const json = await res.json();
        if (req.loseFirstAnswer && !req.items.some((i) => this.lostAnswers.has(i.externalId))) {
          for (const r of this.resultsOf(req, json)) this.lostAnswers.set(r.externalId, r.itemId ?? '');
          continue;
        }
        this.record(req, json);
        this.completed++;
        return;
      }
      const text = await res.text();
      if (res.status >= 500) this.serverErrors.push(`${res.status} ${text.slice(0, 200)}`);
      else assert.equal(res.status, 429, `unexpected answer ${res.status}: ${text.slice(0, 500)}`);
      this.retries++;
      await sleep(Number(res.headers.get('retry-after') ?? 0) * 1000 || 100);
    }
  }

  private resultsOf(req: Request, json: unknown): { externalId: string; itemId?: string; status: string }[] {
    const results = (req.url === '/v1/items' ? [json] : (json as { results: unknown[] }).results) as { externalId: string; itemId?: string; status: string }[];
    assert.equal(results.length, req.items.length);
    return results;
  }

  private record(req: Request, json: unknown): void {
    for (const [i, r] of this.resultsOf(req, json).entries()) {
      assert.equal(r.externalId, req.items[i]?.externalId);
      assert.ok(r.itemId && (r.status === 'accepted' || r.status === 'duplicate'), `item ${r.externalId} was ${r.status}`);
      if (r.status === 'duplicate') this.duplicatesAnswered++;
      const lost = this.lostAnswers.get(r.externalId);
      if (lost !== undefined) {
        assert.equal(r.status, 'duplicate', `${r.externalId} was committed (its answer was lost), so its retry is a duplicate`);
        assert.equal(r.itemId, lost, `the retry of ${r.externalId} names the item the lost answer named`);
      }
      this.answered.set(r.externalId, r.itemId);
    }
  }
}

async function crashIngest(t: TestContext, backend: Backend): Promise<void> {
  const setup = await openHaven(backend.config, { logger: silent });
  const { key } = await setup.auth.createApiKey({ name: 'platform', scopes: ['items:write', 'items:read'] }, 'test');
  await setup.close();

  const server = new CrashServer(t, {
    dataDir: backend.config.dataDir,
    env: {
      HAVEN_MASTER_KEY: backend.config.masterKey, HAVEN_DATABASE_URL: backend.config.databaseUrl,
      HAVEN_LEASE_MS: '1500', HAVEN_WORKER_BATCH: '25',
    },
  });
  await reportingSeed(server, async () => {
    const requests = await platformRequests(server.rng);
    const sent = new Set(requests.flatMap((r) => r.items.map((i) => i.externalId)));
    assert.equal(sent.size, TEXT_ITEMS + IMAGE_ITEMS, 'every item has its own external id');

    await server.start();
    const client = new PlatformClient(() => server.base, key, requests);
    const sending = client.run(LANES);
    // A client assertion (an unexpected answer) ends the wait at once instead of after its timeout.
    let clientFailure: unknown = null;
    sending.catch((e: unknown) => { clientFailure = e; });
    // Each kill lands at a seeded point of its third of the stream, a few ms after that many requests were answered.
    for (let round = 0; round < KILLS; round++) {
      const target = Math.floor(requests.length * ((round + 0.15 + server.rng.next() * 0.7) / KILLS));
      await waitFor(`the client to get ${target} answers`, () => {
        if (clientFailure) throw clientFailure;
        return client.completed >= target;
      }, { timeoutMs: 60_000, intervalMs: 2 });
      assert.ok(!client.finished, 'the kill comes before the stream ends');
      await server.killAfterRandomDelay(20);
      await server.start();
    }
    await sending;
    const ready = await server.waitDrained({ outbox: false });
    await server.stop();
    t.diagnostic(`kills ${JSON.stringify(server.kills)}; ${client.retries} retried requests; ${client.duplicatesAnswered} items answered as duplicates (${client.lostAnswers.size} after an answer the client dropped, the rest after one the kill cut off); jobs ${JSON.stringify(ready.jobs)}`);
    assert.deepEqual(client.serverErrors, [], 'no 5xx answers');
    assert.ok(client.retries > 0, 'the kills interrupted requests');
    assert.ok(client.lostAnswers.size > 0, 'some answers were dropped and their requests resent');

    const h = await openHaven(backend.config, { logger: silent });
    try {
      const db = h.store.db;
      const items = await db.selectFrom('items').select(['id', 'external_id', 'status']).execute();
      const byExternal = new Map<string, string[]>();
      for (const i of items) byExternal.set(i.external_id, [...(byExternal.get(i.external_id) ?? []), i.id]);
      assert.deepEqual([...sent].filter((e) => !byExternal.has(e)), [], 'no item the client sent is lost');
      assert.deepEqual([...byExternal].filter(([, ids]) => ids.length > 1), [], 'no item is stored twice');
      assert.equal(items.length, sent.size, 'nothing else is stored');
      // An answered 202 means committed: the stored item is the one the answer named.
      assert.deepEqual([...client.answered].filter(([e, id]) => byExternal.get(e)?.[0] !== id), [], 'every answer names the stored item');
      assert.deepEqual(items.filter((i) => i.status !== 'processed').map((i) => [i.external_id, i.status]), [], 'every item processed');

      const jobs = await db.selectFrom('jobs').select(['item_id', 'status']).execute();
      assert.deepEqual(jobs.filter((j) => j.status !== 'done'), [], 'no job is left pending, leased or failed');
      assert.equal(new Set(jobs.map((j) => j.item_id)).size, items.length, 'one job per item');
      assert.equal(jobs.length, items.length);

      const decisions = await db.selectFrom('decisions').select('item_id').execute();
      assert.equal(decisions.length, items.length, 'one decision per item');
      assert.equal(new Set(decisions.map((d) => d.item_id)).size, items.length, 'every item decided');

      // The trace: one ingest, one decision and one run of each detector per item.
      const events = await db.selectFrom('events').select(['item_id', 'type', 'payload']).where('item_id', 'is not', null).execute();
      const counts = new Map<string, number>();
      for (const e of events) {
        const payload = typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload;
        const k = e.type === 'detector_ran' ? `${e.item_id} ${e.type} ${payload.detector}` : `${e.item_id} ${e.type}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      for (const type of ['item_ingested', 'decision']) {
        const perItem = items.filter((i) => counts.get(`${i.id} ${type}`) !== 1);
        assert.deepEqual(perItem.map((i) => [i.external_id, counts.get(`${i.id} ${type}`) ?? 0]), [], `one ${type} event per item`);
      }
      assert.deepEqual([...counts].filter(([k, n]) => k.includes('detector_ran') && n !== 1), [], 'each detector ran once per item');
      const actions = await db.selectFrom('actions').select(['item_id']).execute();
      const requested = events.filter((e) => e.type === 'action_requested');
      assert.equal(requested.length, actions.length, 'one action_requested event per action');
      assert.equal((await verifyAudit(db)).ok, true, 'the audit chain is intact');
    } finally {
      await h.close();
    }
  });
}

test('SQLite: haven serve SIGKILLed mid-ingest three times loses no item and processes each once', { timeout: 150_000 }, async (t) => {
  const backend = await makeBackend('sqlite');
  t.after(() => backend.cleanup());
  await crashIngest(t, backend);
});

test('Postgres: haven serve SIGKILLed mid-ingest three times loses no item and processes each once', { timeout: 150_000 }, async (t) => {
  const backend = await postgresBackendOrSkip(t);
  if (!backend) return;
  await crashIngest(t, backend);
});

// Found by these crash tests' retry logic: on Postgres, a retry that raced its still-running original failed with a
// unique violation (500) instead of answering duplicate. A client that times out and retries does exactly this.
test('a retry racing its unanswered original answers duplicate: one item, one job, no error', { timeout: 60_000 }, async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: silent });
    try {
      // Racing batches also share image files (sealed once, by SHA-256).
      const images = await Promise.all([0, 1, 2].map((i) => patternPng(2000 + i)));
      for (let round = 0; round < 5; round++) {
        const inputs: ItemInput[] = Array.from({ length: 8 }, (_, i) => ({
          externalId: `race_${round}_${i}`, surface: 'comment', text: `see you at practice on day ${i} of round ${round}`, author: { externalId: `racer_${i}` },
          ...(i % 2 === 0 ? { media: [{ data: (images[(i + round) % 3] as Buffer).toString('base64') }] } : {}),
        }));
        const send = async (batch: ItemInput[]) => h.ingestor.ingest(await Promise.all(batch.map((i) => h.ingestor.prepare(i))), 'test');
        // Singles and overlapping batches in opposite orders, all at once.
        const outcomes = await Promise.allSettled([send(inputs), send([...inputs].reverse()), send([inputs[0] as ItemInput]), send(inputs.slice(3))]);
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
        assert.deepEqual(failures, [], 'every request is answered');
        const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value : []));
        for (const input of inputs) {
          const mine = results.filter((r) => r.externalId === input.externalId);
          assert.equal(new Set(mine.map((r) => r.itemId)).size, 1, `every answer for ${input.externalId} names the same item`);
          assert.equal(mine.filter((r) => !r.duplicate).length, 1, `${input.externalId} is new exactly once`);
        }
      }
      const items = await h.store.db.selectFrom('items').select('id').execute();
      const jobs = await h.store.db.selectFrom('jobs').select('item_id').execute();
      assert.equal(items.length, 40);
      assert.equal(jobs.length, 40, 'one processing job per item');
    } finally {
      await h.close();
    }
  });
});
