import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountInputSchema, type ItemInput, itemInputSchema } from '../../src/core/item-input.js';
import { AGE_BANDS, isMinorBand } from '../../src/core/types.js';
import { defaultRulesDocument } from '../../src/detectors/text/rules/default-rules.js';
import { RuleSet } from '../../src/detectors/text/rules/rule-set.js';
import { Rng } from '../../src/demo/random.js';
import { DEFAULT_NOW, type DemoWorld, demoTextItems, generateWorld } from '../../src/demo/world.js';

const DAY = 86_400_000;
const RULES = RuleSet.compile(defaultRulesDocument().rules, 1);

/** What the default rules find in an item, in its own context: rule ids, indicators and undone tactics. */
function ruleHits(i: ItemInput): { rules: string[]; indicators: Set<string>; tactics: Set<string> } {
  const hits = RULES.evaluate(i.text ?? '', {
    surface: i.surface, authorAgeBand: i.author?.ageBand ?? 'unknown', recipientAgeBands: (i.recipients ?? []).map((r) => r.ageBand ?? 'unknown'),
  });
  return {
    rules: hits.map((h) => h.ruleId),
    indicators: new Set(hits.flatMap((h) => (h.indicator ? [h.indicator] : []))),
    tactics: new Set(hits.flatMap((h) => h.tactics)),
  };
}
const truth = (i: ItemInput): string[] => (i.metadata?.indicators as string[] | undefined) ?? [];
const scenario = (i: ItemInput): unknown => i.metadata?.scenario;

let cached: Promise<DemoWorld> | undefined;
/** The 200-account world, built once and shared by the read-only tests below. */
function world200(): Promise<DemoWorld> {
  cached ??= generateWorld({ accounts: 200, seed: 1 });
  return cached;
}

test('Rng is deterministic, in range, and seed-sensitive', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 1000 }, () => a.int(3, 9));
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.int(3, 9)));
  assert.ok(xs.every((x) => x >= 3 && x <= 9));
  assert.equal(new Set(xs).size, 7, 'every value of a small range is reachable');
  const c = new Rng(43);
  assert.notDeepEqual(xs, Array.from({ length: 1000 }, () => c.int(3, 9)));
  const arr = Array.from({ length: 50 }, (_v, i) => i);
  const sh = new Rng(1).shuffle(arr);
  assert.notDeepEqual(sh, arr);
  assert.deepEqual([...sh].sort((x, y) => x - y), arr);
  const hits = Array.from({ length: 10_000 }, () => a.chance(0.2)).filter(Boolean).length;
  assert.ok(hits > 1700 && hits < 2300, `chance(0.2) hit ${hits}/10000`);
});

test('same seed gives byte-identical worlds; a different seed or clock differs', async () => {
  const a = JSON.stringify(await generateWorld({ accounts: 60, seed: 7 }));
  const b = JSON.stringify(await generateWorld({ accounts: 60, seed: 7 }));
  assert.equal(a, b);
  assert.notEqual(a, JSON.stringify(await generateWorld({ accounts: 60, seed: 8 })));
  assert.notEqual(a, JSON.stringify(await generateWorld({ accounts: 60, seed: 7, now: DEFAULT_NOW + DAY })));
});

test('200 accounts give 10-20 items per account', async () => {
  const w = await generateWorld({ accounts: 200, seed: 3 });
  assert.ok(w.items.length >= 2000 && w.items.length <= 4000, `${w.items.length} items`);
});

test('every account and item parses with the input schemas', async () => {
  const w = await world200();
  for (const a of w.accounts) assert.ok(accountInputSchema.safeParse(a).success, a.externalId);
  for (const item of w.items) {
    const r = itemInputSchema.safeParse(item);
    assert.ok(r.success, `${item.externalId}: ${r.success ? '' : r.error.message}`);
  }
});

