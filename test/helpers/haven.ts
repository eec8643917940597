import type { AddressInfo } from 'node:net';
import { openHaven } from '../../src/app.js';
import { buildServer } from '../../src/api/server.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import { startReceiver } from './receiver.js';
import { makeBackend } from './stores.js';
import { testLogger } from './logging.js';

const SECRET = 'helper-webhook-secret-0123456789';

/**
 * A running Haven on SQLite with the demo world seeded and fully processed (decisions made, platform actions
 * delivered to a local receiver), serving the built web UI.
 */
export async function startHaven(opts: { accounts?: number; demo?: boolean } = {}) {
  const backend = await makeBackend('sqlite');
  const receiver = await startReceiver(SECRET);
  const haven = await openHaven(backend.config, { logger: testLogger(), webhook: { url: receiver.url, secret: SECRET } });
  if (opts.demo !== false) await seedDemo(haven, { accounts: opts.accounts ?? 40, seed: 1 });
  while ((await haven.worker.runOnce()) > 0) {}
  while (((await haven.outbox?.runOnce()) ?? 0) > 0) {}
  const server = await buildServer(haven);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as AddressInfo;
  const matched = await haven.store.db
    .selectFrom('decisions')
    .innerJoin('items', 'items.id', 'decisions.item_id')
    .select(['items.id', 'items.external_id'])
    .where('decisions.category', '=', 'CSE-01')
    .where('decisions.verdict', '=', 'violating')
    .orderBy('items.id')
    .executeTakeFirstOrThrow();
  return {
    url: `http://127.0.0.1:${port}`,
    haven,
    adminEmail: 'admin@haven.local',
    reviewerEmail: 'reviewer@haven.local',
    analystEmail: 'analyst@haven.local',
    password: DEMO_PASSWORD,
    matchedItemId: matched.id,
    matchedExternalId: matched.external_id,
    async close() {
      await server.close();
      await haven.close();
      await receiver.close();
      await backend.cleanup();
    },
  };
}
