import { ACCOUNT_ACTIONS, ACTION_DELIVERY, type ActionType } from '../core/actions.js';
import type { ActionId, DecisionId, SignalId } from '../core/ids.js';
import { decide, type PolicyContext } from '../core/policy.js';
import { findCategory, slaMs } from '../core/taxonomy.js';
import type { Action, ActionStatus, Decision, Item, Signal } from '../core/types.js';
import { type Detector, type DetectionInput, type DetectorResult, detectorApplies, type StateUpdate } from '../detectors/types.js';
import type { NewEvent } from '../store/repos/events.js';
import type { CascadeConfig } from './cascade/config.js';
import { planLlm } from './cascade/plan.js';
import { DEFAULT_REVIEW_CONFIG, queueById, type ReviewConfig, routeTask, sampled, slaFor, SYSTEM_QUEUES } from '../review/config.js';
import { type TaskFacts, taskFactsOf } from '../review/facts.js';

export interface ReviewTaskDraft extends TaskFacts {
  kind: 'review' | 'qa';
  queue: string;
  category: string | null;
  severity: string;
  slaDueAt: number | null;
  /** QA: the reviewer must not see the automated decision under check. */
  blind: boolean;
}

export interface Evaluation {
  signals: Signal[];
  decision: Decision;
  actions: (Action & { delivery: string })[];
  /** Review work the decision opens: its own review, and a blind QA check when an automatic action was sampled. */
  reviewTasks: ReviewTaskDraft[];
  events: NewEvent[];
  /** State detectors carry to the next item (a conversation's risk), saved with the results. */
  updates: StateUpdate[];
}

export interface EvaluateDeps {
  detectors: readonly Detector[];
  policy: PolicyContext;
  newId: () => string;
  now: number;
  /** When cascade-stage detectors (LLMs) run; without it they never do. */
  cascade?: { config: CascadeConfig; version: number } | undefined;
  /** Queues, routing and QA sampling; the defaults without it. */
  review?: { config: ReviewConfig; version: number } | undefined;
}

const DISABLED_CASCADE: CascadeConfig = { shadow: false, default: { mode: 'never' }, categories: {}, alwaysSurfaces: [], unmatchedMedia: false };

const STATUS_BY_DELIVERY: Record<string, ActionStatus> = { platform: 'pending', approval: 'awaiting_approval' };

/**
 * Runs one item through detect -> decide -> act and returns everything to record, without touching storage.
 * Detectors run cheapest first; each run is an event naming its versions, even when it found nothing.
 */
