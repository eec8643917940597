import type { AccountId, ItemId, MediaId } from '../core/ids.js';
import { type AccountInput, type ItemInput, toEpochMs } from '../core/item-input.js';
import type { Clock } from '../core/clock.js';
import type { Account, Item } from '../core/types.js';
import type { Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendEvents } from '../store/repos/events.js';
import { type Evaluation, evaluateItem } from './evaluate.js';
import type { Ingestor } from './ingest.js';
import type { LlmStage } from './llm-stage.js';
import type { DetectionRuntime } from './runtime.js';

export interface ClassifyDeps {
  store: Store;
  ingestor: Ingestor;
  llm: LlmStage | null;
  clock: Clock;
  runtime: DetectionRuntime;
}

export interface TransientClassification {
  item: Item;
  author: Account | null;
  recipients: Account[];
  evaluation: Evaluation;
}

function transientAccount(a: AccountInput, now: number): Account {
  return {
    id: newId<AccountId>(), externalId: a.externalId, ageBand: a.ageBand ?? 'unknown',
    createdAt: a.createdAt === undefined ? now : toEpochMs(a.createdAt, now), flags: a.flags ?? [],
  };
}

/**
 * Runs the whole detection cascade on one item without storing it or acting on it: for `haven classify`, for a
 * generative-AI product checking a prompt or an output in-line, and for trying configuration on a sample. The
 * item has no conversation or contact history here, so conversation risk and behaviour signals stay quiet.
 */
export async function classifyTransient(deps: ClassifyDeps, input: ItemInput): Promise<TransientClassification> {
  const now = deps.clock.now();
  const prepared = await deps.ingestor.prepare(input);
  const author = input.author ? transientAccount(input.author, now) : null;
  const recipients = (input.recipients ?? []).map((r) => transientAccount(r, now));
  const item: Item = {
    id: newId<ItemId>(), externalId: input.externalId, contentDigest: prepared.digest, surface: input.surface, kind: prepared.kind,
    text: input.text ?? null, media: prepared.media.map(({ data: _data, ...m }) => ({ ...m, id: newId<MediaId>(), stored: false })),
    authorId: author?.id ?? null, conversationId: input.conversationId ?? null, recipientIds: recipients.map((r) => r.id),
    createdAt: toEpochMs(input.createdAt, now), ingestedAt: now, metadata: input.metadata ?? {}, status: 'pending',
  };
  const setup = await deps.runtime.current(deps.store.db);
  const run = () => evaluateItem(
    { item, author, recipients, context: { conversation: null, behaviour: null } },
    { detectors: setup.detectors, policy: setup.policy, newId, now, cascade: setup.cascade },
  );
  const evaluation = deps.llm ? await deps.llm.withTransientMedia(prepared.media, run) : await run();
  return { item, author, recipients, evaluation };
}

/** Keeps what an in-line check decided and every version it used, without the content itself. */
export async function recordInlineCheck(store: Store, actor: string, c: TransientClassification, now: number): Promise<void> {
  const d = c.evaluation.decision;
  const versions: Record<string, string | number> = { policy: d.policyVersion, taxonomy: d.taxonomyVersion };
  for (const e of c.evaluation.events) for (const [k, v] of Object.entries(e.versions)) versions[k] = v;
  await appendEvents(store.db, [{
    type: 'inline_checked', itemId: null, accountId: null, actor, versions,
    payload: {
      surface: c.item.surface, contentDigest: c.item.contentDigest, verdict: d.verdict, category: d.category, severity: d.severity,
      actions: d.actions, reasons: d.reasons.map((r) => r.text), signals: c.evaluation.signals.map((s) => ({ detector: s.detector, category: s.category, score: s.score })),
    },
  }], now);
}
