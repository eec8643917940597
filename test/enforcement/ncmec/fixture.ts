import { createHash } from 'node:crypto';
import { itemInputSchema } from '../../../src/core/item-input.js';
import { CyberTiplineClient } from '../../../src/enforcement/ncmec/client.js';
import { ReportRunner } from '../../../src/enforcement/ncmec/runner.js';
import { apiFixture, PASSWORD } from '../../api/setup.js';
import { patternPng } from '../../helpers/images.js';
import { startNcmecServer } from '../../helpers/ncmec-server.js';
import type { Backend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

/** An API over a fresh backend with legal and investigator users, a CSE-01 bank, and a local NCMEC service. */
export async function reportFixture(backend: Backend, webhook?: { url: string; secret: string }) {
  const ncmec = await startNcmecServer();
  const f = await apiFixture(backend, webhook);
  const h = f.haven;
  h.config.ncmec = { endpoint: { url: ncmec.url, user: ncmec.user, password: ncmec.password }, minReviewed: 1, platform: 'Haven Test', reporterEmail: null };
  for (const role of ['legal', 'investigator'] as const) {
    await h.auth.createUser({ email: `${role}@test.local`, name: role, password: PASSWORD, roles: [role] }, 'test');
  }
  const bank = await h.banks.create({ name: 'known', description: 'test bank', source: 'test' }, 'user:policy@test');
  const images = [await patternPng(1), await patternPng(2)];
  await h.banks.addEntries(bank.id, images.map((img) => ({
    hashType: 'sha256' as const, hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01', classification: 'A1',
  })), 'user:policy@test');

  async function ingest(externalId: string, image: Buffer, author = 'acct_1', surface = 'public_post') {
    const input = itemInputSchema.parse({ externalId, surface, author: { externalId: author, ageBand: 'adult' }, media: [{ data: image.toString('base64') }] });
    return (await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test'))[0]!;
  }
  async function as(role: string) {
    const s = await f.login(role);
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    return {
      get: (url: string) => f.app.inject({ method: 'GET', url, headers }),
      post: (url: string, payload: object) => f.app.inject({ method: 'POST', url, headers, payload }),
      patch: (url: string, payload: object) => f.app.inject({ method: 'PATCH', url, headers, payload }),
    };
  }
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const runner = () => new ReportRunner(h.store, {
    client: new CyberTiplineClient(h.config.ncmec.endpoint!), keys: h.keys, ncmec: h.config.ncmec, clock, logger: testLogger(), leaseMs: 60_000,
  });
  return {
    f, h, ncmec, images, ingest, as, runner,
    /** Moves the runner's clock on (past a retry's backoff). */
    advance: (ms: number) => { offset += ms; },
    async close() {
      await f.close();
      await ncmec.close();
    },
  };
}
