import type { Command } from 'commander';
import { localSecret, openHaven } from '../../app.js';
import { DEMO_WEBHOOK_PATH } from '../../api/routes/demo-platform.js';
import { buildServer } from '../../api/server.js';
import { loadConfig } from '../../config.js';
import { openDemoEscalation } from '../../demo/escalation.js';
import { playDemoReviewHistory } from '../../demo/review-history.js';
import { DEMO_PASSWORD, DEMO_USERS, isDemoSeeded, seedDemo } from '../../demo/seed.js';
import { startBackgroundWork } from '../../pipeline/loops.js';
import { listUsers } from '../../store/repos/people.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run Haven: the API and web UI, the pipeline worker and the webhook outbox (distributed with HAVEN_NATS_URL)')
    .option('--role <role>', 'all (one process), api (HTTP only) or worker (pipeline and outbox only)', 'all')
    .option('--port <port>', 'HTTP port (default HAVEN_PORT or 8080)')
    .option('--host <host>', 'HTTP bind address (default HAVEN_HOST or 127.0.0.1)')
    .option('--no-demo', 'do not seed the demo world on first start')
    .action(async (o: { role: string; port?: string; host?: string; demo: boolean }) => {
      if (!['all', 'api', 'worker'].includes(o.role)) throw new Error(`--role must be all, api or worker, not ${o.role}`);
      const base = loadConfig();
      const config = { ...base, port: o.port ? Number(o.port) : base.port, host: o.host ?? base.host, demo: base.demo && o.demo };
      const useDemoReceiver = config.demo && !config.webhookUrl && o.role === 'all';
      const webhook = useDemoReceiver
        ? { url: `http://127.0.0.1:${config.port}${DEMO_WEBHOOK_PATH}`, secret: localSecret(config, 'demo-webhook.secret') }
        : undefined;
      const haven = await openHaven(config, { webhook });
      const log = haven.logger;
      let server: Awaited<ReturnType<typeof buildServer>> | null = null;
      if (o.role !== 'worker') {
        server = await buildServer(haven, { ...(webhook ? { demoWebhookSecret: webhook.secret } : {}) });
        await server.listen({ port: config.port, host: config.host });
        log.info(`Haven ${o.role === 'all' ? '' : `(${o.role}) `}listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${haven.store.dialect}: ${haven.store.location})`);
      }
      if (!haven.outbox && o.role !== 'api') log.warn('no webhook configured (HAVEN_WEBHOOK_URL): platform actions wait in the outbox');
      const work = o.role === 'api' ? null : startBackgroundWork(haven, { pipeline: true, outbox: true });
      // The loops' idle timers do not hold the process open (so tests and scripts can exit); a worker without an
      // HTTP server must stay up until it is told to stop.
      const keepAlive = setInterval(() => {}, 60_000);

      if (config.demo && o.role !== 'worker' && !(await isDemoSeeded(haven)) && (await listUsers(haven.store.db)).length === 0) {
        log.info('first start: seeding the demo world (haven demo seed)...');
        const r = await seedDemo(haven, { accounts: 200, seed: 1 });
        log.info(`demo ready: ${r.items} items from ${r.accounts} accounts; log in as ${DEMO_USERS.map((u) => u.email).join(', ')} with password "${DEMO_PASSWORD}"`);
        // Once the pipeline has processed the world, a short scripted review shift gives the dashboard figures.
        // and an escalation is opened on the demo's evasive re-post for investigators to work.
        void work?.idle().then(async () => {
          const shift = await playDemoReviewHistory(haven);
          if (shift) log.info(`demo review shift: ${shift.decided} decisions, ${shift.qaChecks} QA checks`);
          const escalation = await openDemoEscalation(haven);
          if (escalation) log.info(`demo escalation ${escalation} opened`);
        }).catch((e: unknown) => log.error({ err: e }, 'demo review shift or escalation failed'));
      }

      const shutdown = async (signal: string) => {
        log.info(`${signal}: shutting down`);
        clearInterval(keepAlive);
        await server?.close();
        await work?.stop();
        await haven.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      log.info({ role: o.role, pid: process.pid, mode: haven.nats ? `distributed (NATS stream ${haven.nats.stream})` : 'embedded (jobs table)' }, 'started');
    });
}
