import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { openHaven } from '../../src/app.js';
import { PERMISSIONS } from '../../src/core/roles.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import { ProposalService } from '../../src/learning/proposals/index.js';
import { fromJson, openStore, type Store } from '../../src/store/db.js';
import { backtestsOfProposal } from '../../src/store/repos/proposals.js';
import { startHavenProcess } from '../helpers/cli.js';
import { backendEnv, withCrashSeed } from '../helpers/crash-cli.js';
import { type Backend, forEachBackend } from '../helpers/stores.js';

// `haven proposal backtest` replays history through a proposed threshold change; it is SIGKILLed at random moments
// of its run, and after each kill the proposal must be in a state a person can act on (never a backtest stuck
// 'running'); run again to the end, it must give the same figures as an uninterrupted run of the same change.

const ITEMS = 2000;
const KILL_ROUNDS = 3;
const CHANGE = { patch: { category: 'CSE-05', actionThreshold: 0.6 } };
const PROPOSER = { label: 'user:policy@test', permissions: new Set(PERMISSIONS) };

/** Demo text items processed by the pipeline, and two draft proposals of the same change. */
async function history(backend: Backend): Promise<[reference: string, crashed: string]> {
  const h = await openHaven(backend.config, { logger: pino({ level: 'silent' }) });
  try {
    const prepared = [];
    for (const input of demoTextItems(ITEMS, 7, undefined, 0.35)) prepared.push(await h.ingestor.prepare(input));
    await h.ingestor.ingest(prepared, 'test');
    while ((await h.worker.runOnce()) > 0) {}
    const s = new ProposalService(h);
    const a = await s.create({ kind: 'threshold_change', title: 'reference', change: CHANGE }, PROPOSER);
    const b = await s.create({ kind: 'threshold_change', title: 'crashed', change: CHANGE }, PROPOSER);
    return [a.id, b.id];
  } finally {
    await h.close();
  }
}

/** The report without its run times, which differ from run to run. */
function figures(report: Record<string, unknown>): Record<string, unknown> {
  const { timings: _timings, ...rest } = report;
  return rest;
}

/** The proposal's status, its backtest records and its proposal_backtested events: they must agree. */
async function recorded(store: Store, proposalId: string) {
  const status = (await store.db.selectFrom('proposals').select('status').where('id', '=', proposalId).executeTakeFirstOrThrow()).status;
  const records = await backtestsOfProposal(store.db, proposalId);
  const events = (await store.db.selectFrom('events').select('payload').where('type', '=', 'proposal_backtested').execute())
    .map((e) => fromJson<{ proposalId: string; backtestId: string }>(e.payload)).filter((p) => p.proposalId === proposalId);
  return { status, records, events };
}

test('a backtest SIGKILLed mid-run is never left running, and run again gives the uninterrupted figures', { timeout: 240_000 }, async (t) => {
  await forEachBackend(t, async (backend, st) => withCrashSeed(st, async (rng) => {
    const [referenceId, crashedId] = await history(backend);
    const store = openStore({ databaseUrl: backend.config.databaseUrl, sqlitePath: backend.config.sqlitePath });
    const opts = { dataDir: backend.config.dataDir, env: backendEnv(backend) };
    try {
      const started = Date.now();
      const reference = startHavenProcess(st, ['proposal', 'backtest', referenceId, '--days', '30', '--json'], opts);
      assert.equal((await reference.exited).code, 0, reference.stderr());
      const fullMs = Date.now() - started;
      const full = JSON.parse(reference.stdout()) as { timings: { seconds: number; setupSeconds: number } };
      const expected = figures(full as unknown as Record<string, unknown>);
      assert.equal(expected.items, ITEMS);
      // The replay is the end of the run: kill times are drawn mostly from it, some from the start-up before.
      const replayMs = Math.round(1000 * (full.timings.seconds + full.timings.setupSeconds));
      st.diagnostic(`an uninterrupted backtest process takes ${fullMs} ms, ${replayMs} ms of it replaying`);

      let killed = 0;
      for (let round = 0; round < KILL_ROUNDS; round++) {
        const run = startHavenProcess(st, ['proposal', 'backtest', crashedId, '--days', '30', '--json'], opts);
        // Anywhere in the run: starting up, replaying, or writing the record.
        const at = rng.next() < 0.8 ? rng.int(fullMs - replayMs, fullMs + 100) : rng.int(0, fullMs - replayMs);
        await Promise.race([sleep(at), run.exited]);
        run.child.kill('SIGKILL');
        const exit = await run.exited;
        if (exit.signal === 'SIGKILL') killed++;
        const state = await recorded(store, crashedId);
        st.diagnostic(`round ${round + 1}: ${exit.signal === 'SIGKILL' ? `killed at ${at} ms` : 'finished first'}; ${state.status}, ${state.records.length} record(s)`);
        // Finished, or as if never started: a status from before or after, never in between.
        assert.ok(['draft', 'backtested'].includes(state.status), `status ${state.status}`);
        assert.equal(state.status === 'backtested', state.records.length > 0, 'backtested exactly when a record exists');
        assert.deepEqual(state.events.map((e) => e.backtestId).sort(), state.records.map((r) => r.id).sort(), 'one event per record');
        for (const r of state.records) assert.deepEqual(figures(r.report), expected, 'a recorded backtest has the full figures');
      }
      assert.ok(killed >= 1, 'at least one backtest was killed before it finished');

      const again = startHavenProcess(st, ['proposal', 'backtest', crashedId, '--days', '30', '--json'], opts);
      assert.equal((await again.exited).code, 0, again.stderr());
      assert.deepEqual(figures(JSON.parse(again.stdout()) as Record<string, unknown>), expected, 'the re-run gives the uninterrupted figures');
      const state = await recorded(store, crashedId);
      assert.equal(state.status, 'backtested');
      assert.ok(state.records.length >= 1);
      assert.deepEqual(state.events.map((e) => e.backtestId).sort(), state.records.map((r) => r.id).sort());
      for (const r of state.records) assert.deepEqual(figures(r.report), expected);
    } finally {
      await store.close();
    }
  }));
});
