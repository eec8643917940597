import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { pino } from 'pino';
import { openHaven } from '../../../src/app.js';
import { itemInputSchema } from '../../../src/core/item-input.js';
import { CyberTiplineClient, type NcmecEndpoint } from '../../../src/enforcement/ncmec/client.js';
import { approveJob } from '../../../src/enforcement/ncmec/jobs.js';
import { ReportRunner } from '../../../src/enforcement/ncmec/runner.js';
import { fromJson, openStore, type Store } from '../../../src/store/db.js';
import { FINAL_STATUSES, jobExchanges, jobFiles } from '../../../src/store/repos/reports.js';
import { startHavenProcess, waitFor } from '../../helpers/cli.js';
import { backendEnv, type Prng, startHoldingProxy, withCrashSeed } from '../../helpers/crash-cli.js';
import { patternPng } from '../../helpers/images.js';
import { startNcmecServer } from '../../helpers/ncmec-server.js';
import { type Backend, forEachBackend } from '../../helpers/stores.js';
import { reportFixture } from './fixture.js';

// `haven serve --role worker` sends approved CyberTipline reports to a local stand-in for NCMEC's service through a
// proxy that holds one request back; the process is SIGKILLed while it waits (or just after the answer), restarted,
// and in the end every approved report must be finished at NCMEC exactly once with each of its files exactly once.

const HOLD_MS = 600;
const LEASE_MS = 2500;
const NCMEC = { platform: 'Haven Test', reporterEmail: 'safety@platform.example', minReviewed: 0 };
/** Accounts and the images each posts: three reports, five files. */
const POSTS: [account: string, seeds: number[]][] = [['acct_1', [1, 2]], ['acct_2', [3]], ['acct_3', [4, 5]]];

/** Approved report jobs on the backend: items matching a bank, processed by the pipeline, approved by legal. */
async function approvedReports(backend: Backend): Promise<string[]> {
  const h = await openHaven(backend.config, { logger: pino({ level: 'silent' }) });
  try {
    const bank = await h.banks.create({ name: 'known', description: 'test bank', source: 'test' }, 'user:policy@test');
    const seeds = POSTS.flatMap(([, s]) => s);
    const images = new Map(await Promise.all(seeds.map(async (s) => [s, await patternPng(s)] as const)));
    await h.banks.addEntries(bank.id, [...images.values()].map((img) => ({
      hashType: 'sha256' as const, hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01', classification: 'A1',
    })), 'user:policy@test');
    for (const [account, list] of POSTS) {
      for (const s of list) {
        const input = itemInputSchema.parse({
          externalId: `post_${s}`, surface: 'public_post', author: { externalId: account, ageBand: 'adult' },
          media: [{ data: (images.get(s) as Buffer).toString('base64') }],
        });
        await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test');
      }
    }
    while ((await h.worker.runOnce()) > 0) {}
    const jobs = await h.store.db.selectFrom('report_jobs').select('id').execute();
    for (const j of jobs) {
      await approveJob(h.store, j.id, { actor: 'user:legal@test', note: 'confirmed match', ncmec: { ...h.config.ncmec, ...NCMEC }, now: Date.now() });
    }
    return jobs.map((j) => j.id);
  } finally {
    await h.close();
  }
}

async function unsettled(store: Store): Promise<number> {
  const rows = await store.db.selectFrom('report_jobs').select('status').execute();
  return rows.filter((r) => !(FINAL_STATUSES as readonly string[]).includes(r.status)).length;
}