test('items have unique ids, authors from the world, timestamps in the last 30 days, sane surfaces', async () => {
  const w = await world200();
  const ids = new Set(w.items.map((i) => i.externalId));
  assert.equal(ids.size, w.items.length);
  const bands = new Map(w.accounts.map((a) => [a.externalId, a.ageBand]));
  const surfaces = new Set<string>();
  for (const i of w.items) {
    assert.match(i.externalId, /^(post|cmt|dm|fr)_\d{6}$/);
    assert.ok(i.author, `${i.externalId} has an author`);
    assert.equal(bands.get(i.author.externalId), i.author.ageBand);
    const at = i.createdAt as number;
    assert.ok(Number.isInteger(at) && at >= DEFAULT_NOW - 30 * DAY && at < DEFAULT_NOW, `${i.externalId} at ${at}`);
    surfaces.add(i.surface);
    if (i.surface === 'direct_message') {
      assert.ok(i.conversationId && (i.recipients?.length ?? 0) > 0, i.externalId);
      assert.ok(!i.recipients?.some((r) => r.externalId === i.author?.externalId), 'no DM to oneself');
    }
    const hasMedia = (i.media?.length ?? 0) > 0;
    const hasText = (i.text?.length ?? 0) > 0;
    assert.equal(i.kind, hasMedia ? (hasText ? 'multimodal' : 'image') : 'text', i.externalId);
  }
  assert.deepEqual([...surfaces].sort(), ['comment', 'direct_message', 'friend_request', 'public_post']);
  const sorted = w.items.map((i) => i.createdAt as number);
  assert.deepEqual(sorted, [...sorted].sort((x, y) => x - y), 'items are chronological');
});

test('accounts mix age bands, mostly adult, created over the last two years', async () => {
  const all = await world200();
  // The one extra account is the outreach pattern's newcomer, checked below.
  const w = { ...all, accounts: all.accounts.filter((a) => a.externalId !== all.summary.outreachAccount) };
  assert.equal(w.accounts.length, 200);
  assert.equal(new Set(all.accounts.map((a) => a.externalId)).size, 201);
  const count = (band: string): number => w.accounts.filter((a) => a.ageBand === band).length;
  for (const band of AGE_BANDS) assert.ok(count(band) > 0, `some ${band}`);
  assert.ok(count('adult') > 120, `adults: ${count('adult')}`);
  const minors = w.accounts.filter((a) => a.ageBand && isMinorBand(a.ageBand)).length;
  assert.ok(minors >= 20 && minors <= 60, `minors: ${minors}`);
  for (const a of w.accounts) {
    assert.match(a.externalId, /^acct_\d{4}$/);
    const at = a.createdAt as number;
    assert.ok(at >= DEFAULT_NOW - 731 * DAY && at < DEFAULT_NOW - 30 * DAY, `${a.externalId} created ${at}`);
  }
  const created = w.accounts.map((a) => a.createdAt as number);
  assert.ok(Math.max(...created) - Math.min(...created) > 365 * DAY, 'spread over more than a year');
});

test('bank hashes are the real sha256/md5 of image bytes in items; banked images are re-shared', async () => {
  const w = await world200();
  assert.equal(w.banks.length, 1);
  const bank = w.banks[0];
  assert.ok(bank);
  assert.equal(bank.name, 'demo-known-hashes');
  assert.equal(bank.source, 'demo');
  const files = new Map<string, { md5: string; authors: Set<string>; items: number }>();
  for (const i of w.items) {
    for (const m of i.media ?? []) {
      const bytes = Buffer.from(m.data, 'base64');
      const sha = createHash('sha256').update(bytes).digest('hex');
      const f = files.get(sha) ?? { md5: createHash('md5').update(bytes).digest('hex'), authors: new Set(), items: 0 };
      f.items++;
      f.authors.add(i.author?.externalId ?? '');
      files.set(sha, f);
      assert.ok(['image/png', 'image/jpeg'].includes(m.mime ?? ''), m.mime);
      const magic = bytes.subarray(0, 4).toString('hex');
      assert.ok(magic === '89504e47' || magic.startsWith('ffd8ff'), `real PNG/JPEG bytes, got ${magic}`);
    }
  }
  assert.equal(files.size, w.summary.images);
  const md5s = new Set([...files.values()].map((f) => f.md5));
  const shaEntries = bank.entries.filter((e) => e.hashType === 'sha256');
  const md5Entries = bank.entries.filter((e) => e.hashType === 'md5');
  assert.equal(shaEntries.length, w.summary.bankedImages);
  assert.equal(md5Entries.length, w.summary.bankedImages);
  for (const e of shaEntries) {
    const f = files.get(e.hash);
    assert.ok(f, `banked sha256 ${e.hash} is the hash of some item's image`);
    assert.ok(md5Entries.some((m) => m.hash === f.md5), 'the same file is banked by md5 too');
    assert.ok(f.items >= 2 && f.authors.size >= 2, 'banked images are re-shared by different accounts');
  }
  for (const e of md5Entries) assert.ok(md5s.has(e.hash), `banked md5 ${e.hash} is in the items`);
  for (const e of bank.entries) {
    assert.equal(e.category, 'CSE-01');
    assert.ok(e.classification && ['A1', 'A2', 'B1', 'B2'].includes(e.classification));
    assert.equal(e.label, 'synthetic demo entry (benign pattern)');
  }
  const share = w.summary.bankedImages / w.summary.images;
  assert.ok(share >= 0.05 && share <= 0.15, `banked share ${share}`);
});

