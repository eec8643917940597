import { duration } from './steps.js';
import { truthOf } from './truth.js';
import type { ExpectedTruth, ItemTrace, MissedCatch, TraceCause, TraceDecision, TraceSignal, TraceTruth } from './types.js';

// Where an item that should have been caught was not, read from its trace. Pure.

/** How far under a threshold a score counts as "just under" it (a threshold question, not a classifier's). */
export const JUST_UNDER = 0.1;
/** Detectors that score content themselves: a low score on confirmed content is the classifier's miss. */
const CLASSIFIERS = new Set(['text.model', 'llm.policy']);
/** Review work whose lateness delays a catch (QA and appeals check a decision already made). */
const CATCHING_TASKS = new Set(['review', 'second_review', 'escalation']);

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

interface Candidate extends MissedCatch {
  /** detection 0, review 1, delivery 2; then the order below; then the step. */
  phase: number;
  rank: number;
}

/**
 * Every point where the item could have been caught and was not, first first. Nothing when it was caught promptly
 * (actioned automatically, or confirmed by a reviewer within the SLA, with every action delivered), when it was not
 * violating, or when nothing says what it should have been (no human word, no `expected`, no automatic action).
 */
export function missedCatches(trace: ItemTrace, expected?: ExpectedTruth | null): MissedCatch[] {
  const truth = truthOf(trace, expected);
  const firstViolating = trace.decisions.find((d) => d.verdict === 'violating') ?? null;
  if (truth?.verdict === 'not_violating') return [];
  if (!truth && !firstViolating) return [];
  const category = truth?.category ?? firstViolating?.category ?? null;
  const out: Candidate[] = [];
  if (!caughtPromptly(trace, firstViolating)) {
    out.push(...detectionMisses(trace, category), ...reviewMisses(trace, truth, firstViolating));
  }
  out.push(...deliveryMisses(trace));
  return out
    .sort((a, b) => a.phase - b.phase || a.rank - b.rank || (a.step ?? -1) - (b.step ?? -1))
    .map(({ step, eventId, cause, text }) => ({ step, eventId, cause, text }));
}

/** The first point where the item could have been caught and was not; null when it was caught promptly. */
export function firstMissedCatch(trace: ItemTrace, expected?: ExpectedTruth | null): MissedCatch | null {
  return missedCatches(trace, expected)[0] ?? null;
}

function caughtPromptly(trace: ItemTrace, first: TraceDecision | null): boolean {
  if (!first) return false;
  if (first.automated) return true;
  const taskId = first.eventId ? trace.steps.find((s) => s.eventId === first.eventId)?.data.taskId : undefined;
  const task = trace.reviews.find((r) => r.taskId === taskId);
  return task ? task.overdueMs === 0 : true;
}

const stepOf = (trace: ItemTrace, eventId: string | null): number | null =>
  eventId === null ? null : (trace.steps.find((s) => s.eventId === eventId)?.index ?? null);

function at(trace: ItemTrace, eventId: string | null, cause: TraceCause, text: string, phase: number, rank: number): Candidate {
  return { step: stepOf(trace, eventId), eventId, cause, text, phase, rank };
}

