/**
 * The deterministic demo world: synthetic accounts, posts, comments and direct messages, benign generated images
 * (a tenth of them listed in a demo hash bank) and a few adult-to-minor conversations carrying neutral risk
 * indicators. Same options => byte-identical output; nothing reads the clock or Math.random.
 */
import type { AccountInput, ItemInput } from '../core/item-input.js';
import { DAY_MS, DEFAULT_NOW, type DemoAccount, isMinor, makeAccounts, pad, ref } from './accounts.js';
import { benignComment, benignConversation, benignPost, imageCaption } from './corpus.js';
import { type DemoImage, generateImages } from './images.js';
import { Rng } from './random.js';
import { ageFor, labelsOf, riskyConversation, type ScriptLine, sextortionConversation, showcaseConversation } from './risky.js';

export { demoTextItems } from './bench-items.js';
export { DEFAULT_NOW } from './accounts.js';

export interface DemoBankEntry {
  hashType: 'md5' | 'sha256' | 'pdq';
  hash: string;
  category: string;
  classification?: 'A1' | 'A2' | 'B1' | 'B2';
  label: string;
}
export interface DemoBank { name: string; description: string; source: string; entries: DemoBankEntry[] }
export interface DemoWorld {
  accounts: AccountInput[];
  items: ItemInput[];
  banks: DemoBank[];
  /** `images` counts distinct image files, `bankedImages` the distinct ones listed in the demo bank. */
  summary: {
    accounts: number; items: number; images: number; bankedImages: number; riskyConversations: number;
    /** The worked conversation-risk example and the outreach pattern, when the world has room for them. */
    showcaseConversation: string | null; outreachAccount: string | null;
  };
}

/**
 * Ground truth for evaluation, model training and the demo UI, stored in every item's metadata: the scenario of
 * its conversation, and per item `labels` (the categories a reviewer would give it; [] when benign), plus, on
 * risky lines, the `indicators` they carry and the obfuscation `tactics` used.
 */
export type DemoScenario = 'benign' | 'risky_contact' | 'sextortion' | 'outreach';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
export const DEMO_BANK_NAME = 'demo-known-hashes';

