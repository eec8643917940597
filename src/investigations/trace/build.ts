import type { ItemId } from '../../core/ids.js';
import { type Policy, thresholdsFor } from '../../core/policy.js';
import type { HavenEvent } from '../../core/types.js';
import { normalize } from '../../detectors/text/normalize/index.js';
import type { Queryable } from '../../store/db.js';
import { configVersion } from '../../store/repos/config.js';
import { eventsForItem } from '../../store/repos/events.js';
import { getItem } from '../../store/repos/items.js';
import { resultsForItem } from '../../store/repos/results.js';
import { reviewDecisionsForItem } from '../../store/repos/review-decisions.js';
import { reviewTasksForItem } from '../../store/repos/review.js';
import { detectorCoverage } from './coverage.js';
import { toSteps } from './steps.js';
import { humanTruth } from './truth.js';
import type {
  ItemTrace, TraceAppeal, TraceCascade, TraceDecision, TraceDetectorRun, TraceHashMatch, TraceReview, TraceSignal,
} from './types.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Everything the system did with an item, from its events and the rows behind them: ingest, every detector run with
 * its versions and findings (near misses with their distance against the match radius), the thresholds of the policy
 * version that decided, the cascade's reasons, each review task's wait against its SLA and who decided what, every
 * action's delivery, appeals. `now` measures review tasks still open. Null when the item does not exist.
 */