test('SIGKILL during CyberTipline submission: after restarts every approved report is finished once, each file uploaded once', { timeout: 180_000 }, async (t) => {
  await forEachBackend(t, async (backend, st) => withCrashSeed(st, async (rng: Prng) => {
    const ncmec = await startNcmecServer();
    const proxy = await startHoldingProxy(ncmec.url);
    const store = openStore({ databaseUrl: backend.config.databaseUrl, sqlitePath: backend.config.sqlitePath });
    try {
      const jobIds = await approvedReports(backend);
      assert.equal(jobIds.length, POSTS.length, 'one report job per reported account');
      const env = {
        ...backendEnv(backend), HAVEN_NCMEC_URL: proxy.url, HAVEN_NCMEC_USER: ncmec.user, HAVEN_NCMEC_PASSWORD_ENV: 'CRASH_NCMEC_PASSWORD',
        CRASH_NCMEC_PASSWORD: ncmec.password, HAVEN_NCMEC_PLATFORM: NCMEC.platform, HAVEN_NCMEC_REPORTER_EMAIL: NCMEC.reporterEmail,
        HAVEN_NCMEC_MIN_REVIEWED: '0', HAVEN_LEASE_MS: String(LEASE_MS),
      };

      // Each round holds a request to a step chosen at random (every step at least once) and kills Haven while it waits
      // for the answer, or just after it came back.
      const steps = rng.shuffle(['/submit', '/upload', '/fileinfo', '/finish']);
      let kills = 0;
      for (const step of steps) {
        if ((await unsettled(store)) === 0) break;
        const haven = startHavenProcess(st, ['serve', '--role', 'worker'], { dataDir: backend.config.dataDir, env });
        const killAfter = rng.int(0, HOLD_MS + 150);
        proxy.holdNext(step, rng.int(1, 2), HOLD_MS, () => {
          setTimeout(() => haven.child.kill('SIGKILL'), killAfter);
        });
        const ended = await Promise.race([
          haven.exited.then(() => 'killed' as const),
          waitFor('the reports to settle', async () => (await unsettled(store)) === 0, { timeoutMs: 60_000, intervalMs: 200 }).then(() => 'settled' as const),
        ]);
        st.diagnostic(`round ${step}: ${ended}${ended === 'killed' ? ` ${killAfter} ms into a ${HOLD_MS} ms hold` : ''}`);
        if (ended === 'killed') kills++;
        await haven.stop('SIGKILL');
        proxy.clearHold();
        await sleep(50);
      }
      assert.ok(kills >= 1, 'at least one round killed Haven mid-submission');

      // A last, undisturbed start finishes whatever is left.
      const last = startHavenProcess(st, ['serve', '--role', 'worker'], { dataDir: backend.config.dataDir, env });
      await waitFor('the reports to settle after the last restart', async () => (await unsettled(store)) === 0, { timeoutMs: 60_000, intervalMs: 200 });
      await last.stop('SIGTERM');

      const jobs = await store.db.selectFrom('report_jobs').selectAll().orderBy('id').execute();
      const finishedAtNcmec = [...ncmec.reports.entries()].filter(([, r]) => r.status === 'finished').map(([id]) => id).sort();
      assert.deepEqual(jobs.map((j) => j.status), jobs.map(() => 'finished'), JSON.stringify(jobs.map((j) => [j.status, j.last_error])));
      assert.deepEqual(jobs.map((j) => j.ncmec_report_id).sort(), finishedAtNcmec, 'exactly one finished NCMEC report per Haven report, and it is the one Haven records');
      let interruptedSubmits = 0;
      for (const job of jobs) {
        const id = job.ncmec_report_id as string;
        assert.equal(job.inflight_step, null, 'nothing left in flight');
        const finishes = ncmec.calls.filter((c) => c.path === '/finish' && c.responseCode === 0 && new URLSearchParams(c.body).get('id') === id);
        assert.equal(finishes.length, 1, `report ${id} finished by exactly one /finish`);
        const files = await jobFiles(store.db, job.id);
        const atNcmec = [...(ncmec.reports.get(id)?.files.values() ?? [])];
        assert.deepEqual(atNcmec.map((f) => f.md5).sort(), files.map((f) => f.md5).sort(), `report ${id} holds each of its files exactly once`);
        assert.ok(atNcmec.every((f) => f.details !== null), 'every file has its details');
        assert.ok(files.every((f) => f.ncmec_file_id !== null && f.details_sent_at !== null));
        const exchanges = await jobExchanges(store.db, job.id);
        assert.equal(`${exchanges.at(-1)?.step}:${exchanges.at(-1)?.outcome}`, 'finish:ok');
        interruptedSubmits += exchanges.filter((e) => e.step === 'submit' && e.response?.startsWith('interrupted')).length;
        const submitted = await store.db.selectFrom('events').select('payload').where('type', '=', 'report_submitted').execute();
        assert.ok(submitted.some((e) => fromJson<{ ncmecReportId?: string }>(e.payload).ncmecReportId === id), 'the submission event names the NCMEC report id');
      }
      // Any other report at NCMEC is one Haven retracted (a restart after an interrupted upload) or, after an interrupted
      // submit whose answer was lost, an open one Haven never learnt the id of: empty and never finished.
      const others = [...ncmec.reports.entries()].filter(([id]) => !finishedAtNcmec.includes(id));
      const orphans = others.filter(([, r]) => r.status === 'open');
      assert.ok(others.every(([, r]) => r.status !== 'finished'));
      assert.ok(orphans.length <= interruptedSubmits, `${orphans.length} open orphan report(s), ${interruptedSubmits} interrupted submit(s) recorded`);
      assert.ok(orphans.every(([, r]) => r.files.size === 0), 'an orphan holds no files');
      const retracts = ncmec.calls.filter((c) => c.path === '/retract' && c.responseCode === 0).map((c) => new URLSearchParams(c.body).get('id'));
      for (const [id, r] of others.filter(([, x]) => x.status === 'retracted')) assert.ok(retracts.includes(id), `report ${id} (${r.status}) retracted by Haven`);
      st.diagnostic(`NCMEC saw ${ncmec.count('/submit')} submit(s), ${ncmec.count('/upload')} upload(s), ${others.length} extra report(s) (${orphans.length} open)`);
    } finally {
      await store.close();
      await proxy.close();
      await ncmec.close();
    }
  }));
});

