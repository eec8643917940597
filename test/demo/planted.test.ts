import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemInputSchema } from '../../src/core/item-input.js';
import { isMinorBand } from '../../src/core/types.js';
import { defaultRulesDocument } from '../../src/detectors/text/rules/default-rules.js';
import { RuleSet } from '../../src/detectors/text/rules/rule-set.js';
import { PLANTED, plantAnalytics } from '../../src/demo/planted.js';
import { DEFAULT_NOW, generateWorld } from '../../src/demo/world.js';

const RULES = RuleSet.compile(defaultRulesDocument().rules, 1);
const HOUR = 3_600_000;
const DAY = 86_400_000;

test('planted patterns: deterministic, valid, small, and shaped as PLANTED says', async () => {
  const world = await generateWorld({ accounts: 40, seed: 1 });
  const a = plantAnalytics(world, DEFAULT_NOW);
  assert.equal(JSON.stringify(a), JSON.stringify(plantAnalytics(world, DEFAULT_NOW)));
  assert.ok(a.items.length <= world.items.length * 0.15, `${a.items.length} planted beside ${world.items.length}`);
  const worldIds = new Set(world.items.map((i) => i.externalId));
  for (const i of a.items) {
    assert.ok(itemInputSchema.safeParse(i).success, i.externalId);
    assert.ok(!worldIds.has(i.externalId), `${i.externalId} is new`);
    assert.ok((i.createdAt as number) < DEFAULT_NOW);
  }
  const bands = new Map(world.accounts.map((x) => [x.externalId, x.ageBand]));

  // The spike: PLANTED.spike.count comments in the last hours, each found by the platform-move rule.
  const spike = a.items.filter((i) => a.facts.spikeItems.includes(i.externalId));
  assert.equal(spike.length, PLANTED.spike.count);
  for (const i of spike) {
    assert.equal(i.surface, PLANTED.spike.surface);
    assert.ok((i.createdAt as number) >= DEFAULT_NOW - PLANTED.spike.withinHours * HOUR);
    const hits = RULES.evaluate(i.text ?? '', { surface: i.surface, authorAgeBand: 'adult', recipientAgeBands: [] });
    assert.ok(hits.some((h) => h.category === PLANTED.spike.category), i.text);
  }

  // The network: members share one banked image and the same minor targets; the evader shares the disabled one's device.
  const n = PLANTED.network;
  assert.equal(a.facts.networkTargets.length, n.targetCount);
  assert.ok(a.facts.networkTargets.every((t) => isMinorBand(bands.get(t) ?? 'adult')));
  const banked = new Set(world.banks[0]!.entries.map((e) => e.hash));
  assert.ok(a.facts.networkImageSha256 && banked.has(a.facts.networkImageSha256));
  for (const m of n.members) {
    const sent = a.items.filter((i) => i.author?.externalId === m);
    assert.equal(sent.filter((i) => (i.media?.length ?? 0) > 0).length, 1, `${m} posts the image`);
    assert.deepEqual(sent.flatMap((i) => i.recipients ?? []).map((r) => r.externalId).sort(), a.facts.networkTargets);
  }
  assert.deepEqual(a.accounts.find((x) => x.externalId === n.disabled)?.flags, [n.disabledFlag]);
  const evader = a.accounts.find((x) => x.externalId === n.evader)!;
  assert.ok((evader.createdAt as number) >= DEFAULT_NOW - 3 * DAY);
  const devices = (id: string) => new Set(a.items.filter((i) => i.author?.externalId === id).map((i) => i.metadata?.deviceId));
  assert.deepEqual([...devices(n.evader)], [n.deviceId]);
  assert.deepEqual([...devices(n.disabled)], [n.deviceId]);

  // The campaign: rising per day, every line carries the term and the rules undo its leetspeak.
  const c = PLANTED.campaign;
  const campaign = a.items.filter((i) => a.facts.campaignItems.includes(i.externalId));
  const perDay = c.perDay.map((_v, d) => campaign.filter((i) => Math.floor((DEFAULT_NOW - (i.createdAt as number)) / DAY) === c.perDay.length - 1 - d).length);
  assert.deepEqual(perDay, [...c.perDay]);
  for (const i of campaign) {
    assert.match(i.text ?? '', new RegExp(`\\b${c.term}\\b`));
    const hits = RULES.evaluate(i.text ?? '', {
      surface: i.surface, authorAgeBand: 'adult', recipientAgeBands: (i.recipients ?? []).map((r) => r.ageBand ?? bands.get(r.externalId) ?? 'unknown'),
    });
    assert.ok(hits.some((h) => h.tactics.includes(c.tactic)), `${c.tactic} undone in ${i.text}`);
  }
});