export async function evaluateItem(input: DetectionInput, deps: EvaluateDeps): Promise<Evaluation> {
  const { item } = input;
  const { now, policy } = deps;
  const events: NewEvent[] = [];
  const signals: Signal[] = [];
  const updates: StateUpdate[] = [];
  const base = { itemId: item.id, accountId: item.authorId, actor: 'pipeline' } as const;
  const ordered = [...deps.detectors].sort((a, b) => a.cost - b.cost);

  const run = async (d: Detector, shadow: boolean): Promise<DetectorResult> => {
    const started = performance.now();
    const output = await d.detect(input, signals);
    const result: DetectorResult = Array.isArray(output) ? { signals: output } : output;
    updates.push(...(result.updates ?? []));
    const versions = d.versions();
    events.push({
      ...base, type: 'detector_ran', versions,
      payload: {
        detector: d.id, signals: result.signals.length, ms: Math.round((performance.now() - started) * 1000) / 1000,
        ...(shadow ? { shadow: true } : {}),
        ...(result.details ? { details: result.details } : {}),
      },
    });
    for (const s of result.signals) {
      // A shadow verdict is kept for comparison and never decides.
      const evidence = shadow ? { ...s.evidence, informational: true, shadow: true } : s.evidence;
      const signal: Signal = {
        id: deps.newId() as SignalId, itemId: item.id, detector: d.id, detectorVersion: String(versions[d.id] ?? ''),
        category: s.category, score: s.score, evidence, createdAt: now,
      };
      signals.push(signal);
      events.push({
        ...base, type: 'signal', versions,
        payload: { signalId: signal.id, detector: d.id, category: s.category, score: s.score, evidence },
      });
    }
    return result;
  };

  for (const d of ordered) {
    if (d.stage !== 'cascade' && detectorApplies(d, item, input)) await run(d, false);
  }

  // The cascade: expensive classifiers only where the cheap ones leave doubt, with the reason recorded either way.
  const capToReview = new Map<string, string>();
  const expensive = ordered.filter((d) => d.stage === 'cascade' && detectorApplies(d, item, input));
  // Without an LLM configured there is nothing to plan, and no event per item to say so (/readyz and the UI do).
  if (expensive.length > 0) {
    const plan = planLlm(signals, item, deps.cascade?.config ?? DISABLED_CASCADE, policy, deps.cascade !== undefined);
    events.push({
      ...base, type: 'cascade_planned', versions: { cascade: deps.cascade?.version ?? 0 },
      payload: { ask: plan.ask, shadow: plan.shadow, confirm: plan.confirm, reasons: plan.reasons, detectors: expensive.map((d) => d.id) },
    });
    if (plan.ask) {
      for (const d of expensive) {
        const before = signals.length;
        await run(d, plan.shadow);
        const raised = signals.slice(before);
        if (plan.shadow) continue;
        for (const category of plan.confirm) {
          if (!raised.some((s) => s.category === category && s.evidence.unavailable !== true)) {
            capToReview.set(category, `${d.id} did not confirm ${category}`);
          }
        }
      }
    }
  }

  const outcome = decide(signals, item.surface, policy, { capToReview });
  const policyVersions = { policy: policy.policyVersion, taxonomy: policy.taxonomyVersion };
  const decision: Decision = {
    id: deps.newId() as DecisionId, itemId: item.id, policyVersion: policy.policyVersion,
    taxonomyVersion: policy.taxonomyVersion, ...outcome, createdAt: now,
  };
  events.push({
    ...base, type: 'decision', versions: policyVersions,
    payload: {
      decisionId: decision.id, verdict: decision.verdict, category: decision.category, severity: decision.severity,
      actions: decision.actions, reasons: decision.reasons,
    },
  });

  const actions = decision.actions.map((type) => newAction(type, decision, input, deps));
  for (const a of actions) {
    events.push({
      ...base, type: 'action_requested', versions: policyVersions,
      payload: { actionId: a.id, type: a.type, delivery: a.delivery, status: a.status, idempotencyKey: a.idempotencyKey },
    });
  }

  const reviewTasks: ReviewTaskDraft[] = [];
  const review = deps.review?.config ?? DEFAULT_REVIEW_CONFIG;
  const reviewVersions = { ...policyVersions, review: deps.review?.version ?? 0 };
  const needsReview = decision.actions.includes('review') || decision.actions.includes('urgent');
  const autoActioned = decision.verdict === 'violating' && sampled(decision.id, review.qa.automatedSampleRate);
  if (needsReview || autoActioned) {
    const cat = decision.category ? findCategory(policy.taxonomy, decision.category) : undefined;
    const severity = cat?.severity ?? decision.severity;
    const facts = taskFactsOf(item, input.recipients, signals, decision);
    const taxonomySla = slaMs(policy.taxonomy, severity);
    if (needsReview) {
      const queue = decision.actions.includes('urgent')
        ? queueById(review, SYSTEM_QUEUES.urgent)
        : routeTask(review, { category: decision.category, severity, surface: facts.surface, language: facts.language, source: facts.source });
      const sla = slaFor(queue, taxonomySla);
      reviewTasks.push({ ...facts, kind: 'review', queue: queue.id, category: decision.category, severity, slaDueAt: sla === null ? null : now + sla, blind: false });
    }
    if (autoActioned) {
      const sla = slaFor(queueById(review, SYSTEM_QUEUES.qa), null);
      reviewTasks.push({
        ...facts, kind: 'qa', queue: SYSTEM_QUEUES.qa, category: decision.category, severity, ongoingHarm: false,
        slaDueAt: sla === null ? null : now + sla, blind: true,
      });
    }
    for (const t of reviewTasks) {
      events.push({
        ...base, type: 'review_enqueued', versions: reviewVersions,
        payload: {
          decisionId: decision.id, kind: t.kind, queue: t.queue, category: t.category, severity: t.severity, slaDueAt: t.slaDueAt,
          source: t.source, clusterKey: t.clusterKey, ongoingHarm: t.ongoingHarm, blind: t.blind,
        },
      });
    }
  }

  return { signals, decision, actions, reviewTasks, events, updates };
}

function newAction(type: ActionType, decision: Decision, input: DetectionInput, deps: EvaluateDeps): Action & { delivery: string } {
  return buildAction(type, decision, input.item, deps.newId(), deps.now);
}

/** One action of a decision, automatic or a reviewer's, with its delivery path and starting status. */
export function buildAction(type: ActionType, decision: Decision, item: Item, id: string, now: number): Action & { delivery: string } {
  const delivery = ACTION_DELIVERY[type];
  const internalStatus: ActionStatus = type === 'review' || type === 'urgent' ? 'done' : 'recorded';
  return {
    id: id as ActionId,
    decisionId: decision.id as DecisionId,
    itemId: item.id,
    accountId: ACCOUNT_ACTIONS.has(type) ? item.authorId : null,
    type,
    delivery,
    status: STATUS_BY_DELIVERY[delivery] ?? internalStatus,
    // The platform dedupes on this key, so a redelivery after a crash is harmless.
    idempotencyKey: `haven:${decision.id}:${type}`,
    createdAt: now,
    deliveredAt: null,
  };
}