test('risky conversations are adult-to-minor; the default rules find every line’s indicators and nothing in benign items', async () => {
  const w = await world200();
  const convs = new Map<string, ItemInput[]>();
  for (const i of w.items) {
    if (i.surface === 'direct_message' && i.conversationId) {
      convs.set(i.conversationId, [...(convs.get(i.conversationId) ?? []), i]);
    }
    const found = ruleHits(i);
    if (scenario(i) === 'benign' || scenario(i) === 'outreach') {
      assert.deepEqual(found.rules, [], `benign ${i.externalId}: ${i.text}`);
      assert.deepEqual(i.metadata?.labels, []);
      continue;
    }
    assert.ok(scenario(i) === 'risky_contact' || scenario(i) === 'sextortion', i.externalId);
    assert.equal(i.surface, 'direct_message');
    // Obfuscated or not, every indicator the generator put in a line is found there.
    for (const ind of truth(i)) assert.ok(found.indicators.has(ind), `${ind} in ${JSON.stringify(i.text)}: found ${[...found.indicators]}`);
    for (const tactic of (i.metadata?.tactics as string[] | undefined) ?? []) {
      assert.ok(found.tactics.has(tactic), `${tactic} undone in ${JSON.stringify(i.text)}: ${[...found.tactics]}`);
    }
  }
  const risky = [...convs.values()].filter((msgs) => msgs.some((m) => scenario(m) !== 'benign' && scenario(m) !== 'outreach'));
  assert.equal(risky.length, w.summary.riskyConversations);
  assert.ok(risky.length >= 2);
  const share = risky.length / convs.size;
  assert.ok(share >= 0.03 && share <= 0.06, `risky share ${share}`);
  for (const msgs of risky) {
    assert.ok(new Set(msgs.map(scenario)).size === 1, 'a conversation is wholly of one scenario');
    assert.ok(msgs.length >= 5, 'unfolds over several messages');
    const people = new Map(msgs.map((m) => [m.author?.externalId, m.author?.ageBand]));
    assert.equal(people.size, 2);
    const bands = [...people.values()];
    assert.ok(bands.includes('adult') && bands.some((b) => b && isMinorBand(b)), `bands ${bands}`);
    const indicators = new Set(msgs.flatMap(truth));
    if (scenario(msgs[0]!) === 'sextortion') {
      assert.deepEqual([...indicators].sort(), ['payment_demand', 'threat']);
    } else {
      assert.ok(indicators.size >= 4, `distinct indicators ${[...indicators]}`);
      assert.match(msgs.map((m) => m.text).join('\n'), /\b1[1-7]\b/, 'the minor mentions an age');
    }
  }
  // Evaders' tactics appear across the risky lines.
  const tactics = new Set(w.items.flatMap((i) => (i.metadata?.tactics as string[] | undefined) ?? []));
  assert.ok(tactics.size >= 4, `tactics used ${[...tactics]}`);
});

