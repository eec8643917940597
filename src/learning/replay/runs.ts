import type { PromptFormat } from '../../detectors/llm/policy/index.js';
import type { LlmStage } from '../../pipeline/llm-stage.js';
import type { Queryable } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { type BacktestRecord, insertBacktest } from '../../store/repos/proposals.js';
import { earlierConversationItemIds, itemIdsIngestedBetween } from '../../store/repos/replay.js';
import { getItems } from '../../store/repos/items.js';
import { replayItems } from './engine.js';
import { type BacktestReport, type Outcome, ReportBuilder } from './report.js';
import { buildReplaySetup, type LlmMode, type SetupOverrides } from './setup.js';

const DAY_MS = 86_400_000;
const WARMUP_WINDOW_MS = 7 * DAY_MS;
const WARMUP_MESSAGES = 50;

export interface ReplayDeps {
  q: Queryable;
  now: number;
  /** The configured LLM (for 'recorded' and, when asked, 'live'); null without one. */
  llm: LlmStage | null;
  promptFormat?: PromptFormat | undefined;
}

export interface BacktestRequest {
  days: number;
  limit?: number | undefined;
  overrides: SetupOverrides;
  /** Call the LLM (costs money, only when asked); otherwise its recorded verdicts are replayed. */
  callLlm?: boolean | undefined;
  proposalId?: string | null | undefined;
  runBy: string;
  /**
   * Writes that belong with the record (a proposal's status and event), committed in the record's transaction: a
   * backtest killed part-way leaves nothing, and one that completes leaves all of it.
   */
  withRecord?: ((trx: Queryable, record: BacktestRecord, report: BacktestReport) => Promise<void>) | undefined;
}

function notesFor(llm: LlmMode, hasLlm: boolean): string[] {
  return [
    llm === 'live' ? 'the LLM stage was called' : hasLlm
      ? 'the LLM stage was not called: its recorded verdicts were replayed where the cascade asked (items it never asked count as not confirmed)'
      : 'no LLM is configured: LLM-stage detectors are absent, as live',
    'conversation risk state starts empty at the window start and is carried through the replayed items in send order',
    'entity labels and rule snoozes are not applied to history; contact counts are read as of each item',
    'nothing was written but this report: no decisions, actions, events or webhooks',
  ];
}

const llmModeOf = (deps: ReplayDeps, callLlm: boolean | undefined): LlmMode => (callLlm ? 'live' : deps.llm ? 'recorded' : 'off');

async function store(q: Queryable, r: Omit<BacktestRecord, 'id'>): Promise<BacktestRecord> {
  const record = { id: newId(), ...r };
  await insertBacktest(q, record);
  return record;
}

/** Replays the items ingested in the last `days` days through the proposed setup and stores the comparison. */
export async function runBacktest(deps: ReplayDeps, req: BacktestRequest): Promise<{ record: BacktestRecord; report: BacktestReport }> {
  const llm = llmModeOf(deps, req.callLlm);
  const started = performance.now();
  const rs = await buildReplaySetup(deps.q, req.overrides, { llm, stage: deps.llm, promptFormat: deps.promptFormat });
  const from = deps.now - req.days * DAY_MS;
  const ids = await itemIdsIngestedBetween(deps.q, from, deps.now + 1, req.limit);
  const setupSeconds = (performance.now() - started) / 1000;
  const builder = new ReportBuilder('backtest', { overridden: rs.overridden, llm, notes: notesFor(llm, deps.llm !== null) });
  const t0 = performance.now();
  await replayItems(deps.q, ids, rs, { onItem: (r) => void builder.add(r.item, r.before, r.after.decision, r.label) });
  const report = builder.finish({ seconds: (performance.now() - t0) / 1000, setupSeconds });
  const row = {
    proposalId: req.proposalId ?? null, environment: 'backtest', windowFrom: from, windowTo: deps.now, items: report.items,
    report: report as unknown as Record<string, unknown>, runBy: req.runBy, createdAt: deps.now,
  } as const;
  const { withRecord } = req;
  const record = withRecord
    ? await deps.q.transaction().execute(async (trx) => {
        const r = await store(trx, row);
        await withRecord(trx, r, report);
        return r;
      })
    : await store(deps.q, row);
  return { record, report };
}

export interface SignalView {
  detector: string;
  category: string;
  score: number;
  summary: string;
  informational: boolean;
}

export interface WhatIfItem {
  itemId: string;
  externalId: string;
  recorded: Outcome | null;
  today: Outcome;
  proposed: Outcome | null;
  /** The proposed (or, without a proposal, today's) outcome differs from the recorded one. */
  differs: boolean;
  signals: { today: SignalView[]; proposed: SignalView[] | null };
}

export interface WhatIfResult {
  backtestId: string;
  environment: 'what_if' | 'spot';
  items: WhatIfItem[];
  report: BacktestReport;
}

