/**
 * Patterns planted in the demo world for analytics to find (issue 9), added on top of the generated world by
 * seedDemo so the world itself (and its tests) stay as they were:
 *   - a spike: a burst of "move to another app" comments on one surface in the last hours before `now`;
 *   - a network: a few accounts re-sharing the same banked image and messaging the same minors, one of them
 *     disabled by the platform, plus a days-old account on the disabled one's device (likely ban evasion);
 *   - an obfuscation campaign: leetspeak "another app" messages to minors, carrying one new neutral coded term,
 *     rising day by day over the last days.
 * All text is neutral (indicator phrases only); images are the world's generated patterns. PLANTED holds the facts
 * tests assert against; plantAnalytics is deterministic for a given world and `now`.
 */
import { createHash } from 'node:crypto';
import type { AccountInput, ItemInput } from '../core/item-input.js';
import { isMinorBand } from '../core/types.js';
import { DAY_MS, pad } from './accounts.js';
import { DEMO_APPS } from './corpus.js';
import { Rng } from './random.js';
import { obfuscate } from './risky.js';
import type { DemoWorld } from './world.js';

const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

export const PLANTED = {
  spike: {
    category: 'CSE-13', surface: 'comment', detector: 'text.rules',
    /** How many comments, all within the last `withinHours` hours before the world's `now`. */
    count: 12, withinHours: 6, externalIdPrefix: 'cmt_spike_',
  },
  network: {
    /** The ring: they share `sharedImage` (a banked image of the world) and message the same `targets`. */
    members: ['acct_ring_1', 'acct_ring_2', 'acct_ring_3', 'acct_ring_4'],
    /** Disabled by the platform (account flag `disabled`). */
    disabled: 'acct_ring_1',
    disabledFlag: 'disabled',
    /** Created two days before `now`, on the disabled member's device (item metadata.deviceId); messages the same targets, posts no image. */
    evader: 'acct_ring_new',
    deviceId: 'device_ring_0001',
    /** How many minor-band accounts of the world every member contacts. */
    targetCount: 3,
    externalIdPrefix: 'ring_',
  },
  campaign: {
    tactic: 'leet', term: 'bluefinch', surface: 'direct_message', category: 'CSE-13',
    /** Messages per day, oldest day first, ending the day before `now`. */
    perDay: [1, 1, 2, 3, 4, 5],
    externalIdPrefix: 'dm_campaign_',
  },
} as const;

export interface PlantedFacts {
  /** The ring's minor-band targets (world accounts). */
  networkTargets: string[];
  /** sha256 of the image every ring member posts. */
  networkImageSha256: string | null;
  spikeItems: string[];
  campaignItems: string[];
}

const SPIKE_LINES = [
  "let's talk on another app, it is easier",
  'move to another app, this one is slow',
  'text me on {app} instead',
  'message me on {app}',
  'add me on {app} and we can talk there',
];

function sha256(base64: string): string {
  return createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
}

