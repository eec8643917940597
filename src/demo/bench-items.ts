/**
 * Streaming text-only items for benchmarks and crash tests: cheap (no images, no look-back), deterministic, and
 * roughly chronological. About 2% are adult-to-minor direct messages carrying neutral risk indicators.
 */
import type { ItemInput } from '../core/item-input.js';
import { DAY_MS, DEFAULT_NOW, type DemoAccount, isMinor, makeAccounts, pad, ref } from './accounts.js';
import { benignChatLine, benignComment, benignPost } from './corpus.js';
import { Rng } from './random.js';
import { labelsOf, riskyLine } from './risky.js';

const POOL_SIZE = 3000;
const RISKY_SHARE = 0.02;

function conversationId(a: DemoAccount, b: DemoAccount): string {
  const [x, y] = a.externalId < b.externalId ? [a, b] : [b, a];
  return `bconv_${x.externalId}_${y.externalId}`;
}

/**
 * A stream of stand-alone synthetic text items (posts, comments, DMs), `riskyShare` of them adult-to-minor lines
 * with neutral indicators. Every item's metadata carries its ground-truth `labels`, so the stream doubles as a
 * labelled set for training and evaluating the local model.
 */
export function* demoTextItems(count: number, seed: number, now: number = DEFAULT_NOW, riskyShare = RISKY_SHARE): Generator<ItemInput> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const s = Math.trunc(seed);
  const rng = new Rng(s, 100);
  const pool = makeAccounts(new Rng(s, 101), POOL_SIZE, now, 'bench_acct_', 4);
  const adults = pool.filter((a) => a.ageBand === 'adult');
  const minors = pool.filter(isMinor);
  const windowStart = now - 30 * DAY_MS;
  // Spread evenly over the 30 days with jitter inside each slot, so createdAt is increasing and stays below now.
  const step = (30 * DAY_MS) / Math.max(1, count);
  for (let i = 0; i < count; i++) {
    const externalId = `bench_${pad(i + 1, 7)}`;
    const createdAt = Math.floor(windowStart + i * step + rng.next() * step);
    if (rng.chance(riskyShare)) {
      const from = rng.pick(adults);
      const to = rng.pick(minors);
      const line = riskyLine(rng, to.ageBand);
      yield {
        externalId, surface: 'direct_message', kind: 'text', text: line.text,
        author: ref(from), recipients: [ref(to)], conversationId: conversationId(from, to), createdAt,
        metadata: {
          synthetic: true, scenario: 'risky_contact', labels: labelsOf(line.indicators), indicators: line.indicators,
          tactics: line.tactics,
        },
      };
      continue;
    }
    const author = rng.pick(pool);
    const r = rng.next();
    if (r < 0.35) {
      yield {
        externalId, surface: 'public_post', kind: 'text', text: benignPost(rng), author: ref(author), createdAt,
        metadata: { synthetic: true, scenario: 'benign', labels: [] },
      };
    } else if (r < 0.65) {
      yield {
        externalId, surface: 'comment', kind: 'text', text: benignComment(rng), author: ref(author), createdAt,
        metadata: { synthetic: true, scenario: 'benign', labels: [] },
      };
    } else {
      let to = rng.pick(pool);
      if (to === author) to = pool[(pool.indexOf(author) + 1) % pool.length] as DemoAccount;
      yield {
        externalId, surface: 'direct_message', kind: 'text', text: benignChatLine(rng),
        author: ref(author), recipients: [ref(to)], conversationId: conversationId(author, to), createdAt,
        metadata: { synthetic: true, scenario: 'benign', labels: [] },
      };
    }
  }
}