const view = (d: { verdict: string; category: string | null; actions: readonly string[]; reasons: readonly { text: string }[] }): Outcome => ({
  verdict: d.verdict, category: d.category, actions: [...d.actions].sort(), reasons: d.reasons.map((r) => r.text),
});
const signalViews = (signals: readonly { detector: string; category: string; score: number; evidence: { summary: string; informational?: boolean } }[]): SignalView[] =>
  signals.map((s) => ({ detector: s.detector, category: s.category, score: s.score, summary: s.evidence.summary, informational: s.evidence.informational === true }));
const same = (a: Outcome | null, b: Outcome) => a !== null && a.verdict === b.verdict && a.category === b.category && a.actions.join() === b.actions.join();

/**
 * Runs items (an escalation's, or one: a spot test) through today's configuration and, when given, a proposed
 * one, and says what would differ from what was recorded. Earlier messages of their conversations are replayed
 * first (not reported) so conversation risk sees the conversation as it was.
 */
export async function whatIf(
  deps: ReplayDeps,
  req: { itemIds: readonly string[]; overrides?: SetupOverrides | undefined; callLlm?: boolean; proposalId?: string | null; runBy: string },
): Promise<WhatIfResult> {
  const llm = llmModeOf(deps, req.callLlm);
  const items = await getItems(deps.q, req.itemIds);
  const warmup = new Set<string>();
  const wanted = new Set(items.map((i) => i.id as string));
  for (const it of items) {
    if (!it.conversationId) continue;
    for (const id of await earlierConversationItemIds(deps.q, it.conversationId, it.createdAt, WARMUP_WINDOW_MS, WARMUP_MESSAGES)) {
      if (!wanted.has(id)) warmup.add(id);
    }
  }
  const ids = [...warmup, ...wanted];
  const started = performance.now();
  const today = await buildReplaySetup(deps.q, {}, { llm, stage: deps.llm, promptFormat: deps.promptFormat });
  const proposed = req.overrides ? await buildReplaySetup(deps.q, req.overrides, { llm, stage: deps.llm, promptFormat: deps.promptFormat }) : null;
  const setupSeconds = (performance.now() - started) / 1000;
  const environment = req.itemIds.length === 1 ? 'spot' : 'what_if';
  const builder = new ReportBuilder(environment, { overridden: proposed?.overridden ?? [], llm, notes: notesFor(llm, deps.llm !== null) });
  const byId = new Map<string, WhatIfItem>();
  const t0 = performance.now();
  await replayItems(deps.q, ids, today, {
    warmup,
    onItem: (r) => {
      const t = view(r.after.decision);
      byId.set(r.item.id, {
        itemId: r.item.id, externalId: r.item.externalId, recorded: r.before ? view(r.before) : null, today: t, proposed: null,
        differs: !same(r.before ? view(r.before) : null, t), signals: { today: signalViews(r.after.signals), proposed: null },
      });
      if (!proposed) builder.add(r.item, r.before, r.after.decision, r.label);
    },
  });
  if (proposed) {
    await replayItems(deps.q, ids, proposed, {
      warmup,
      onItem: (r) => {
        const entry = byId.get(r.item.id);
        if (!entry) return;
        entry.proposed = view(r.after.decision);
        entry.signals.proposed = signalViews(r.after.signals);
        entry.differs = !same(entry.recorded, entry.proposed);
        builder.add(r.item, r.before, r.after.decision, r.label);
      },
    });
  }
  const report = builder.finish({ seconds: (performance.now() - t0) / 1000, setupSeconds });
  const record = await store(deps.q, {
    proposalId: req.proposalId ?? null, environment, windowFrom: null, windowTo: null, items: report.items,
    report: { ...report, itemIds: req.itemIds } as unknown as Record<string, unknown>, runBy: req.runBy, createdAt: deps.now,
  });
  return { backtestId: record.id, environment, items: req.itemIds.flatMap((id) => byId.get(id) ?? []), report };
}

/** Shadow: a setup's verdicts on items, recorded as a report beside the live ones; nothing acts on them. */
export async function runShadow(deps: ReplayDeps, req: { itemIds: readonly string[]; overrides: SetupOverrides; runBy: string }): Promise<BacktestRecord> {
  const rs = await buildReplaySetup(deps.q, req.overrides, { llm: deps.llm ? 'recorded' : 'off', stage: deps.llm });
  const builder = new ReportBuilder('shadow', { overridden: rs.overridden, llm: rs.llm, notes: notesFor(rs.llm, deps.llm !== null) });
  const t0 = performance.now();
  await replayItems(deps.q, req.itemIds, rs, { onItem: (r) => void builder.add(r.item, r.before, r.after.decision, r.label) });
  const report = builder.finish({ seconds: (performance.now() - t0) / 1000, setupSeconds: 0 });
  return store(deps.q, {
    proposalId: null, environment: 'shadow', windowFrom: null, windowTo: null, items: report.items,
    report: report as unknown as Record<string, unknown>, runBy: req.runBy, createdAt: deps.now,
  });
}