/** The planted accounts and items for one world. Needs at least one adult, one minor and one banked image to plant the network. */
export function plantAnalytics(world: Pick<DemoWorld, 'accounts' | 'items' | 'banks'>, now: number): {
  accounts: AccountInput[]; items: ItemInput[]; facts: PlantedFacts;
} {
  const rng = new Rng(now % 1_000_003, 77);
  const adults = world.accounts.filter((a) => a.ageBand === 'adult').sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const minors = world.accounts.filter((a) => a.ageBand !== undefined && isMinorBand(a.ageBand))
    .sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const items: ItemInput[] = [];
  const accounts: AccountInput[] = [];
  const facts: PlantedFacts = { networkTargets: [], networkImageSha256: null, spikeItems: [], campaignItems: [] };
  if (adults.length === 0) return { accounts, items, facts };

  // ---- the spike: comments in the last hours, by several adults, under existing posts ----
  const posts = world.items.filter((i) => i.surface === 'public_post');
  const s = PLANTED.spike;
  for (let k = 0; k < s.count; k++) {
    const externalId = `${s.externalIdPrefix}${pad(k + 1, 3)}`;
    const text = rng.pick(SPIKE_LINES).replace('{app}', rng.pick(DEMO_APPS));
    const parent = posts.length > 0 ? rng.pick(posts).externalId : undefined;
    items.push({
      externalId, surface: s.surface, kind: 'text', text, author: { externalId: rng.pick(adults).externalId },
      createdAt: now - s.withinHours * HOUR_MS + Math.floor(((k + 0.5) * s.withinHours * HOUR_MS) / s.count),
      metadata: { synthetic: true, scenario: 'planted_spike', labels: [s.category], ...(parent ? { parentExternalId: parent } : {}) },
    });
    facts.spikeItems.push(externalId);
  }

  // ---- the network ----
  const bankedSha = new Set(world.banks.flatMap((b) => b.entries.filter((e) => e.hashType === 'sha256').map((e) => e.hash)));
  const bankedMedia = world.items.flatMap((i) => i.media ?? []).find((m) => bankedSha.has(sha256(m.data)));
  const n = PLANTED.network;
  if (minors.length > 0 && bankedMedia) {
    const targets = rng.sample(minors, Math.min(n.targetCount, minors.length));
    facts.networkTargets = targets.map((t) => t.externalId).sort();
    facts.networkImageSha256 = sha256(bankedMedia.data);
    const member = (id: string): AccountInput => ({
      externalId: id, ageBand: 'adult', createdAt: now - 200 * DAY_MS,
      ...(id === n.disabled ? { flags: [n.disabledFlag] } : {}),
    });
    const evader: AccountInput = { externalId: n.evader, ageBand: 'adult', createdAt: now - 2 * DAY_MS };
    accounts.push(...n.members.map(member), evader);
    let seq = 0;
    const next = () => `${n.externalIdPrefix}${pad(++seq, 3)}`;
    const device = (id: string) => (id === n.disabled || id === n.evader ? { deviceId: n.deviceId } : { deviceId: `device_${id}` });
    const senders = [...n.members.map(member), evader];
    senders.forEach((author, m) => {
      const isEvader = author.externalId === n.evader;
      const start = isEvader ? now - DAY_MS : now - (20 - 3 * m) * DAY_MS;
      // The evader keeps clear of the banked image: it is linked by its device and its targets only.
      if (!isEvader) items.push({
        externalId: next(), surface: 'public_post', kind: 'image', media: [{ ...bankedMedia }], author,
        createdAt: start, metadata: { synthetic: true, scenario: 'planted_network', labels: ['CSE-01'], ...device(author.externalId) },
      });
      targets.forEach((to, t) => {
        items.push({
          externalId: next(), surface: 'direct_message', kind: 'text',
          text: rng.pick(['hey, saw your post', 'hi! what games do you play?', 'hey, you seem cool']),
          author, recipients: [to], conversationId: `conv_ring_${pad(m + 1, 2)}_${pad(t + 1, 2)}`,
          createdAt: start + HOUR_MS + t * 20 * MIN_MS,
          metadata: { synthetic: true, scenario: 'planted_network', labels: [], ...device(author.externalId) },
        });
      });
    });
  }

  // ---- the campaign: leetspeak platform moves carrying the coded term, rising over the last days ----
  const c = PLANTED.campaign;
  if (minors.length > 0) {
    let k = 0;
    c.perDay.forEach((count, d) => {
      const dayStart = now - (c.perDay.length - d) * DAY_MS;
      for (let j = 0; j < count; j++) {
        const externalId = `${c.externalIdPrefix}${pad(++k, 3)}`;
        const phrase = obfuscate(rng, 'talk on another app', 'leet') ?? 't4lk on another app';
        const text = rng.pick([`${c.term} tonight? let's ${phrase}`, `got ${c.term}? we can ${phrase}`, `${c.term} is ready, ${phrase}`]);
        const to = rng.pick(minors);
        items.push({
          externalId, surface: c.surface, kind: 'text', text, author: { externalId: rng.pick(adults).externalId },
          recipients: [to], conversationId: `conv_campaign_${pad(k, 3)}`,
          createdAt: dayStart + 2 * HOUR_MS + j * Math.floor((18 * HOUR_MS) / count),
          metadata: { synthetic: true, scenario: 'planted_campaign', labels: [c.category], indicators: ['platform_move'], tactics: [c.tactic] },
        });
        facts.campaignItems.push(externalId);
      }
    });
  }
  return { accounts, items, facts };
}
