import type { Clock } from '../core/clock.js';
import type { DecisionId, SignalId } from '../core/ids.js';
import type { Policy } from '../core/policy.js';
import type { Taxonomy } from '../core/taxonomy.js';
import type { Decision, DecisionReason, Item } from '../core/types.js';
import type { AppealService } from '../enforcement/appeals/service.js';
import { preserveRequestedActions } from '../enforcement/evidence/preserve.js';
import type { KeyProvider } from '../enforcement/media-vault.js';
import { openReportJobs } from '../enforcement/ncmec/jobs.js';
import { buildAction } from '../pipeline/evaluate.js';
import type { Queryable, Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { latestConfig } from '../store/repos/config.js';
import { appendEvents, type NewEvent } from '../store/repos/events.js';
import { addExposure, exposureOn } from '../store/repos/exposure.js';
import { getItem } from '../store/repos/items.js';
import { insertActions, insertDecisions, toSignal } from '../store/repos/results.js';
import {
  getTask, insertReviewDecision, pendingDecisionOfTask, type ReviewDecisionRecord, type ReviewOutcome, reviewDecisionBehind,
  type TaskRow, updateReviewDecision, updateTask,
} from '../store/repos/review-decisions.js';
import { insertReviewTasks, type TaskKind } from '../store/repos/review.js';
import { defaultProfile, getReviewerProfile, type ReviewerProfile } from '../store/repos/reviewer-profiles.js';
import { type ClaimedTask, claimNext } from './claims.js';
import { DEFAULT_REVIEW_CONFIG, queueById, queuesFor, type ReviewConfig, sampled, SYSTEM_QUEUES } from './config.js';
import { asReviewVerdict, decisionsAgree, planReviewDecision, type ReviewDecisionFields, reviewDecisionInputSchema } from './decide.js';
import { exposureLimitsFor, exposureStatus, type ExposureStatus, HIGH_SEVERITIES, utcDay } from './wellness.js';

/** A refusal the caller can act on; `status` is the HTTP status it maps to. */
export class ReviewError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409, readonly code: string, message: string) {
    super(message);
  }
}

export interface Reviewer {
  /** The principal label (user:<email>): what claims and decisions record. */
  label: string;
  userId: string | null;
  roles: readonly string[];
  /** May move other people's work (permission review:lead). */
  lead?: boolean;
}

export interface ReviewContext {
  config: ReviewConfig;
  configVersion: number;
  policy: Policy;
  policyVersion: number;
  taxonomy: Taxonomy;
  taxonomyVersion: number;
}

export interface DecideResult {
  reviewDecision: ReviewDecisionRecord;
  /** The enforcement decision this produced, when it is final. */
  decision: Decision | null;
  /** Tasks this opened: a second review, a QA check, an escalation. */
  opened: { id: string; kind: TaskKind; queue: string }[];
}

export const isHighSeverityMedia = (t: Pick<TaskRow, 'has_media' | 'severity'>) => t.has_media === 1 && HIGH_SEVERITIES.has(t.severity);

/**
 * The review workbench: claiming (routed by the reviewer's clearance, team, skills and languages, and their
 * exposure), deciding (through the policy engine, with second review and QA sampling), and the ledger of who
 * decided what. Everything a decision depends on is written in the same transaction as the decision.
 */