/** Hands out stable, zero-padded externalIds per prefix in generation order. */
class Ids {
  private counters = new Map<string, number>();
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}_${pad(n, 6)}`;
  }
}

function meta(scenario: DemoScenario, extra?: Record<string, unknown>): Record<string, unknown> {
  return { synthetic: true, scenario, labels: [], ...extra };
}

function scriptMeta(scenario: DemoScenario, line: ScriptLine): Record<string, unknown> {
  return line.indicators.length === 0
    ? meta(scenario)
    : meta(scenario, { labels: labelsOf(line.indicators), indicators: line.indicators, tactics: line.tactics });
}

function mediaPart(img: DemoImage): { data: string; mime: string } {
  return { data: img.bytes.toString('base64'), mime: img.mime };
}

function pickOther(rng: Rng, accounts: DemoAccount[], not: ReadonlySet<string>): DemoAccount {
  for (;;) {
    const a = rng.pick(accounts);
    if (!not.has(a.externalId)) return a;
  }
}

export async function generateWorld(opts: { accounts: number; seed: number; now?: number }): Promise<DemoWorld> {
  const n = opts.accounts;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('accounts must be a positive integer');
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a finite number');
  const now = opts.now ?? DEFAULT_NOW;
  const seed = Math.trunc(opts.seed);
  const windowStart = now - 30 * DAY_MS;
  // One PRNG stream per part of the world, so changing how one part draws leaves the others alone.
  const accounts = makeAccounts(new Rng(seed, 1), n, now, 'acct_', 4);
  const ids = new Ids();
  const items: ItemInput[] = [];

  // ---- images and the demo bank ----
  const imgRng = new Rng(seed, 2);
  const imageCount = Math.max(10, Math.round(n * 0.4));
  const images = await generateImages(seed, imageCount);
  const bankedCount = Math.max(1, Math.round(imageCount * 0.1));
  const banked = new Set(imgRng.sample(images.map((_img, i) => i), bankedCount));
  const entries: DemoBankEntry[] = [];
  for (const i of [...banked].sort((x, y) => x - y)) {
    const img = images[i] as DemoImage;
    const classification = imgRng.pick(['A1', 'A1', 'A1', 'A2', 'B1', 'B2'] as const);
    for (const [hashType, hash] of [['sha256', img.sha256], ['md5', img.md5]] as const) {
      entries.push({ hashType, hash, category: 'CSE-01', classification, label: 'synthetic demo entry (benign pattern)' });
    }
  }
  const banks: DemoBank[] = [{
    name: DEMO_BANK_NAME,
    description: 'Hashes of generated abstract patterns, labelled as known so the hash-match path can be demonstrated. '
      + 'Contains no real material.',
    source: 'demo',
    entries,
  }];

  // ---- posts: text-only, plus every image at least once; banked images re-shared by different accounts ----
  const postRng = new Rng(seed, 3);
  const posts: { item: ItemInput; author: DemoAccount; at: number }[] = [];
  const postAt = (): number => postRng.int(windowStart, now - HOUR_MS);
  const imageShares: { img: number; extra?: number }[] = [];
  images.forEach((_img, i) => {
    const shares = banked.has(i) ? postRng.int(2, 3) : postRng.chance(0.1) ? 2 : 1;
    for (let s = 0; s < shares; s++) imageShares.push({ img: i });
  });
  // A few posts carry a second (never banked) image, to exercise multi-part media.
  const unbanked = images.map((_img, i) => i).filter((i) => !banked.has(i));
  for (const share of imageShares) {
    if (postRng.chance(0.05) && unbanked.length > 1) share.extra = postRng.pick(unbanked.filter((i) => i !== share.img));
  }
  const sharers = new Map<number, Set<string>>();
  for (const share of postRng.shuffle(imageShares)) {
    const seen = sharers.get(share.img) ?? new Set<string>();
    sharers.set(share.img, seen);
    const author = seen.size < n ? pickOther(postRng, accounts, seen) : postRng.pick(accounts);
    seen.add(author.externalId);
    const at = postAt();
    const media = [mediaPart(images[share.img] as DemoImage)];
    if (share.extra !== undefined) media.push(mediaPart(images[share.extra] as DemoImage));
    const withText = postRng.chance(0.6);
    const item: ItemInput = {
      externalId: ids.next('post'), surface: 'public_post', kind: withText ? 'multimodal' : 'image',
      ...(withText ? { text: imageCaption(postRng) } : {}),
      media, author: ref(author), createdAt: at, metadata: meta('benign'),
    };
    posts.push({ item, author, at });
  }
  const textPosts = Math.round(n * 2.5);
  for (let i = 0; i < textPosts; i++) {
    const author = postRng.pick(accounts);
    const at = postAt();
    const item: ItemInput = {
      externalId: ids.next('post'), surface: 'public_post', kind: 'text', text: benignPost(postRng),
      author: ref(author), createdAt: at, metadata: meta('benign'),
    };
    posts.push({ item, author, at });
  }
  items.push(...posts.map((p) => p.item));

  // ---- comments on posts, by someone other than the poster, after the post ----
  const cmtRng = new Rng(seed, 4);
  if (n >= 2 && posts.length > 0) {
    for (let i = 0, count = n * 5; i < count; i++) {
      const post = cmtRng.pick(posts);
      const author = pickOther(cmtRng, accounts, new Set([post.author.externalId]));
      items.push({
        externalId: ids.next('cmt'), surface: 'comment', kind: 'text', text: benignComment(cmtRng),
        author: ref(author), createdAt: Math.min(now - 1, post.at + cmtRng.int(MIN_MS, 2 * DAY_MS)),
        metadata: meta('benign', { parentExternalId: post.item.externalId }),
      });
    }
  }

  // ---- direct-message conversations; a few are adult-to-minor with risk indicators ----
  const dmRng = new Rng(seed, 5);
  const adults = accounts.filter((a) => a.ageBand === 'adult');
  const minors = accounts.filter(isMinor);
  const conversations = n >= 2 ? Math.ceil(n * 1.2) : 0;
  const risky = adults.length > 0 && minors.length > 0 && conversations > 0
    ? Math.min(conversations, Math.max(2, Math.round(conversations * 0.04)))
    : 0;
  // Risky conversations sit at random positions among the others, not at the front.
  const kinds = dmRng.shuffle(Array.from({ length: conversations }, (_v, i) => i < risky));
  kinds.forEach((isRisky, c) => {
    const conversationId = `conv_${pad(c + 1, 5)}`;
    if (isRisky) {
      const adult = dmRng.pick(adults);
      const minor = dmRng.pick(minors);
      // Every tenth risky conversation is sextortion rather than grooming.
      const scenario: DemoScenario = c % 10 === 9 ? 'sextortion' : 'risky_contact';
      const script = scenario === 'sextortion' ? sextortionConversation(dmRng) : riskyConversation(dmRng, minor.ageBand);
      // Unfolds over days: minutes to 30 hours between messages, starting early enough to fit the window.
      let at = dmRng.int(windowStart, now - 15 * DAY_MS);
      for (const line of script) {
        const [from, to] = line.from === 'adult' ? [adult, minor] : [minor, adult];
        items.push({
          externalId: ids.next('dm'), surface: 'direct_message', kind: 'text', text: line.text,
          author: ref(from), recipients: [ref(to)], conversationId, createdAt: at,
          metadata: scriptMeta(scenario, line),
        });
        at = Math.min(now - 1, at + dmRng.int(10 * MIN_MS, 30 * HOUR_MS));
      }
      return;
    }
    const size = n >= 4 && dmRng.chance(0.15) ? dmRng.int(3, 4) : 2;
    const members: DemoAccount[] = [];
    const taken = new Set<string>();
    while (members.length < size) {
      const m = pickOther(dmRng, accounts, taken);
      taken.add(m.externalId);
      members.push(m);
    }
    let at = dmRng.int(windowStart, now - 2 * HOUR_MS);
    let speaker = 0;
    for (const text of benignConversation(dmRng, dmRng.int(2, 8))) {
      const from = members[speaker] as DemoAccount;
      items.push({
        externalId: ids.next('dm'), surface: 'direct_message', kind: 'text', text,
        author: ref(from), recipients: members.filter((m) => m !== from).map(ref), conversationId, createdAt: at,
        metadata: meta('benign'),
      });
      at = Math.min(now - 1, at + dmRng.int(MIN_MS, 90 * MIN_MS));
      speaker = dmRng.chance(0.75) ? (speaker + 1) % members.length : speaker;
    }
  });

  // ---- the showcase conversation and an outreach pattern (own stream: the rest of the world is unchanged) ----
  const showRng = new Rng(seed, 6);
  let showcase: string | null = null;
  if (adults.length > 0 && minors.length > 0) {
    const adult = showRng.pick(adults);
    const minor = showRng.pick(minors.filter((m) => m.ageBand !== '16_17'));
    const start = now - 10 * DAY_MS + showRng.int(0, 8) * HOUR_MS;
    showcase = 'conv_showcase';
    for (const line of showcaseConversation(ageFor(showRng, minor.ageBand))) {
      const [from, to] = line.from === 'adult' ? [adult, minor] : [minor, adult];
      items.push({
        externalId: ids.next('dm'), surface: 'direct_message', kind: 'text', text: line.text, author: ref(from),
        recipients: [ref(to)], conversationId: showcase, createdAt: start + Math.round(line.day * DAY_MS),
        metadata: { ...scriptMeta('risky_contact', line), showcase: true },
      });
    }
  }
  // A three-day-old adult account sends friend requests to nine minors within an hour, then messages twelve.
  let outreach: string | null = null;
  const extraAccounts: DemoAccount[] = [];
  if (minors.length >= 12) {
    const newcomer: DemoAccount = { externalId: 'acct_newcomer', ageBand: 'adult', createdAt: now - 3 * DAY_MS };
    extraAccounts.push(newcomer);
    outreach = newcomer.externalId;
    const targets = showRng.sample(minors, 12);
    const t0 = now - 2 * DAY_MS;
    targets.slice(0, 9).forEach((to, k) => {
      items.push({
        externalId: ids.next('fr'), surface: 'friend_request', kind: 'text', text: "hi! let's be friends",
        author: ref(newcomer), recipients: [ref(to)], createdAt: t0 + k * 5 * MIN_MS, metadata: meta('outreach'),
      });
    });
    targets.forEach((to, k) => {
      items.push({
        externalId: ids.next('dm'), surface: 'direct_message', kind: 'text',
        text: showRng.pick(['hey, you seem cool, want to chat?', 'hi! nice profile', 'hey what games do you play?']),
        author: ref(newcomer), recipients: [ref(to)], conversationId: `conv_newcomer_${pad(k + 1, 2)}`,
        createdAt: t0 + HOUR_MS + k * 90 * MIN_MS, metadata: meta('outreach'),
      });
    });
  }

  // Chronological order, as a platform would send them; ties broken by id so the order is total.
  items.sort((x, y) => (x.createdAt as number) - (y.createdAt as number) || (x.externalId < y.externalId ? -1 : 1));

  return {
    accounts: [...accounts, ...extraAccounts].map(ref),
    items,
    banks,
    summary: {
      accounts: n + extraAccounts.length, items: items.length, images: images.length, bankedImages: banked.size,
      riskyConversations: risky + (showcase ? 1 : 0), showcaseConversation: showcase, outreachAccount: outreach,
    },
  };
}