function detectionMisses(trace: ItemTrace, category: string | null): Candidate[] {
  const pipeline = trace.decisions.find((d) => d.automated);
  if (!pipeline || pipeline.verdict === 'violating') return [];
  const out: Candidate[] = [];
  const decisionEvent = pipeline.eventId;
  const live = trace.signals.filter((s) => !s.informational || s.hash?.nearMiss);
  const forCategory = (s: TraceSignal) => category === null || s.category === category;

  // 1. A perceptual hash came close to a bank entry but stayed outside the match radius.
  const near = trace.signals.filter((s) => s.hash?.nearMiss).sort((a, b) => nearRank(a, category) - nearRank(b, category));
  const closest = near[0];
  if (closest?.hash) {
    const h = closest.hash;
    out.push(at(trace, closest.eventId, 'evasion_perturbation',
      `${h.hashType.toUpperCase()} distance ${h.distance ?? '?'} to bank entry ${h.bankEntryId ?? '?'} (bank ${h.bankName ? `"${h.bankName}"` : (h.bankId ?? '?')}), match radius ${h.matchRadius ?? '?'}`, 0, 0));
  }

  // 2. The category's best score, against the thresholds of the policy that decided.
  const best = live.filter((s) => !s.hash?.nearMiss && forCategory(s)).sort((a, b) => b.score - a.score)[0];
  if (best?.thresholds) {
    const t = best.thresholds;
    const what = `score ${fmt(best.score)} for ${best.category} from ${best.detector}`;
    if (best.score >= t.review && best.score < t.action) {
      out.push(at(trace, best.eventId, 'threshold', `${what} was under the action threshold ${fmt(t.action)} of policy v${t.policyVersion} (over the review threshold ${fmt(t.review)}: sent to review, not actioned)`, 0, 1));
    } else if (best.score < t.review && (best.score >= t.review - JUST_UNDER || !CLASSIFIERS.has(best.detector))) {
      out.push(at(trace, best.eventId, 'threshold', `${what} was under the review threshold ${fmt(t.review)} of policy v${t.policyVersion}`, 0, 1));
    } else if (best.score < t.review) {
      out.push(at(trace, best.eventId, 'classifier_miss', `${best.detector} scored ${best.category} ${fmt(best.score)}, far under the review threshold ${fmt(t.review)} of policy v${t.policyVersion}`, 0, 2));
    }
  }

  // 3. The text hid itself and the rules, which cover the category, did not fire.
  const rulesFired = live.some((s) => s.detector === 'text.rules' && forCategory(s));
  const rulesRun = trace.detectors.find((d) => d.detector === 'text.rules');
  const rulesCover = category === null || (trace.coverage.find((x) => x.category === category)?.detectors ?? []).includes('text.rules');
  if (trace.textTactics.length > 0 && !rulesFired && rulesRun && rulesCover) {
    out.push(at(trace, rulesRun.eventId, 'evasion_obfuscation',
      `the text used ${trace.textTactics.join(', ')} and the rules did not fire${category ? ` for ${category}` : ''}`, 0, 3));
  }

  // 4. The LLM could have looked and was not asked.
  const c = trace.cascade;
  const llmCovers = category === null || (trace.coverage.find((x) => x.category === category)?.detectors ?? []).some((d) => d.endsWith('(if asked)'));
  if (c && !c.asked && llmCovers) {
    const thresholdish = c.reasons.some((r) => /band|threshold/.test(r));
    out.push(at(trace, c.eventId, thresholdish ? 'threshold' : 'detection_gap', `the LLM was not asked: ${c.reasons.join('; ') || 'no reason recorded'}`, 0, 4));
  }

  // 5. Media no bank knows, with nothing near.
  const hashed = trace.media.filter((m) => m.hashed || m.mime.startsWith('image/') || m.mime.startsWith('video/'));
  const hashRuns = trace.detectors.filter((d) => d.detector.startsWith('hashmatch.'));
  if (hashed.length > 0 && !trace.signals.some((s) => s.hash) && hashRuns.length > 0) {
    const run = hashRuns.find((d) => d.detector === 'hashmatch.pdq') ?? hashRuns[0]!;
    out.push(at(trace, run.eventId, 'hash_not_banked', `the media matched no bank entry and none was near (${hashRuns.map((d) => d.detector).join(', ')} ran)`, 0, 5));
  }

  // 6. Nothing that ran could raise the category on this surface; or what could, raised nothing.
  if (category && !best && near.length === 0) {
    const covering = trace.coverage.find((x) => x.category === category)?.detectors ?? [];
    const ran = [...new Set(trace.detectors.map((d) => d.detector))];
    if (covering.length === 0) {
      out.push(at(trace, decisionEvent, 'detection_gap', `no detector covers ${category} on surface ${trace.surface} (ran: ${ran.join(', ') || 'none'})`, 0, 6));
    } else if (!out.some((x) => x.cause === 'evasion_obfuscation' || x.cause === 'hash_not_banked') && (!c || c.asked)) {
      const cause: TraceCause = covering.some((d) => CLASSIFIERS.has(d)) ? 'classifier_miss' : 'detection_gap';
      out.push(at(trace, decisionEvent, cause, `${covering.join(', ')} cover${covering.length === 1 ? 's' : ''} ${category} on ${trace.surface} but raised nothing for this item`, 0, 6));
    }
  }
  return out;
}

/** Near misses of the expected category first, then the closest. */
function nearRank(s: TraceSignal, category: string | null): number {
  return (category !== null && s.category !== category ? 1000 : 0) + (s.hash?.distance ?? 999);
}

function reviewMisses(trace: ItemTrace, truth: TraceTruth | null, firstViolating: TraceDecision | null): Candidate[] {
  const out: Candidate[] = [];
  const caughtAt = firstViolating?.at ?? Number.POSITIVE_INFINITY;
  for (const r of trace.reviews) {
    if (!CATCHING_TASKS.has(r.kind) || r.createdAt > caughtAt || r.overdueMs <= 0 || r.slaMs === null) continue;
    const open = r.decidedAt === null;
    const enqueued = trace.steps.find((s) => s.kind === 'review_enqueued' && s.data.queue === r.queue && Math.abs(s.at - r.createdAt) < 1000);
    out.push(at(trace, r.decidedEventId ?? enqueued?.eventId ?? null, 'queue_delay',
      `waited ${duration(r.waitedMs)} in queue ${r.queue} against an SLA of ${duration(r.slaMs)}${open ? ' (still open)' : ''}`, 1, 0));
  }
  if (truth?.verdict === 'violating') {
    const later = truth.source === 'expected' ? `the investigation expects ${truth.category ?? 'a violation'}`
      : truth.source === 'qa' ? `QA (${truth.by}) later disagreed` : truth.source === 'appeal' ? 'an appeal later upheld a violation' : `a later review (${truth.by}) disagreed`;
    for (const s of trace.steps) {
      if (s.kind !== 'review_decided' || s.data.verdict !== 'not_violating' || !CATCHING_TASKS.has(String(s.data.kind))) continue;
      if (truth.at !== null && s.at > truth.at) continue;
      out.push(at(trace, s.eventId, 'reviewer_error', `a reviewer (${String(s.data.reviewer ?? s.actor)}) decided not violating in queue ${String(s.data.queue ?? '?')}; ${later}`, 1, 1));
    }
  }
  return out;
}

function deliveryMisses(trace: ItemTrace): Candidate[] {
  return trace.actions.filter((a) => a.status === 'dead').map((a) => {
    const dead = trace.steps.find((s) => s.kind === 'action_dead' && s.data.actionId === a.id);
    return at(trace, dead?.eventId ?? null, 'delivery_failure',
      `action ${a.type} was dead after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'}${a.lastError ? ` (last error: ${a.lastError})` : ''}`, 2, 0);
  });
}