export class ReviewService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly appeals: AppealService,
    private readonly keys: KeyProvider | null,
  ) {}

  async context(q: Queryable = this.store.db): Promise<ReviewContext> {
    const [review, policy, taxonomy] = await Promise.all([
      latestConfig<ReviewConfig>(q, 'review'), latestConfig<Policy>(q, 'policy'), latestConfig<Taxonomy>(q, 'taxonomy'),
    ]);
    if (!policy || !taxonomy) throw new Error('configuration is missing: run migrations and ensureDefaultConfig first');
    return {
      config: review?.document ?? DEFAULT_REVIEW_CONFIG, configVersion: review?.version ?? 0,
      policy: policy.document, policyVersion: policy.version, taxonomy: taxonomy.document, taxonomyVersion: taxonomy.version,
    };
  }

  async profileOf(reviewer: Reviewer): Promise<ReviewerProfile> {
    const stored = reviewer.userId ? await getReviewerProfile(this.store.db, reviewer.userId) : null;
    return stored ?? defaultProfile(reviewer.userId ?? reviewer.label, reviewer.roles);
  }

  async exposure(reviewer: Reviewer, ctx?: ReviewContext): Promise<ExposureStatus> {
    const { config } = ctx ?? (await this.context());
    const profile = await this.profileOf(reviewer);
    const day = utcDay(this.clock.now());
    const counters = await exposureOn(this.store.db, reviewer.label, day);
    return exposureStatus(counters, day, exposureLimitsFor(config, profile.limits), config.wellness.breakPromptAt);
  }

  /** The queues this reviewer may work, in configured order. */
  async eligibleQueues(reviewer: Reviewer, ctx?: ReviewContext): Promise<string[]> {
    const { config } = ctx ?? (await this.context());
    const profile = await this.profileOf(reviewer);
    const senior = reviewer.roles.some((r) => r === 'senior_reviewer' || r === 'admin') || profile.clearance === 'senior';
    return queuesFor(config, { ...profile, clearance: senior ? profile.clearance : 'standard' }).map((q) => q.id);
  }

  /**
   * Leases the reviewer the next task: work assigned to them by name first, then the best task of the queues they
   * may work (or the subset they asked for). Past their exposure limit they get no high-severity media until the
   * next UTC day.
   */
  async claim(reviewer: Reviewer, opts: { queues?: readonly string[] | undefined } = {}): Promise<{ task: ClaimedTask | null; exposure: ExposureStatus }> {
    const ctx = await this.context();
    const eligible = await this.eligibleQueues(reviewer, ctx);
    const refused = (opts.queues ?? []).filter((q) => !eligible.includes(q));
    if (refused.length) throw new ReviewError(403, 'queue_not_allowed', `you are not cleared for queue ${refused.join(', ')}`);
    const queues = opts.queues?.length ? [...opts.queues] : eligible;
    const exposure = await this.exposure(reviewer, ctx);
    if (queues.length === 0) return { task: null, exposure };
    const now = this.clock.now();
    const task = await claimNext(this.store.db, {
      reviewer: reviewer.label, queues, leaseMs: ctx.config.leaseMinutes * 60_000, now, skipHighSeverityMedia: exposure.limitReached,
    });
    if (task) {
      const row = await getTask(this.store.db, task.taskId);
      if (row && isHighSeverityMedia(row)) await addExposure(this.store.db, reviewer.label, utcDay(now), { items: 1, mediaMs: 0 }, now);
    }
    return { task, exposure: task ? await this.exposure(reviewer, ctx) : exposure };
  }

  /** Decides a task the reviewer holds. */
  async decide(taskId: string, reviewer: Reviewer, input: unknown, opts: { bulkId?: string } = {}): Promise<DecideResult> {
    const parsed = reviewDecisionInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new ReviewError(400, 'invalid_decision', parsed.error.issues.map((i) => `${i.path.join('.') || 'decision'}: ${i.message}`).join('; '));
    }
    const fields = parsed.data;
    const ctx = await this.context();
    const task = await getTask(this.store.db, taskId);
    if (!task) throw new ReviewError(404, 'not_found', `review task ${taskId} not found`);
    const allowed = queueById(ctx.config, task.queue).allowedVerdicts;
    if (allowed && !allowed.includes(fields.verdict)) {
      throw new ReviewError(400, 'verdict_not_allowed', `queue ${task.queue} allows ${allowed.join(', ')}; not ${fields.verdict}`);
    }
    if (task.kind === 'appeal') return this.decideAppeal(task, reviewer, fields);

    const now = this.clock.now();
    const result = await this.store.db.transaction().execute(async (trx) => {
      const held = await getTask(trx, taskId, { lock: true });
      if (!held || !['open', 'held'].includes(held.status) || held.claimed_by !== reviewer.label) {
        throw new ReviewError(409, 'not_your_claim', `task ${taskId} is not claimed by you (claim it first, or your lease ran out)`);
      }
      const item = await getItem(trx, held.item_id);
      if (!item) throw new Error(`item ${held.item_id} of task ${taskId} vanished`);
      const decided = new DecisionWriter(trx, ctx, item, held, reviewer.label, now, this.keys, opts.bulkId ?? null);
      switch (held.kind) {
        case 'second_review':
          return decided.secondReview(fields);
        case 'qa':
          return decided.qualityCheck(fields);
        default:
          return decided.review(fields);
      }
    });
    if (isHighSeverityMedia(task) && task.claimed_at !== null) {
      const spent = Math.min(Math.max(0, now - Number(task.claimed_at)), ctx.config.leaseMinutes * 60_000);
      await addExposure(this.store.db, reviewer.label, utcDay(now), { items: 0, mediaMs: spent }, now);
    }
    return result;
  }

  /** An appeal task: violating upholds the decision, not violating overturns it (reversals go out through the outbox). */
  private async decideAppeal(task: TaskRow, reviewer: Reviewer, fields: ReviewDecisionFields): Promise<DecideResult> {
    if (task.claimed_by !== reviewer.label || task.status !== 'open') {
      throw new ReviewError(409, 'not_your_claim', `task ${task.id} is not claimed by you (claim it first, or your lease ran out)`);
    }
    const appeal = await this.store.db.selectFrom('appeals').select(['id']).where('decision_id', '=', task.decision_id).executeTakeFirst();
    if (!appeal) throw new ReviewError(409, 'no_appeal', `task ${task.id} has no appeal behind it`);
    const outcome = fields.verdict === 'violating' ? 'upheld' : 'overturned';
    await this.appeals.resolve(appeal.id, { outcome, reason: fields.note || fields.policyClause || `${outcome} in review` }, reviewer.label);
    const now = this.clock.now();
    const record = reviewRecord(task, reviewer.label, fields, { outcome: 'final', decisionId: null, subjectDecisionId: task.decision_id, agrees: null, now });
    await this.store.db.transaction().execute(async (trx) => {
      await insertReviewDecision(trx, record);
      await updateTask(trx, task.id, { status: 'done', decided_at: now, claimed_by: reviewer.label });
      await appendEvents(trx, [decidedEvent(task, record, now)], now);
    });
    return { reviewDecision: record, decision: null, opened: [] };
  }
}