/** A client whose answer to the nth call of one step is lost, as when the process dies just after NCMEC acted. */
class AnswerLost extends Error {}
function losingClient(real: CyberTiplineClient, step: 'submit' | 'upload' | 'fileInfo' | 'finish', nth: number): CyberTiplineClient {
  let calls = 0;
  return new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== step || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const answer = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (++calls === nth) throw new AnswerLost(`the answer to ${step} #${nth} was lost`);
        return answer;
      };
    },
  });
}

test('each CyberTipline step whose answer is lost is recovered: one finished report, each file once', async (t) => {
  for (const [step, nth] of [['submit', 1], ['upload', 2], ['fileInfo', 1], ['finish', 1]] as const) {
    await t.test(`the answer to ${step} #${nth}`, (st) => forEachBackend(st, async (backend) => {
      const x = await reportFixture(backend);
      try {
        await x.ingest('post_1', x.images[0] as Buffer);
        await x.ingest('post_2', x.images[1] as Buffer);
        await x.f.drain();
        const job = await x.h.store.db.selectFrom('report_jobs').select('id').executeTakeFirstOrThrow();
        x.h.config.ncmec = { ...x.h.config.ncmec, ...NCMEC };
        await approveJob(x.h.store, job.id, { actor: 'user:legal@test', note: 'ok', ncmec: x.h.config.ncmec, now: Date.now() });
        const runner = (client: CyberTiplineClient) => new ReportRunner(x.h.store, {
          client, keys: x.h.keys, ncmec: x.h.config.ncmec, clock: { now: () => Date.now() }, logger: pino({ level: 'silent' }), leaseMs: 60_000,
        });
        const real = new CyberTiplineClient(x.h.config.ncmec.endpoint as NcmecEndpoint);
        await assert.rejects(runner(losingClient(real, step, nth)).runOnce(), AnswerLost);
        assert.equal((await x.h.store.db.selectFrom('report_jobs').select('inflight_step').executeTakeFirstOrThrow()).inflight_step, step.toLowerCase());
        // A new process takes the job over (the dead one's lease is gone).
        for (let i = 0; (await runner(real).runOnce()) > 0; i++) {
          if (i > 20) assert.fail(`${step}: the job does not settle: ${JSON.stringify(await x.h.store.db.selectFrom('report_jobs').selectAll().executeTakeFirst())} ${JSON.stringify((await jobExchanges(x.h.store.db, job.id)).slice(-4).map((e) => [e.step, e.outcome, e.response]))}`);
        }
        const done = await x.h.store.db.selectFrom('report_jobs').selectAll().executeTakeFirstOrThrow();
        assert.equal(done.status, 'finished', `${step}: ${done.last_error}`);
        const finished = [...x.ncmec.reports.entries()].filter(([, r]) => r.status === 'finished');
        assert.deepEqual(finished.map(([id]) => id), [done.ncmec_report_id], `${step}: one finished report, Haven's`);
        const files = [...(finished[0]?.[1].files.values() ?? [])];
        assert.deepEqual(files.map((f) => f.md5).sort(), (await jobFiles(x.h.store.db, job.id)).map((f) => f.md5).sort(), `${step}: each file once`);
        const others = [...x.ncmec.reports.values()].filter((r) => r.status !== 'finished');
        // A lost upload answer: the report holding the unknown file was retracted. A lost submit answer: an empty orphan.
        assert.deepEqual(others.map((r) => `${r.status}:${r.files.size}`), step === 'upload' ? ['retracted:2'] : step === 'submit' ? ['open:0'] : []);
        const exchanges = (await jobExchanges(x.h.store.db, job.id)).map((e) => `${e.step}:${e.outcome}`);
        assert.ok(exchanges.includes(`${step.toLowerCase()}:retry`), `${step}: the interruption is on record (${exchanges.join(' ')})`);
        assert.equal(x.ncmec.calls.filter((c) => c.path === '/finish' && c.responseCode === 0).length, 1);
      } finally {
        await x.close();
      }
    }));
  }
});