test('the showcase conversation spreads its indicators over days; the outreach account is days old', async () => {
  const w = await world200();
  const convo = w.items.filter((i) => i.conversationId === w.summary.showcaseConversation);
  const marked = convo.filter((i) => truth(i).length > 0);
  assert.deepEqual(marked.map((i) => truth(i)[0]), ['age_probing', 'flattery', 'secrecy', 'gift_offer', 'platform_move']);
  assert.ok(Number(marked.at(-1)!.createdAt) - Number(marked[0]!.createdAt) >= 3 * DAY);
  const newcomer = w.accounts.find((a) => a.externalId === w.summary.outreachAccount)!;
  assert.equal(newcomer.ageBand, 'adult');
  const sent = w.items.filter((i) => i.author?.externalId === newcomer.externalId);
  assert.equal(sent.filter((i) => i.surface === 'friend_request').length, 9);
  assert.ok(sent.every((i) => i.recipients?.every((r) => r.ageBand && isMinorBand(r.ageBand))));
});

test('small worlds still work: 20 accounts have at least 2 risky conversations; 1 account has no DMs', async () => {
  const w = await generateWorld({ accounts: 20, seed: 5 });
  assert.ok(w.summary.riskyConversations >= 2, `${w.summary.riskyConversations}`);
  assert.equal(w.summary.items, w.items.length);
  const one = await generateWorld({ accounts: 1, seed: 5 });
  assert.equal(one.accounts.length, 1);
  assert.ok(one.items.length > 0);
  assert.ok(one.items.every((i) => i.surface === 'public_post'));
  await assert.rejects(generateWorld({ accounts: 0, seed: 1 }), RangeError);
});

test('summary counts match the world', async () => {
  const w = await world200();
  assert.equal(w.summary.accounts, w.accounts.length);
  assert.equal(w.summary.items, w.items.length);
  const convs = new Set(w.items.filter((i) => scenario(i) === 'risky_contact' || scenario(i) === 'sextortion').map((i) => i.conversationId));
  assert.equal(w.summary.riskyConversations, convs.size);
  assert.ok(w.summary.images >= 10);
});

test('demoTextItems: count, unique ids, schema, ~2% risky with the indicators the rules find, deterministic', () => {
  const items = [...demoTextItems(10_000, 11)];
  assert.equal(items.length, 10_000);
  assert.equal(items[0]?.externalId, 'bench_0000001');
  assert.equal(items[9_999]?.externalId, 'bench_0010000');
  assert.equal(new Set(items.map((i) => i.externalId)).size, 10_000);
  const authors = new Set<string>();
  const surfaces = new Set<string>();
  let risky = 0;
  for (const i of items) {
    assert.ok(itemInputSchema.safeParse(i).success, i.externalId);
    assert.ok(!i.media && i.text, 'text only');
    authors.add(i.author?.externalId ?? '');
    surfaces.add(i.surface);
    const found = ruleHits(i);
    if (scenario(i) === 'risky_contact') {
      risky++;
      for (const ind of truth(i)) assert.ok(found.indicators.has(ind), `${ind} in ${JSON.stringify(i.text)}`);
      assert.ok(((i.metadata?.labels ?? []) as string[]).length >= 1);
      assert.equal(i.author?.ageBand, 'adult');
      assert.ok(i.recipients?.[0]?.ageBand && isMinorBand(i.recipients[0].ageBand));
    } else {
      assert.deepEqual(found.rules, [], i.text);
    }
  }
  assert.ok(risky >= 100 && risky <= 300, `risky ${risky}`);
  assert.ok(authors.size > 1000 && authors.size <= 5000, `authors ${authors.size}`);
  assert.deepEqual([...surfaces].sort(), ['comment', 'direct_message', 'public_post']);
  assert.equal(JSON.stringify([...demoTextItems(10_000, 11)]), JSON.stringify(items));
  assert.notEqual(JSON.stringify([...demoTextItems(2000, 11)]), JSON.stringify([...demoTextItems(2000, 12)]));
});

test('demoTextItems streams 100k unique items', () => {
  let n = 0;
  const ids = new Set<string>();
  for (const i of demoTextItems(100_000, 1)) {
    n++;
    ids.add(i.externalId);
  }
  assert.equal(n, 100_000);
  assert.equal(ids.size, 100_000);
});