function reviewRecord(
  task: TaskRow, reviewer: string, fields: ReviewDecisionFields,
  r: { outcome: ReviewOutcome; decisionId: string | null; subjectDecisionId: string | null; agrees: boolean | null; now: number; severity?: string; actions?: string[]; bulkId?: string | null },
): ReviewDecisionRecord {
  return {
    id: newId(), taskId: task.id, itemId: task.item_id, kind: task.kind, reviewer, verdict: fields.verdict,
    category: fields.verdict === 'violating' ? (fields.category ?? null) : null, severity: r.severity ?? 'NONE', labels: fields.labels,
    policyClause: fields.policyClause ?? null, note: fields.note ?? null, actions: r.actions ?? [], outcome: r.outcome,
    decisionId: r.decisionId, subjectDecisionId: r.subjectDecisionId, agrees: r.agrees, bulkId: r.bulkId ?? null,
    claimedAt: task.claimed_at === null ? null : Number(task.claimed_at), createdAt: r.now,
  };
}

function decidedEvent(task: TaskRow, d: ReviewDecisionRecord, now: number): NewEvent {
  return {
    type: 'review_decided', itemId: task.item_id, accountId: null, actor: d.reviewer, versions: {},
    payload: {
      taskId: task.id, kind: task.kind, queue: task.queue, reviewDecisionId: d.id, reviewer: d.reviewer, verdict: d.verdict,
      category: d.category, severity: d.severity, labels: d.labels, policyClause: d.policyClause, outcome: d.outcome,
      decisionId: d.decisionId, subjectDecisionId: d.subjectDecisionId, agrees: d.agrees, slaDueAt: task.sla_due_at,
      createdAt: task.created_at, claimedAt: d.claimedAt, bulkId: d.bulkId, decidedAt: now,
    },
  };
}

/** The writes of one decision, inside the caller's transaction. */
class DecisionWriter {
  private readonly events: NewEvent[] = [];
  private readonly opened: DecideResult['opened'] = [];

  constructor(
    private readonly trx: Queryable,
    private readonly ctx: ReviewContext,
    private readonly item: Item,
    private readonly task: TaskRow,
    private readonly reviewer: string,
    private readonly now: number,
    private readonly keys: KeyProvider | null,
    private readonly bulkId: string | null,
  ) {}

