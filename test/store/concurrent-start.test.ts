import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven } from '../../src/app.js';
import { postgresBackendOrSkip } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

test('several processes starting at once on a new Postgres database migrate it and write the default configuration once', async (t) => {
  const backend = await postgresBackendOrSkip(t);
  if (!backend) return;
  // Separate pools, as separate processes have; all start before any has finished migrating.
  const opened = await Promise.allSettled(Array.from({ length: 4 }, () => openHaven(backend.config, { logger: testLogger() })));
  const havens = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  t.after(async () => {
    for (const h of havens) await h.close();
  });
  assert.deepEqual(opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason)), []);
  const [first] = havens;
  assert.ok(first);
  const versions = await first.store.db.selectFrom('config_versions').select(['kind', 'version']).orderBy('kind').execute();
  const kinds = versions.map((v) => v.kind);
  assert.equal(new Set(kinds).size, kinds.length, 'each configuration kind has exactly one version');
  assert.ok(versions.every((v) => v.version === 1));
});
