/**
 * The feedback loop's backtest at scale: demo-like text items are ingested and processed by the real pipeline once
 * (so the recorded decisions are the pipeline's own), then a threshold change is replayed over all of them. Reports
 * replay items/s against the pipeline's processing rate measured in the same run, the flips and the estimated
 * precision of the new actions (against the items' synthetic metadata.labels: the only labels this data has).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHaven } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Policy } from '../../src/core/policy.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import { runBacktest } from '../../src/learning/replay/runs.js';
import type { PreparedItem } from '../../src/pipeline/ingest.js';
import { latestConfig } from '../../src/store/repos/config.js';
import { startSpan } from '../timing.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 100_000;
const SEED = 1;
const BATCH = 500;
/** The change replayed: act on grooming-risk (CSE-05) signals from 0.6 instead of the default 0.9. */
const CATEGORY = 'CSE-05';
const NEW_ACTION_THRESHOLD = 0.6;

export const backtestScenario: Scenario = {
  name: 'backtest',
  description: 'replay N processed items through a threshold change (no effects) vs the pipeline processing the same items',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_ITEMS;
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-backtest-'));
    const config = loadConfig({ HAVEN_LOG_LEVEL: 'silent' }, { dataDir: dir, sqlitePath: join(dir, 'haven.db'), workerBatch: BATCH });
    const haven = await openHaven(config);
    try {
      log(`ingest ${n} demo text items`);
      const ingestSpan = startSpan();
      let pending: PreparedItem[] = [];
      for (const input of demoTextItems(n, SEED)) {
        pending.push(await haven.ingestor.prepare(input));
        if (pending.length >= BATCH) {
          await haven.ingestor.ingest(pending, 'bench');
          pending = [];
        }
      }
      if (pending.length > 0) await haven.ingestor.ingest(pending, 'bench');
      const ingest = ingestSpan();

      log('process them with the pipeline (recorded decisions)');
      const processSpan = startSpan();
      while ((await haven.worker.runOnce()) > 0) {}
      const processing = processSpan();
      const { db } = haven.store;
      const decisions = Number((await db.selectFrom('decisions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      if (decisions !== n) throw new BenchCheckError(`expected ${n} recorded decisions, got ${decisions}`);

      const current = (await latestConfig<Policy>(db, 'policy'))?.document as Policy;
      const policy: Policy = {
        ...current,
        categories: { ...current.categories, [CATEGORY]: { ...current.categories[CATEGORY], actionThreshold: NEW_ACTION_THRESHOLD } },
      };
      const rowsBefore = await counts(haven.store.db);
      log(`backtest: ${CATEGORY} actionThreshold -> ${NEW_ACTION_THRESHOLD} over all ${n} items`);
      const replaySpan = startSpan();
      const { report } = await runBacktest({ q: db, now: haven.clock.now(), llm: null }, { days: 30, overrides: { policy }, runBy: 'bench' });
      const replay = replaySpan();
      const rowsAfter = await counts(haven.store.db);
      if (report.items !== n) throw new BenchCheckError(`the backtest replayed ${report.items} items, expected ${n}`);
      for (const t of ['decisions', 'actions', 'events'] as const) {
        if (rowsAfter[t] !== rowsBefore[t]) throw new BenchCheckError(`the backtest wrote to ${t}`);
      }
      const p = report.precision.newActions;
      return {
        params: { items: n, seed: SEED, batch: BATCH, change: `${CATEGORY} actionThreshold ${current.categories[CATEGORY]?.actionThreshold ?? current.defaults.actionThreshold} -> ${NEW_ACTION_THRESHOLD}`, database: 'sqlite', llm: 'none' },
        phases: [
          { label: 'ingest (prepare + ingest)', items: n, ...ingest },
          { label: 'pipeline processing (worker.runOnce)', items: n, ...processing },
          { label: 'backtest replay (whole run: setup, reads, replay, report)', items: n, ...replay },
        ],
        ratios: [
          { label: 'replay items/s vs pipeline processing items/s (times faster)', value: processing.seconds / replay.seconds },
        ],
        counts: {
          replayed: report.items, flips: report.flips.total, verdictFlips: report.flips.verdict, categoryFlips: report.flips.category,
          newActions: p.items, newActionsLabelled: p.labelled, newActionsConfirmed: p.confirmed,
          droppedActions: report.precision.droppedActions.items, itemsWithMoreActions: report.actions.itemsWithMoreActions,
        },
        notes: [
          `estimated precision of the new actions: ${p.estimate === null ? 'n/a (no labelled items)' : p.estimate.toFixed(3)} from ${p.labelled} labelled items (sources ${JSON.stringify(p.bySource)})`,
          `estimated precision after vs before: ${fmt(report.precision.after.estimate)} vs ${fmt(report.precision.before.estimate)}`,
          `replay engine loop alone: ${Math.round(report.timings.itemsPerSecond)} items/s (setup ${report.timings.setupSeconds.toFixed(2)} s)`,
          `action delta by type: ${JSON.stringify(report.actions.delta)}`,
          'recorded decisions come from the real pipeline run above; the replay wrote nothing but its backtests row (checked)',
        ],
      };
    } finally {
      await haven.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

async function counts(db: Awaited<ReturnType<typeof openHaven>>['store']['db']) {
  const c = async (t: 'decisions' | 'actions' | 'events') => Number((await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { decisions: await c('decisions'), actions: await c('actions'), events: await c('events') };
}
