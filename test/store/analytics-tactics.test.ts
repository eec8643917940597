// Adversarial tactics on a real store, planted through the real pipeline: an obfuscation campaign (leetspeak around a
// phrase the text rules catch, carrying one new neutral coded word) rising over the last days against a flat plain
// baseline; and cropped re-posts of a banked generated scene that only nearly match it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { openHaven, type Haven } from '../../src/app.js';
import { DAY_MS } from '../../src/analytics/tactics/tactics-over-time.js';
import { sinceWindow, termWindows } from '../../src/analytics/tactics/windows.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { loadEmergingTerms, loadHashEvasion, loadTactics } from '../../src/store/repos/analytics-tactics.js';
import { scenePng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { testLogger } from '../helpers/logging.js';

const silent = testLogger();
const PLAIN = 'keep this between us, see you at the park';
const CAMPAIGN = 'k33p th1s b3tw33n u5, br1ng th3 bluefinch';
/** Campaign items per day, oldest (6 days ago) to today: rising. */
const RISING = [1, 1, 2, 2, 3, 3, 4];

async function ingestAll(h: Haven, inputs: unknown[]): Promise<string[]> {
  const prepared = await Promise.all(inputs.map((i) => h.ingestor.prepare(itemInputSchema.parse(i))));
  const results = await h.ingestor.ingest(prepared, 'api_key:test');
  while ((await h.worker.runOnce()) > 0) {}
  return results.map((r) => r.itemId);
}

test('a planted obfuscation campaign: the tactic rises and the coded word emerges, with the items behind them', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: silent });
    try {
      // The secrecy rule alone acts here, so the campaign's items are violating without a reviewer.
      await h.configs.deploy('policy', {
        ...DEFAULT_POLICY, categories: { ...DEFAULT_POLICY.categories, 'CSE-13': { actionThreshold: 0.4, reviewThreshold: 0.3 } },
      }, 'test: act on secrecy alone', 'user:policy@example.org');
      const now = Date.now();
      const at = (daysAgo: number, k: number) => now - daysAgo * DAY_MS - (k + 1) * 60_000;
      const inputs: unknown[] = [];
      // Flat baseline: one plain violating item and one harmless item a day for four weeks.
      for (let d = 1; d <= 27; d++) {
        inputs.push({ externalId: `plain_${d}`, surface: 'direct_message', text: PLAIN, createdAt: at(d, 0), author: { externalId: `acct_p${d % 5}` } });
        inputs.push({ externalId: `chat_${d}`, surface: 'direct_message', text: 'see you at the park later', createdAt: at(d, 1), author: { externalId: 'acct_c' } });
      }
      const campaign: string[] = [];
      const campaignInputs: unknown[] = [];
      RISING.forEach((n, i) => {
        for (let k = 0; k < n; k++) {
          campaignInputs.push({ externalId: `camp_${i}_${k}`, surface: 'direct_message', text: CAMPAIGN, createdAt: at(6 - i, k + 2), author: { externalId: `acct_x${k}` } });
        }
      });
      await ingestAll(h, inputs);
      campaign.push(...(await ingestAll(h, campaignInputs)));
      const verdicts = await h.store.db.selectFrom('decisions').select('verdict').where('item_id', 'in', campaign).execute();
      assert.ok(verdicts.length === campaign.length && verdicts.every((v) => v.verdict === 'violating'), 'the rules see through the leetspeak');

      const tactics = await loadTactics(h.store.db, sinceWindow('28d', now + 1));
      const leet = tactics.trends.find((x) => x.tactic === 'leet');
      assert.equal(leet?.recent, campaign.length);
      assert.equal(leet?.earlier, 0);
      assert.equal(leet?.rising, true);
      assert.deepEqual(tactics.trends.filter((x) => x.rising).map((x) => x.tactic), ['leet'], 'only the planted tactic rises');
      assert.equal(tactics.texts, 54 + campaign.length);
      const points = tactics.points.filter((p) => p.tactic === 'leet');
      assert.deepEqual(points.map((p) => p.items).reduce((a, b) => a + b, 0), campaign.length);
      assert.deepEqual(new Set(points.flatMap((p) => p.itemIds)), new Set(campaign), 'each point names its items');
      const cse13 = tactics.byCategory.find((c) => c.tactic === 'leet');
      assert.equal(cse13?.category, 'CSE-13');
      assert.equal(cse13?.items, campaign.length);

      const terms = await loadEmergingTerms(h.store.db, termWindows('7d', '21d', now + 1));
      assert.equal(terms.recentDocuments, campaign.length + 6, 'recent violating items: the campaign and six plain ones');
      assert.equal(terms.terms[0]?.term, 'bluefinch', JSON.stringify(terms.terms.map((x) => x.term)));
      assert.equal(terms.terms[0]?.recent, campaign.length);
      assert.ok(terms.terms[0]!.exampleItemIds.every((id) => campaign.includes(id)));
      assert.ok(!terms.terms.some((x) => /park|between/.test(x.term)), 'the flat phrase does not emerge');
    } finally {
      await h.close();
    }
  });
});