export async function buildItemTrace(q: Queryable, itemId: string, opts: { now?: number } = {}): Promise<ItemTrace | null> {
  const item = await getItem(q, itemId);
  if (!item) return null;
  const builtAt = opts.now ?? Date.now();
  const [events, results, tasks, reviewDecisions] = await Promise.all([
    eventsForItem(q, item.id as ItemId), resultsForItem(q, item.id as ItemId), reviewTasksForItem(q, item.id), reviewDecisionsForItem(q, item.id),
  ]);
  const steps = toSteps(events, new Map(results.actions.map((a) => [a.id as string, a.type as string])));

  const detectors: TraceDetectorRun[] = events.filter((e) => e.type === 'detector_ran').map((e) => ({
    detector: String(e.payload.detector ?? ''), eventId: e.id, at: e.at, versions: e.versions, signals: num(e.payload.signals) ?? 0,
    shadow: e.payload.shadow === true,
  }));
  const signals = await traceSignals(q, events, results.signals, item.surface);
  const cascadeEvent = events.find((e) => e.type === 'cascade_planned');
  const cascade: TraceCascade | null = cascadeEvent ? {
    eventId: cascadeEvent.id, at: cascadeEvent.at, version: Number(cascadeEvent.versions.cascade ?? 0), asked: cascadeEvent.payload.ask === true,
    shadow: cascadeEvent.payload.shadow === true, reasons: strings(cascadeEvent.payload.reasons), confirm: strings(cascadeEvent.payload.confirm),
    detectors: strings(cascadeEvent.payload.detectors),
  } : null;

  const decisionEvents = new Map(events.filter((e) => e.type === 'decision').map((e) => [String(e.payload.decisionId), e]));
  const decisions: TraceDecision[] = results.decisions.map((d) => {
    const e = decisionEvents.get(d.id);
    const automated = !e || e.actor === 'pipeline';
    return {
      id: d.id, eventId: e?.id ?? null, at: d.createdAt, by: automated ? 'pipeline' : (str(e?.payload.by) ?? e?.actor ?? 'unknown'), automated,
      verdict: d.verdict, category: d.category, severity: d.severity, policyVersion: d.policyVersion, taxonomyVersion: d.taxonomyVersion,
      actions: [...d.actions],
      reasons: d.reasons.map((r) => ({ category: r.category, detector: r.detector, score: r.score, threshold: r.threshold, thresholdKind: r.thresholdKind, text: r.text })),
    };
  }).sort((a, b) => a.at - b.at || (a.eventId ?? '').localeCompare(b.eventId ?? ''));

  const decidedEvents = new Map(events.filter((e) => e.type === 'review_decided').map((e) => [String(e.payload.taskId), e]));
  const reviews: TraceReview[] = tasks.map((t) => {
    const decided = [...reviewDecisions].reverse().find((r) => r.taskId === t.id) ?? null;
    const createdAt = Number(t.created_at);
    const slaDueAt = t.sla_due_at === null ? null : Number(t.sla_due_at);
    const decidedAt = t.decided_at === null ? null : Number(t.decided_at);
    const end = decidedAt ?? builtAt;
    return {
      taskId: t.id, kind: t.kind, queue: t.queue, status: t.status, createdAt, slaDueAt, slaMs: slaDueAt === null ? null : slaDueAt - createdAt,
      claimedAt: t.claimed_at === null ? null : Number(t.claimed_at), decidedAt, waitedMs: Math.max(0, end - createdAt),
      overdueMs: slaDueAt === null ? 0 : Math.max(0, end - slaDueAt), reviewer: decided?.reviewer ?? null, verdict: decided?.verdict ?? null,
      category: decided?.category ?? null, outcome: decided?.outcome ?? null, agrees: decided?.agrees ?? null,
      decidedEventId: decidedEvents.get(t.id)?.id ?? null,
    };
  }).sort((a, b) => a.createdAt - b.createdAt || a.taskId.localeCompare(b.taskId));

  const appeals: TraceAppeal[] = events.filter((e) => e.type === 'appeal_filed').map((filed) => {
    const resolved = events.find((e) => e.type === 'appeal_resolved' && e.payload.appealId === filed.payload.appealId);
    return {
      appealId: String(filed.payload.appealId), filedAt: filed.at, filedEventId: filed.id, outcome: str(resolved?.payload.outcome),
      resolvedAt: resolved?.at ?? null, resolvedBy: resolved?.actor ?? null, resolvedEventId: resolved?.id ?? null,
    };
  });

  const trace: ItemTrace = {
    itemId: item.id, externalId: item.externalId, surface: item.surface, kind: item.kind, status: item.status, authorId: item.authorId,
    conversationId: item.conversationId, createdAt: item.createdAt, ingestedAt: item.ingestedAt,
    media: item.media.map((m) => ({
      id: m.id, index: m.index, mime: m.mime, width: m.width, height: m.height, hashed: m.pdq !== null || m.vpdq !== null,
      pdqQuality: m.pdqQuality, previewUrl: `/v1/media/${m.id}/preview`,
    })),
    steps, detectors, signals, cascade, decisions, actions: results.actions.map((a) => ({
      id: a.id, decisionId: a.decisionId, type: a.type, delivery: a.delivery, status: a.status, attempts: a.attempts, lastError: a.lastError,
      createdAt: a.createdAt, deliveredAt: a.deliveredAt, accountId: a.accountId,
    })),
    reviews, appeals, textTactics: item.text ? normalize(item.text).tactics : [],
    coverage: await detectorCoverage(q, item.surface, detectors, signals, cascade), truth: null, builtAt,
  };
  trace.truth = humanTruth(trace);
  return trace;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** Signals from their events (which carry the detector's versions, e.g. the PDQ match radius), with the thresholds then in force. */
async function traceSignals(q: Queryable, events: readonly HavenEvent[], rows: readonly { id: string; detectorVersion: string }[], surface: string): Promise<TraceSignal[]> {
  const policies = new Map<number, Policy | null>();
  const policyAt = async (version: number) => {
    if (!policies.has(version)) policies.set(version, (await configVersion<Policy>(q, 'policy', version))?.document ?? null);
    return policies.get(version) ?? null;
  };
  const versionById = new Map(rows.map((r) => [r.id as string, r.detectorVersion]));
  const out: TraceSignal[] = [];
  for (const [i, e] of events.entries()) {
    if (e.type !== 'signal') continue;
    const p = e.payload;
    const ev = (p.evidence ?? {}) as Record<string, unknown>;
    const category = String(p.category ?? '');
    // The policy that judged this signal: the version of the next pipeline decision.
    const decision = events.slice(i + 1).find((x) => x.type === 'decision' && x.actor === 'pipeline');
    const policyVersion = num(decision?.versions.policy);
    const policy = policyVersion === null ? null : await policyAt(policyVersion);
    const t = policy && policyVersion !== null ? thresholdsFor(policy, category, surface) : null;
    const detector = String(p.detector ?? '');
    out.push({
      id: str(p.signalId), eventId: e.id, at: e.at, detector, detectorVersion: versionById.get(String(p.signalId)) ?? String(e.versions[detector] ?? ''),
      category, score: num(p.score) ?? 0, summary: String(ev.summary ?? ''), informational: ev.informational === true || ev.shadow === true,
      hash: hashMatch(ev, e.versions), tactics: strings(ev.tactics),
      thresholds: t && policyVersion !== null ? { action: t.actionThreshold, review: t.reviewThreshold, policyVersion } : null,
    });
  }
  return out;
}

function hashMatch(ev: Record<string, unknown>, versions: Record<string, string | number>): TraceHashMatch | null {
  const hashType = str(ev.hashType);
  if (!hashType) return null;
  const radius = num(ev.matchRadius) ?? (hashType === 'pdq' ? num(Number(versions.pdq_radius)) : null);
  return {
    hashType, distance: num(ev.distance) ?? (hashType === 'md5' || hashType === 'sha256' ? 0 : null), matchRadius: radius,
    nearMiss: ev.nearMiss === true, bankId: str(ev.bankId), bankEntryId: str(ev.bankEntryId), bankName: str(ev.bankName),
  };
}

