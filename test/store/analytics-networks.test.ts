import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { banEvasionReport, networkRanking, networkView, repeatOffenderReport } from '../../src/analytics/networks/load.js';
import { openHaven } from '../../src/app.js';
import type { ItemInput } from '../../src/core/item-input.js';
import { resolveAccountId } from '../../src/store/repos/analytics-networks.js';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const DAY = 86_400_000;

test('a planted network, built through the real pipeline, ranks first with its reasons and its new account is flagged', async (t) => {
  await forEachBackend(t, async (backend) => {
    const T0 = Date.UTC(2025, 0, 10);
    const clock = { t: T0, now() { return this.t; } };
    const haven = await openHaven(backend.config, { logger: testLogger(), clock });
    try {
      const img = await patternPng(17);
      const bank = await haven.banks.create({ name: 'net', description: '', source: 'test' }, 'test');
      const [entry] = await haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const minors = ['kid-1', 'kid-2', 'kid-3'].map((externalId) => ({ externalId, ageBand: '13_15' as const }));
      const ingest = async (items: ItemInput[]) => {
        await haven.ingestor.ingest(await Promise.all(items.map((i) => haven.ingestor.prepare(i))), 'test');
        while ((await haven.worker.runOnce()) > 0) {}
      };

      // The ring: the same banked image, the same device, the same three minors.
      const ring = ['ring-1', 'ring-2', 'ring-3'];
      await ingest(ring.flatMap((a, k): ItemInput[] => [
        { externalId: `${a}-img`, surface: 'public_post', author: { externalId: a, ageBand: 'adult', createdAt: T0 - 100 * DAY },
          media: [{ data: img.toString('base64') }], metadata: { deviceId: 'dev-ring' }, createdAt: T0 - (5 - k) * DAY },
        { externalId: `${a}-dm`, surface: 'direct_message', author: { externalId: a, ageBand: 'adult' }, recipients: minors,
          text: 'hi, what games do you play?', metadata: { deviceId: 'dev-ring' }, createdAt: T0 - (5 - k) * DAY + 1000 },
      ]));
      // A family sharing one tablet: linked, but nothing else.
      const family = ['fam-1', 'fam-2', 'fam-3'];
      await ingest(family.map((a): ItemInput => ({
        externalId: `${a}-post`, surface: 'public_post', author: { externalId: a, ageBand: 'adult', createdAt: T0 - 100 * DAY },
        text: 'see you at practice', metadata: { deviceId: 'dev-family', ipHash: 'ip-home' },
      })));

      // A day later: a new account on the ring's device, writing to two of the same minors; and a new family member.
      clock.t = T0 + DAY;
      await ingest([
        { externalId: 'new-dm', surface: 'direct_message', author: { externalId: 'ring-new', ageBand: 'adult', createdAt: T0 + DAY / 2 },
          recipients: minors.slice(0, 2), text: 'hey, saw your post', metadata: { deviceId: 'dev-ring' } },
        { externalId: 'fam-new-post', surface: 'public_post', author: { externalId: 'fam-new', ageBand: 'adult', createdAt: T0 + DAY / 2 },
          text: 'great game today', metadata: { deviceId: 'dev-family' } },
      ]);

      const db = haven.store.db;
      const id = async (x: string) => (await resolveAccountId(db, x)) as string;
      const ringIds = await Promise.all([...ring, 'ring-new'].map(id));
      const window = { from: T0 - 30 * DAY, to: T0 + 2 * DAY };

      const ranking = await networkRanking(db, window, { limit: 10 });
      assert.equal(ranking.communities.length, 2, JSON.stringify(ranking.communities.map((c) => c.members)));
      const [top, second] = ranking.communities;
      assert.deepEqual(top?.members.map((m) => m.id).sort(), [...ringIds].sort());
      assert.deepEqual(second?.members.map((m) => m.externalId).sort(), [...family, 'fam-new'].sort());
      const reasons = new Map(top?.reasons.map((r) => [r.kind, r]));
      assert.equal(reasons.get('violating_members')?.count, 3);
      assert.equal(reasons.get('disabled_members')?.count, 3);
      assert.equal(reasons.get('shared_bank_entries')?.count, 1);
      assert.equal(reasons.get('shared_bank_entries')?.evidence.find((e) => e.type === 'bank_entry')?.id, entry?.id);
      assert.equal(reasons.get('minor_contacts')?.count, 3);
      assert.equal(reasons.get('shared_devices')?.count, 1);
      assert.deepEqual(second?.reasons.map((r) => r.kind).sort(), ['shared_devices', 'shared_ips']);

      const evasion = await banEvasionReport(db, window, { limit: 10 });
      assert.deepEqual(evasion.flags.map((f) => f.externalId), ['ring-new']);
      const flag = evasion.flags[0];
      assert.deepEqual(flag?.linkedTo.map((l) => l.disabledExternalId).sort(), ring);
      assert.ok(flag?.linkedTo.some((l) => l.via.some((v) => v.type === 'device' && v.key === 'dev-ring')));

      const view = await networkView(db, window, { accountId: ringIds[3] as string });
      assert.equal(view?.community.id, top?.id);
      assert.equal(view?.nodes.length, 4);
      assert.equal(view?.nodes.filter((n) => n.disabled).length, 3);
      assert.equal(view?.edges.length, 6);
      assert.equal((await networkView(db, window, { communityId: top?.id as string }))?.nodes.length, 4);
      assert.equal(await networkView(db, window, { communityId: 'c_nosuch' }), null);

      // A window that ends before the ring was ingested sees nothing.
      assert.deepEqual((await networkRanking(db, { from: T0 - 30 * DAY, to: T0 - 1 }, { limit: 10 })).communities, []);

      const offenders = await repeatOffenderReport(db, window, { min: 1, limit: 10 });
      assert.deepEqual(offenders.offenders.map((o) => o.externalId).sort(), ring);
      assert.deepEqual((await repeatOffenderReport(db, window, { min: 2, limit: 10 })).offenders, []);
    } finally {
      await haven.close();
    }
  });
});
