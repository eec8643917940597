/**
 * Haven for the `load` bench, run as a child process (so the load generator and the server do not share an event
 * loop): opens Haven from the environment, listens on a loopback port, creates an ingest API key and reports both
 * over IPC. The parent pauses and resumes processing and asks for the backlog over the same channel.
 */
import { pino } from 'pino';
import { openHaven } from '../src/app.js';
import { buildServer } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { type BackgroundWork, startBackgroundWork } from '../src/pipeline/loops.js';
import { countWaitingJobs } from '../src/store/repos/jobs.js';

export type LoadServerCommand = { id: number; op: 'pause' | 'resume' | 'backlog' | 'items' | 'processed' | 'cpu' | 'stop' };
export type LoadServerMessage =
  | { type: 'ready'; port: number; key: string }
  | { type: 'reply'; id: number; value: number };

const send = (m: LoadServerMessage) => process.send?.(m);

async function main(): Promise<void> {
  const config = loadConfig();
  const haven = await openHaven(config, { logger: pino({ level: 'silent' }) });
  const app = await buildServer(haven, { webRoot: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  const { key } = await haven.auth.createApiKey({ name: 'load-bench', scopes: ['items:write', 'items:read'] }, 'bench');
  let work: BackgroundWork | null = process.env.BENCH_PROCESSING === 'paused' ? null : startBackgroundWork(haven, { pipeline: true, outbox: false });

  process.on('message', (m: LoadServerCommand) => {
    void (async () => {
      let value = 0;
      if (m.op === 'pause') {
        await work?.stop();
        work = null;
      } else if (m.op === 'resume') {
        work ??= startBackgroundWork(haven, { pipeline: true, outbox: false });
      } else if (m.op === 'backlog') {
        value = await countWaitingJobs(haven.store.db);
      } else if (m.op === 'items') {
        value = Number((await haven.store.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      } else if (m.op === 'processed') {
        value = Number((await haven.store.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'processed').executeTakeFirstOrThrow()).n);
      } else if (m.op === 'cpu') {
        const used = process.cpuUsage();
        value = (used.user + used.system) / 1e6;
      } else if (m.op === 'stop') {
        await work?.stop();
        await app.close();
        await haven.close();
        process.send?.({ type: 'reply', id: m.id, value } satisfies LoadServerMessage, () => process.exit(0));
        return;
      }
      send({ type: 'reply', id: m.id, value });
    })();
  });
  send({ type: 'ready', port: address.port, key });
}

main().catch((e: unknown) => {
  process.stderr.write(`load-server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