const crop = (img: Buffer, left: number) => sharp(img).extract({ left, top: 0, width: 640 - left, height: 480 }).png().toBuffer();

test('cropped re-posts of a banked scene form one new variant family around the entry; reviewer confirmations counted', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: silent });
    try {
      const original = await scenePng(1);
      const [prepared] = (await h.ingestor.prepare(itemInputSchema.parse({ externalId: 'probe', surface: 'public_post', media: [{ data: original.toString('base64') }] }))).media;
      const bank = await h.banks.create({ name: 'known-images', description: 'industry list', source: 'test' }, 'test');
      await h.banks.addEntries(bank.id, [{ hashType: 'pdq', hash: prepared!.pdq!, category: 'CSE-01' }], 'test');
      const entry = await h.store.db.selectFrom('bank_entries').select('id').where('bank_id', '=', bank.id).executeTakeFirstOrThrow();
      const variants = await ingestAll(h, await Promise.all([16, 19, 20].map(async (left) => ({
        externalId: `repost_${left}`, surface: 'public_post', author: { externalId: `acct_${left}` }, media: [{ data: (await crop(original, left)).toString('base64') }],
      }))));
      const unrelated = await ingestAll(h, [{ externalId: 'other', surface: 'public_post', media: [{ data: (await scenePng(3)).toString('base64') }] }]);

      // A reviewer confirmed one of the variants.
      await h.store.db.insertInto('review_decisions').values({
        id: 'rd_test_1', task_id: 'task_test_1', item_id: variants[0]!, kind: 'standard', reviewer: 'user:r1@example.org', verdict: 'violating',
        category: 'CSE-01', severity: 'S0', labels: '[]', policy_clause: null, note: null, actions: '[]', outcome: 'final', decision_id: null,
        subject_decision_id: null, agrees: null, bulk_id: null, claimed_at: null, created_at: Date.now(),
      }).execute();

      const report = await loadHashEvasion(h.store.db, sinceWindow('7d', Date.now() + 1));
      assert.equal(report.entries.length, 1, JSON.stringify(report));
      const [e] = report.entries;
      assert.equal(e?.bankEntryId, entry.id);
      assert.equal(e?.families.length, 1, 'the crops are one family of variants');
      const family = e!.families[0]!;
      assert.deepEqual(new Set(family.itemIds), new Set(variants));
      assert.ok(!family.itemIds.includes(unrelated[0]!));
      assert.ok(family.minDistance > 31 && family.maxDistance <= 48, `near misses only: ${family.minDistance}-${family.maxDistance}`);
      assert.equal(family.isNew, true);
      assert.equal(family.confirmedItems, 1);
      assert.deepEqual(family.confirmedItemIds, [variants[0]]);
      assert.equal(report.newFamilies, 1);

      const later = await loadHashEvasion(h.store.db, sinceWindow('7d', Date.now() + 8 * DAY_MS));
      assert.equal(later.entries.length, 0, 'nothing in a later window');
    } finally {
      await h.close();
    }
  });
});