  /** A first review (or an escalation): final, waiting for a second reviewer, or escalated. */
  async review(fields: ReviewDecisionFields): Promise<DecideResult> {
    if (fields.verdict === 'escalate') return this.escalate(fields);
    // An escalation after two reviewers disagreed is the tie-break: it does not go round again.
    const tieBreak = this.task.kind === 'escalation' && this.task.parent_task_id !== null;
    const plan = planReviewDecision(fields, { ...this.ctx, review: this.ctx.config, secondReviewApplies: !tieBreak });
    if (plan.needsSecondReview) {
      const record = this.record(fields, { outcome: 'pending_second', decisionId: null, severity: plan.severity, actions: plan.actions });
      await insertReviewDecision(this.trx, record);
      await updateTask(this.trx, this.task.id, { status: 'awaiting_second', decided_at: this.now });
      const second = await this.openTask('second_review', SYSTEM_QUEUES.secondReview, { slaDueAt: this.task.sla_due_at });
      this.events.push({
        type: 'review_second_required', itemId: this.item.id, accountId: this.item.authorId, actor: this.reviewer, versions: {},
        payload: { taskId: this.task.id, secondTaskId: second, reviewDecisionId: record.id, severity: plan.severity, actions: plan.actions },
      });
      return this.finish(record, null);
    }
    const decision = await this.enforce(fields, plan.actions, [this.reviewer]);
    const record = this.record(fields, { outcome: 'final', decisionId: decision.id, severity: plan.severity, actions: plan.actions });
    await insertReviewDecision(this.trx, record);
    await updateTask(this.trx, this.task.id, { status: 'done', decided_at: this.now });
    await this.maybeSampleForQa(decision, record);
    return this.finish(record, decision);
  }

  /** A second reviewer: agreement makes the first decision final; disagreement goes to a senior tie-break. */
  async secondReview(fields: ReviewDecisionFields): Promise<DecideResult> {
    const parentId = this.task.parent_task_id;
    const first = parentId ? await pendingDecisionOfTask(this.trx, parentId) : null;
    if (!parentId || !first) throw new ReviewError(409, 'nothing_to_confirm', `task ${this.task.id} has no decision waiting for a second reviewer`);
    if (first.reviewer === this.reviewer) throw new ReviewError(403, 'same_reviewer', 'a second review must be made by a different reviewer');
    const agrees = fields.verdict !== 'escalate' && decisionsAgree(first, fields);
    if (agrees) {
      const firstFields: ReviewDecisionFields = {
        verdict: 'violating', category: first.category, labels: first.labels, policyClause: first.policyClause, note: first.note, escalateTo: null,
      };
      const decision = await this.enforce(firstFields, first.actions, [first.reviewer, this.reviewer]);
      await updateReviewDecision(this.trx, first.id, { outcome: 'confirmed', decisionId: decision.id });
      await updateTask(this.trx, parentId, { status: 'done' });
      const record = this.record(fields, { outcome: 'confirmed', decisionId: decision.id, subjectDecisionId: first.id, agrees: true, severity: first.severity, actions: first.actions });
      await insertReviewDecision(this.trx, record);
      await updateTask(this.trx, this.task.id, { status: 'done', decided_at: this.now });
      await this.maybeSampleForQa(decision, first);
      return this.finish(record, decision);
    }
    await updateReviewDecision(this.trx, first.id, { outcome: 'escalated' });
    await updateTask(this.trx, parentId, { status: 'done' });
    const record = this.record(fields, { outcome: 'escalated', decisionId: null, subjectDecisionId: first.id, agrees: false });
    await insertReviewDecision(this.trx, record);
    await updateTask(this.trx, this.task.id, { status: 'done', decided_at: this.now });
    const parent = await getTask(this.trx, parentId);
    await this.openEscalation(fields.escalateTo ?? null, 'the first and second reviewers disagree', parent?.queue);
    return this.finish(record, null);
  }

