/**
 * Analytics over a large world: the daily trend query (signals per day by category and surface, and items per day by
 * surface) and community detection over the account graph, each timed beside a baseline of one full scan of the
 * same table (SELECT count(*) with a predicate no index serves). The world is bulk-inserted straight into SQLite in
 * big transactions (not through the pipeline): accounts, items, signals, decisions, contacts and media rows shaped
 * like the pipeline's, with a few planted rings of accounts sharing banked media, minor targets and devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { buildAccountGraph, detectCommunities } from '../../src/analytics/networks/index.js';
import { loadNetworks } from '../../src/analytics/networks/load.js';
import { volumes } from '../../src/analytics/trends/service.js';
import { volumesQuerySchema } from '../../src/analytics/trends/params.js';
import { migrate, openSqlite, type Store } from '../../src/store/db.js';
import { loadNetworkInputs } from '../../src/store/repos/analytics-networks.js';
import { startSpan } from '../timing.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 1_000_000;
const DAY = 86_400_000;
const SURFACES = ['public_post', 'comment', 'direct_message', 'friend_request'] as const;
const CATEGORIES = ['CSE-01', 'CSE-05', 'CSE-06', 'CSE-13', 'SPAM'] as const;
const DETECTORS = ['text.rules', 'text.model', 'behaviour.contacts'] as const;
const BANDS = ['adult', 'adult', 'adult', 'adult', 'adult', 'adult', 'unknown', '16_17', '13_15', 'under_13'] as const;
const RINGS = 20;
const RING_SIZE = 6;

/** xorshift32: a fixed world on every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Counts { accounts: number; items: number; signals: number; decisions: number; contacts: number; media: number }

/** Writes the world with prepared statements, one transaction per table chunk. */
function bulkInsert(path: string, nItems: number, nAccounts: number, now: number): Counts {
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  // Secondary indexes are dropped for the load and rebuilt once after it: far cheaper than maintaining them row by row.
  const indexes = db.prepare(`select sql from sqlite_master where type = 'index' and sql is not null
    and tbl_name in ('accounts', 'items', 'signals', 'decisions', 'contacts', 'media')`).all() as { sql: string }[];
  for (const { sql: ddl } of indexes) db.exec(`drop index ${/create (?:unique )?index (?:if not exists )?"?([\w]+)"?/i.exec(ddl)?.[1]}`);
  const rnd = prng(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const acc = (k: number) => `a${String(k).padStart(7, '0')}`;
  const bands: string[] = [];
  const insAccount = db.prepare('insert into accounts (id, external_id, age_band, created_at, first_seen_at, flags) values (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let k = 0; k < nAccounts; k++) {
      const band = pick(BANDS);
      bands.push(band);
      insAccount.run(acc(k), `ext_${k}`, band, now - 400 * DAY, now - 60 * DAY, '[]');
    }
  })();
  const minors = bands.flatMap((b, k) => (b === '16_17' || b === '13_15' || b === 'under_13' ? [k] : []));
  const insItem = db.prepare(`insert into items (id, external_id, content_digest, surface, kind, text, author_id, conversation_id, recipient_ids,
    created_at, ingested_at, metadata, status) values (?, ?, ?, ?, 'text', 'a neutral note', ?, ?, ?, ?, ?, ?, 'processed')`);
  const insSignal = db.prepare('insert into signals (id, item_id, detector, detector_version, category, score, evidence, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const insDecision = db.prepare(`insert into decisions (id, item_id, policy_version, taxonomy_version, verdict, category, severity, actions, reasons, created_at)
    values (?, ?, 1, 1, ?, ?, ?, '[]', '[]', ?)`);
  const insContact = db.prepare('insert into contacts (id, item_id, author_id, recipient_id, author_band, recipient_band, kind, at) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const insMedia = db.prepare(`insert into media (id, item_id, idx, mime, bytes, md5, sha256, width, height, stored) values (?, ?, 0, 'image/png', 1000, ?, ?, 64, 64, 0)`);
  const counts: Counts = { accounts: nAccounts, items: 0, signals: 0, decisions: 0, contacts: 0, media: 0 };
  const chunk = 100_000;
  for (let start = 0; start < nItems; start += chunk) {
    db.transaction(() => {
      for (let n = start; n < Math.min(nItems, start + chunk); n++) {
        const id = `i${String(n).padStart(8, '0')}`;
        // The first items belong to the planted rings: each ring shares one banked image, three minor targets and a device.
        const ring = n < RINGS * RING_SIZE * 4 ? Math.floor(n / (RING_SIZE * 4)) : -1;
        const author = ring >= 0 ? nAccounts - 1 - (ring * RING_SIZE + (n % RING_SIZE)) : Math.floor(rnd() * nAccounts);
        const surface = ring >= 0 ? (n % 2 === 0 ? 'public_post' : 'direct_message') : pick(SURFACES);
        const at = now - Math.floor(rnd() * 30 * DAY);
        const toMinor = surface === 'direct_message' && minors.length > 0 && (ring >= 0 || rnd() < 0.2);
        const recipient = toMinor ? (minors[ring >= 0 ? (ring * 3 + (n % 3)) % minors.length : Math.floor(rnd() * minors.length)] as number)
          : Math.floor(rnd() * nAccounts);
        const metadata = ring >= 0 ? JSON.stringify({ deviceId: `ring-device-${ring}` }) : '{}';
        insItem.run(id, `x${n}`, `d${n}`, surface, acc(author), surface === 'direct_message' ? `c${n >> 3}` : null,
          surface === 'direct_message' ? JSON.stringify([acc(recipient)]) : '[]', at, at, metadata);
        counts.items++;
        const banked = ring >= 0 ? surface === 'public_post' : rnd() < 0.01;
        const flagged = banked || rnd() < 0.12;
        if (flagged) {
          const category = banked ? 'CSE-01' : pick(CATEGORIES);
          const detector = banked ? 'hashmatch.sha256' : pick(DETECTORS);
          const entry = banked ? `be${ring >= 0 ? ring : Math.floor(rnd() * 5000)}` : null;
          insSignal.run(`s${n}`, id, detector, '1', category, 0.9, entry ? JSON.stringify({ bankEntryId: entry }) : '{}', at);
          counts.signals++;
          if (banked) {
            const sha = `sha-${entry}`;
            insMedia.run(`m${n}`, id, `md5-${entry}`, sha);
            counts.media++;
          }
        }
        insDecision.run(`dec${n}`, id, flagged ? (banked ? 'violating' : 'review') : 'none', flagged ? (banked ? 'CSE-01' : null) : null,
          flagged ? 'S2' : 'NONE', at);
        counts.decisions++;
        if (surface === 'direct_message') {
          insContact.run(`ct${n}`, id, acc(author), acc(recipient), bands[author] ?? 'adult', bands[recipient] ?? 'adult', 'message', at);
          counts.contacts++;
        }
      }
    })();
  }
  for (const { sql: ddl } of indexes) db.exec(ddl);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  db.close();
  return counts;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const span = startSpan();
  const value = await fn();
  return { value, ...span() };
}

async function fullScan(store: Store, table: 'items' | 'signals'): Promise<number> {
  // length(id) >= 0 holds for every row and no index answers it: SQLite reads the whole table.
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where length(id) >= 0`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

export const analyticsScenario: Scenario = {
  name: 'analytics',
  description: 'daily trend queries and community detection over a 1M-item, 100k-account world vs one full table scan',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const nItems = items ?? DEFAULT_ITEMS;
    const nAccounts = Math.max(RINGS * RING_SIZE + 10, Math.round(nItems / 10));
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-analytics-'));
    const path = join(dir, 'haven.db');
    try {
      const now = Date.UTC(2026, 9, 1);
      const schema = openSqlite(path);
      await migrate(schema);
      await schema.close();
      log(`bulk-inserting ${nItems} items and ${nAccounts} accounts`);
      const seedSpan = startSpan();
      const counts = bulkInsert(path, nItems, nAccounts, now);
      const seeded = seedSpan();
      const store = openSqlite(path);
      try {
        const until = String(now);
        const trendQuery = volumesQuerySchema.parse({ metric: 'signals', by: 'category,surface', bucket: 'day', since: '30d', until });
        const itemsQuery = volumesQuerySchema.parse({ metric: 'items', by: 'surface', bucket: 'day', since: '30d', until });
        // Warm the page cache once so neither side pays the first read from disk.
        await fullScan(store, 'items');
        await fullScan(store, 'signals');
        log('baseline: full scans');
        const scanItems = await timed(() => fullScan(store, 'items'));
        const scanSignals = await timed(() => fullScan(store, 'signals'));
        log('daily trend queries');
        const signalTrend = await timed(() => volumes(store.db, trendQuery, now));
        const itemTrend = await timed(() => volumes(store.db, itemsQuery, now));
        const trendTotal = signalTrend.value.points.reduce((s, p) => s + p.count, 0);
        if (trendTotal !== counts.signals) throw new BenchCheckError(`signal trend counted ${trendTotal} of ${counts.signals}`);
        const itemTotal = itemTrend.value.points.reduce((s, p) => s + p.count, 0);
        if (itemTotal !== counts.items) throw new BenchCheckError(`item trend counted ${itemTotal} of ${counts.items}`);

        log('community detection: load the link rows, build the graph, Louvain, rank');
        const window = { from: now - 31 * DAY, to: now + 1 };
        const network = await timed(() => loadNetworks(store.db, window));
        const inputs = await loadNetworkInputs(store.db, window);
        const { graph } = buildAccountGraph(inputs.rows);
        const louvain = await timed(async () => detectCommunities(graph));
        const top = network.value.analysis.ranked[0];
        const ringAccounts = new Set(Array.from({ length: RINGS * RING_SIZE }, (_v, k) => `a${String(nAccounts - 1 - k).padStart(7, '0')}`));
        const topIsRing = top?.members.every((m) => ringAccounts.has(m)) ?? false;
        log('done');
        return {
          params: { items: nItems, accounts: nAccounts, rings: RINGS, ringSize: RING_SIZE, database: 'sqlite (WAL)' },
          phases: [
            { label: 'bulk insert (accounts, items, signals, decisions, contacts, media) + index build', items: counts.items, ...seeded },
            { label: 'baseline: full scan of items (count with a scan predicate)', items: scanItems.value, seconds: scanItems.seconds, cpuSeconds: scanItems.cpuSeconds },
            { label: 'daily trend: items per day by surface (30d)', items: counts.items, seconds: itemTrend.seconds, cpuSeconds: itemTrend.cpuSeconds },
            { label: 'baseline: full scan of signals', items: scanSignals.value, seconds: scanSignals.seconds, cpuSeconds: scanSignals.cpuSeconds },
            { label: 'daily trend: signals per day by category and surface (30d)', items: counts.signals, seconds: signalTrend.seconds, cpuSeconds: signalTrend.cpuSeconds },
            { label: 'networks: load rows + graph + Louvain + ranking', items: network.value.analysis.stats.nodes, seconds: network.seconds, cpuSeconds: network.cpuSeconds },
            { label: 'networks: Louvain alone (detectCommunities)', items: graph.order, seconds: louvain.seconds, cpuSeconds: louvain.cpuSeconds },
          ],
          ratios: [
            { label: 'items daily trend vs full scan of items (times the scan)', value: itemTrend.seconds / scanItems.seconds },
            { label: 'signals daily trend vs full scan of signals (times the scan)', value: signalTrend.seconds / scanSignals.seconds },
            { label: 'community detection (end to end) vs full scan of items (times the scan)', value: network.seconds / scanItems.seconds },
          ],
          counts: {
            ...counts, trendPoints: signalTrend.value.points.length, graphNodes: graph.order, graphEdges: graph.size,
            communities: louvain.value.length, topCommunityIsPlantedRing: topIsRing ? 1 : 0,
          },
          notes: [
            'Trend queries GROUP BY an arithmetic day bucket of items.created_at; with no index on items.created_at alone they read the table, ' +
              'so the ratio to a plain scan is the cost of the join and grouping.',
          ],
        };
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
