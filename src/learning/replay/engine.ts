import type { Decision, Item } from '../../core/types.js';
import { type Evaluation, evaluateItem } from '../../pipeline/evaluate.js';
import type { Queryable } from '../../store/db.js';
import { accountsByIds } from '../../store/repos/accounts.js';
import { getItems } from '../../store/repos/items.js';
import { type HumanLabel, humanLabels, pipelineDecisions, recordedSignals } from '../../store/repos/replay.js';
import { ReplayContext } from './context.js';
import type { ReplaySetup } from './setup.js';

/**
 * Where detection runs. One engine (evaluateItem over a DetectionSetup) serves them all:
 * - live: the pipeline worker as it is (src/pipeline/worker.ts), writing decisions and acting;
 * - shadow: a setup's verdicts on items, recorded as a report, acting on nothing;
 * - backtest: history replayed through a setup, no effects, only the report is stored;
 * - spot: one item; what_if: an escalation's items (through today's or a proposed setup);
 * - retroaction: a deployed change applied to history with effects, after approval (see retroaction.ts).
 */
export const ENVIRONMENTS = ['live', 'shadow', 'backtest', 'spot', 'what_if', 'retroaction'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface ReplayedItem {
  item: Item;
  /** The pipeline's recorded decision; null when it never decided the item. */
  before: Decision | null;
  after: Evaluation;
  label: HumanLabel | null;
}

export interface ReplayOptions {
  /** Items per page (one set of queries per page). */
  pageSize?: number;
  /** Items replayed only to warm the conversation state up, not reported. */
  warmup?: ReadonlySet<string>;
  /** Ids for the evaluation's records: replay-local by default (never stored); real ids when a retroaction writes. */
  newId?: () => string;
  /** Evaluation time: each item's ingestion time by default (as live), now for a retroaction. */
  now?: number;
  onItem(r: ReplayedItem): void | Promise<void>;
}

/**
 * Replays items (oldest first) through a setup without writing anything: each item is evaluated as of its
 * ingestion time with the context read as it stood when it was sent, and handed to `onItem` with the decision
 * recorded for it and its human label. Ids in the evaluations are replay-local, never stored.
 */
export async function replayItems(q: Queryable, itemIds: readonly string[], rs: ReplaySetup, opts: ReplayOptions): Promise<number> {
  const { setup } = rs;
  const context = new ReplayContext(q, setup.behaviour);
  const pageSize = opts.pageSize ?? 1000;
  let counter = 0;
  const newId = opts.newId ?? (() => `replay-${(++counter).toString(36)}`);
  let replayed = 0;
  for (let i = 0; i < itemIds.length; i += pageSize) {
    const pageIds = itemIds.slice(i, i + pageSize);
    const items = (await getItems(q, pageIds)).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    const accountIds = new Set<string>();
    for (const it of items) for (const a of [it.authorId, ...it.recipientIds]) if (a) accountIds.add(a);
    const [accounts, before, labels] = await Promise.all([
      accountsByIds(q, [...accountIds]).then((list) => new Map(list.map((a) => [a.id as string, a]))),
      pipelineDecisions(q, pageIds),
      humanLabels(q, pageIds),
    ]);
    rs.recorded.clear();
    if (rs.llm === 'recorded') for (const [id, s] of await recordedSignals(q, pageIds, 'llm.policy')) rs.recorded.set(id, s);
    await context.loadPage(items, accounts);
    for (const item of items) {
      const after = await evaluateItem(
        {
          item, author: item.authorId ? (accounts.get(item.authorId) ?? null) : null,
          recipients: item.recipientIds.flatMap((id) => accounts.get(id) ?? []), context: await context.forItem(item),
        },
        { detectors: setup.detectors, policy: setup.policy, newId, now: opts.now ?? item.ingestedAt, cascade: setup.cascade, review: setup.review },
      );
      context.apply(after.updates);
      if (opts.warmup?.has(item.id)) continue;
      replayed++;
      await opts.onItem({ item, before: before.get(item.id) ?? null, after, label: labels.get(item.id) ?? null });
    }
  }
  return replayed;
}