  /** A blind QA check of an automatic or human decision. Disagreement sends the item to a senior to correct. */
  async qualityCheck(fields: ReviewDecisionFields): Promise<DecideResult> {
    const subject = await this.trx.selectFrom('decisions').selectAll().where('id', '=', this.task.decision_id).executeTakeFirst();
    if (!subject) throw new Error(`decision ${this.task.decision_id} under QA vanished`);
    const human = await reviewDecisionBehind(this.trx, subject.id);
    if (human?.reviewer === this.reviewer || (human?.outcome === 'confirmed' && (await this.secondReviewerOf(subject.id)) === this.reviewer)) {
      throw new ReviewError(403, 'own_decision', 'a QA check must be made by someone who did not make the decision');
    }
    const agrees = decisionsAgree({ verdict: asReviewVerdict(subject.verdict), category: subject.category }, fields);
    const record = this.record(fields, { outcome: 'recorded', decisionId: null, subjectDecisionId: subject.id, agrees });
    await insertReviewDecision(this.trx, record);
    await updateTask(this.trx, this.task.id, { status: 'done', decided_at: this.now });
    this.events.push({
      type: 'qa_completed', itemId: this.item.id, accountId: this.item.authorId, actor: this.reviewer, versions: {},
      payload: {
        taskId: this.task.id, subject: human ? 'human' : 'automated', subjectReviewer: human?.reviewer ?? null, subjectDecisionId: subject.id,
        agrees, verdict: fields.verdict, category: record.category, subjectVerdict: subject.verdict, subjectCategory: subject.category,
      },
    });
    if (!agrees) await this.openEscalation(null, 'QA disagreed with the decision');
    return this.finish(record, null);
  }

  private async secondReviewerOf(decisionId: string): Promise<string | null> {
    const row = await this.trx.selectFrom('review_decisions').select('reviewer').where('decision_id', '=', decisionId).where('kind', '=', 'second_review').executeTakeFirst();
    return row?.reviewer ?? null;
  }

  private async escalate(fields: ReviewDecisionFields): Promise<DecideResult> {
    const record = this.record(fields, { outcome: 'escalated', decisionId: null });
    await insertReviewDecision(this.trx, record);
    await updateTask(this.trx, this.task.id, { status: 'done', decided_at: this.now });
    await this.openEscalation(fields.escalateTo ?? null, fields.note ?? 'escalated by the reviewer');
    return this.finish(record, null);
  }

  /** `fromQueue`: whose escalation target applies (a second review escalates on behalf of the first task's queue). */
  private async openEscalation(to: string | null, why: string, fromQueue = this.task.queue): Promise<void> {
    const target = to ?? queueById(this.ctx.config, fromQueue).escalationTarget ?? queueById(this.ctx.config, SYSTEM_QUEUES.escalations).escalationTarget ?? null;
    const assignedTo = target ? `user:${target}` : null;
    const id = await this.openTask('escalation', SYSTEM_QUEUES.escalations, { assignedTo, slaDueAt: this.task.sla_due_at, source: 'escalation' });
    this.events.push({
      type: 'review_escalated', itemId: this.item.id, accountId: this.item.authorId, actor: this.reviewer, versions: {},
      payload: { taskId: this.task.id, escalationTaskId: id, to: assignedTo, reason: why },
    });
  }

  private async openTask(
    kind: TaskKind, queue: string,
    opts: { slaDueAt: number | null; assignedTo?: string | null; decisionId?: string; blind?: boolean; source?: string },
  ): Promise<string | null> {
    const [id] = await insertReviewTasks(this.trx, [{
      itemId: this.item.id, decisionId: opts.decisionId ?? this.task.decision_id, queue, kind, category: this.task.category,
      severity: this.task.severity, slaDueAt: opts.slaDueAt, source: opts.source ?? this.task.source, surface: this.task.surface,
      language: this.task.language, reach: this.task.reach, hasMedia: this.task.has_media === 1, clusterKey: this.task.cluster_key,
      ongoingHarm: this.task.ongoing_harm === 1, assignedTo: opts.assignedTo ?? null, parentTaskId: this.task.id, blind: opts.blind ?? false,
    }], this.now);
    if (id) {
      this.opened.push({ id, kind, queue });
      this.events.push({
        type: 'review_enqueued', itemId: this.item.id, accountId: this.item.authorId, actor: this.reviewer, versions: { review: this.ctx.configVersion },
        payload: {
          decisionId: opts.decisionId ?? this.task.decision_id, kind, queue, category: this.task.category, severity: this.task.severity,
          slaDueAt: opts.slaDueAt, source: opts.source ?? this.task.source, clusterKey: this.task.cluster_key, ongoingHarm: this.task.ongoing_harm === 1,
          blind: opts.blind ?? false, parentTaskId: this.task.id, assignedTo: opts.assignedTo ?? null,
        },
      });
    }
    return id ?? null;
  }

  private async maybeSampleForQa(decision: Decision, first: { id: string }): Promise<void> {
    if (!sampled(first.id, this.ctx.config.qa.humanSampleRate)) return;
    await this.openTask('qa', SYSTEM_QUEUES.qa, { slaDueAt: null, decisionId: decision.id, blind: true });
  }

  /** Writes the enforcement decision a reviewer made and its actions, as the pipeline writes an automatic one. */
  private async enforce(fields: ReviewDecisionFields, actions: readonly string[], reviewers: readonly string[]): Promise<Decision> {
    const violating = fields.verdict === 'violating' && fields.category;
    const category = violating ? fields.category ?? null : null;
    const severity = violating ? (this.ctx.taxonomy.categories.find((c) => c.id === category)?.severity ?? 'NONE') : 'NONE';
    const who = reviewers.join(' and ');
    const reason: DecisionReason = {
      category: (category ?? this.task.category ?? 'CSE-00') as DecisionReason['category'], signalId: '' as SignalId, detector: 'human',
      score: 1, threshold: 1, thresholdKind: 'action',
      text: `${violating ? `${category} confirmed` : 'no violation found'} in review by ${who}${fields.policyClause ? ` under ${fields.policyClause}` : ''}${fields.note ? `: ${fields.note}` : ''}`,
    };
    const decision: Decision = {
      id: newId() as DecisionId, itemId: this.item.id, policyVersion: this.ctx.policyVersion, taxonomyVersion: this.ctx.taxonomyVersion,
      verdict: violating ? 'violating' : 'no_violation', category: category as Decision['category'], severity: severity as Decision['severity'],
      actions: actions as Decision['actions'], reasons: [reason], createdAt: this.now,
    };
    const built = decision.actions.map((type) => buildAction(type, decision, this.item, newId(), this.now));
    await insertDecisions(this.trx, [decision]);
    await insertActions(this.trx, built);
    const versions = { policy: decision.policyVersion, taxonomy: decision.taxonomyVersion, review: this.ctx.configVersion };
    const base = { itemId: this.item.id, accountId: this.item.authorId, actor: this.reviewer, versions };
    this.events.push({
      ...base, type: 'decision',
      payload: {
        decisionId: decision.id, verdict: decision.verdict, category: decision.category, severity: decision.severity, actions: decision.actions,
        reasons: decision.reasons, by: who, reviewers, taskId: this.task.id, subjectDecisionId: this.task.decision_id,
      },
    });
    for (const a of built) {
      this.events.push({ ...base, type: 'action_requested', payload: { actionId: a.id, type: a.type, delivery: a.delivery, status: a.status, idempotencyKey: a.idempotencyKey } });
    }
    await appendEvents(this.trx, this.events.splice(0), this.now);
    await preserveRequestedActions(this.trx, this.keys, built, this.now);
    const signals = (await this.trx.selectFrom('signals').selectAll().where('item_id', '=', this.item.id).execute()).map(toSignal);
    await openReportJobs(this.trx, [{ item: this.item, result: { decision, actions: built, signals } }], this.now);
    return decision;
  }

  private record(
    fields: ReviewDecisionFields,
    r: { outcome: ReviewOutcome; decisionId: string | null; subjectDecisionId?: string | null; agrees?: boolean | null; severity?: string; actions?: string[] },
  ): ReviewDecisionRecord {
    return reviewRecord(this.task, this.reviewer, fields, {
      ...r, subjectDecisionId: r.subjectDecisionId ?? this.task.decision_id, agrees: r.agrees ?? null, now: this.now, bulkId: this.bulkId,
    });
  }

  private async finish(record: ReviewDecisionRecord, decision: Decision | null): Promise<DecideResult> {
    await appendEvents(this.trx, [decidedEvent(this.task, record, this.now), ...this.events.splice(0)], this.now);
    return { reviewDecision: record, decision, opened: this.opened };
  }
}
