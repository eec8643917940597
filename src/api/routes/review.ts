import { z } from 'zod';
import type { Haven } from '../../app.js';
import { type Principal, principalLabel } from '../../auth/service.js';
import { AppealError, AppealService } from '../../enforcement/appeals/service.js';
import { queueById } from '../../review/config.js';
import { type Reviewer, ReviewError, ReviewService } from '../../review/service.js';
import { taskView, type TaskView } from '../../review/view.js';
import { ReviewWork } from '../../review/work.js';
import { getTask, listTasks, openClusters, queueDepths, reviewDecisionsForItem } from '../../store/repos/review-decisions.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const taskParams = z.strictObject({ id: z.string().min(1).max(64) });
const reason = z.string().trim().min(1, 'give a reason').max(2000);

function reviewerOf(p: Principal | null): Reviewer {
  if (!p) throw new HttpError(401, 'unauthenticated', 'log in first');
  return {
    label: principalLabel(p), userId: p.kind === 'user' ? p.id : null, roles: p.kind === 'user' ? p.roles : [], lead: p.permissions.has('review:lead'),
  };
}

/** Leads (senior reviewers, the operations manager) see and move other people's work. */
const isLead = (p: Principal | null) => p?.permissions.has('review:lead') === true;
const DECIDE_OR_LEAD = ['review:decide', 'review:lead'] as const;

/** Review refusals become HTTP answers; anything else is a bug and propagates. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ReviewError || e instanceof AppealError) throw new HttpError(e.status, e.code, e.message);
    throw e;
  }
}

export function presentTaskView(v: TaskView) {
  return {
    ...v,
    task: { ...v.task, slaDueAt: iso(v.task.slaDueAt), createdAt: iso(v.task.createdAt), claimedAt: iso(v.task.claimedAt), leaseUntil: iso(v.task.leaseUntil) },
    item: { ...v.item, createdAt: iso(v.item.createdAt) },
    conversation: v.conversation.map((m) => ({ ...m, createdAt: iso(m.createdAt) })),
    accounts: v.accounts.map((a) => ({ ...a, createdAt: iso(a.createdAt) })),
    whyQueued: { ...v.whyQueued, events: v.whyQueued.events.map((e) => ({ ...e, at: iso(e.at) })) },
    firstDecision: v.firstDecision && { ...v.firstDecision, at: iso(v.firstDecision.at) },
  };
}

/** The review workbench: queues, claiming, the task view, decisions, moving work between people, bulk decisions. */
export function reviewRoutes(routes: RouteTable, haven: Haven): void {
  const service = new ReviewService(haven.store, haven.clock, new AppealService(haven.store, haven.clock), haven.keys ?? null);
  const work = new ReviewWork(haven.store, haven.clock, service);

  async function viewFor(taskId: string, reviewer: Reviewer, lead: boolean) {
    const task = await getTask(haven.store.db, taskId);
    if (!task) throw new HttpError(404, 'not_found', `review task ${taskId} not found`);
    if (task.claimed_by !== reviewer.label && !lead) {
      throw new HttpError(403, 'not_your_claim', `task ${taskId} is not claimed by you; claim work with POST /v1/review/claim`);
    }
    const ctx = await service.context();
    const view = await taskView(haven.store.db, task, ctx.config, reviewer.label);
    // A lead looking at someone else's blind QA task would see nothing hidden anyway; the reviewer doing it stays blind.
    return presentTaskView(view);
  }

  routes.add({
    method: 'GET', url: '/v1/review/queues', tag: 'review', access: 'review:decide',
    summary: 'Queues with their open work (depth, under lease, overdue, oldest); `eligible` marks those you may claim from',
    async handler({ principal }) {
      const reviewer = reviewerOf(principal);
      const ctx = await service.context();
      const eligible = new Set(await service.eligibleQueues(reviewer, ctx));
      const depths = new Map((await queueDepths(haven.store.db, haven.clock.now())).map((d) => [d.queue, d]));
      const configured = ctx.config.queues.map((q) => q.id);
      const ids = [...configured, ...[...depths.keys()].filter((k) => !configured.includes(k))];
      return {
        queues: ids.map((id) => {
          const q = queueById(ctx.config, id);
          const d = depths.get(id);
          return {
            id, name: q.name, description: q.description ?? null, clearance: q.clearance, team: q.team ?? null, slaMinutes: q.slaMinutes ?? null,
            eligible: eligible.has(id), open: d?.open ?? 0, claimed: d?.claimed ?? 0, overdue: d?.overdue ?? 0, oldestCreatedAt: iso(d?.oldestCreatedAt ?? null),
          };
        }),
      };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/review/claim', tag: 'review', access: 'review:decide',
    summary: 'Lease the next task (assigned to you by name first, then by priority in your queues); null when there is none',
    body: z.strictObject({ queues: z.array(z.string().min(1).max(64)).max(50).optional() }).default({}),
    async handler({ body, principal }) {
      const reviewer = reviewerOf(principal);
      const { task, exposure } = await answering(() => service.claim(reviewer, { queues: body.queues }));
      return { task: task ? await viewFor(task.taskId, reviewer, false) : null, exposure };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/review/tasks', tag: 'review', access: DECIDE_OR_LEAD,
    summary: 'Tasks: yours (mine=true: claimed or held by you, or assigned to you), or (leads) by queue, status or cluster',
    query: z.strictObject({
      mine: z.enum(['true', 'false']).optional(),
      queue: z.string().max(64).optional(),
      status: z.enum(['open', 'held', 'awaiting_second', 'done']).optional(),
      clusterKey: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    async handler({ query, principal }) {
      const reviewer = reviewerOf(principal);
      const lead = isLead(principal);
      if (query.mine !== 'true' && !lead) throw new HttpError(403, 'forbidden', 'listing other people\'s work needs a lead role; use mine=true');
      const rows = query.mine === 'true'
        ? [
            ...(await listTasks(haven.store.db, { claimedBy: reviewer.label, limit: query.limit })),
            ...(await listTasks(haven.store.db, { assignedTo: reviewer.label, status: 'open', limit: query.limit })),
          ].filter((t) => t.status === 'open' || t.status === 'held')
        : await listTasks(haven.store.db, { queue: query.queue, status: query.status, clusterKey: query.clusterKey, limit: query.limit });
      const unique = [...new Map(rows.map((t) => [t.id, t])).values()];
      return {
        tasks: unique.map((t) => ({
          id: t.id, itemId: t.item_id, kind: t.kind, queue: t.queue, status: t.status, severity: t.severity, category: t.blind ? null : t.category,
          priority: t.priority, slaDueAt: iso(t.sla_due_at), createdAt: iso(t.created_at), claimedBy: t.claimed_by, assignedTo: t.assigned_to,
          clusterKey: t.cluster_key, ongoingHarm: t.ongoing_harm === 1,
        })),
      };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/review/tasks/:id', tag: 'review', access: DECIDE_OR_LEAD, params: taskParams,
    summary: 'A task you hold: the item, its conversation and accounts, the signals and why it was queued (hidden for blind QA)',
    async handler({ params, principal }) {
      return viewFor(params.id, reviewerOf(principal), isLead(principal));
    },
  });

  routes.add({
    method: 'GET', url: '/v1/review/items/:id/decisions', tag: 'review', access: 'ops:read', params: taskParams,
    summary: 'Every reviewer decision on an item: who, what, under which clause, and what became of it',
    async handler({ params }) {
      return { decisions: (await reviewDecisionsForItem(haven.store.db, params.id)).map((d) => ({ ...d, claimedAt: iso(d.claimedAt), createdAt: iso(d.createdAt) })) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/review/tasks/:id/decision', tag: 'review', access: 'review:decide', params: taskParams,
    summary: 'Decide a task you hold: verdict, taxonomy category and labels, policy clause, note. High-severity decisions and reports wait for a second reviewer',
    body: z.record(z.string(), z.unknown()),
    async handler({ params, body, principal }) {
      const r = await answering(() => service.decide(params.id, reviewerOf(principal), body));
      return {
        reviewDecision: { ...r.reviewDecision, claimedAt: iso(r.reviewDecision.claimedAt), createdAt: iso(r.reviewDecision.createdAt) },
        decision: r.decision && { ...r.decision, createdAt: iso(r.decision.createdAt) },
        opened: r.opened,
        secondReviewRequired: r.reviewDecision.outcome === 'pending_second',
      };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/review/tasks/:id/renew', tag: 'review', access: 'review:decide', params: taskParams,
    summary: 'Extend your lease on a task',
    async handler({ params, principal }) {
      return { leaseUntil: iso(await answering(() => work.renew(params.id, reviewerOf(principal)))) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/review/tasks/:id/release', tag: 'review', access: 'review:decide', params: taskParams,
    summary: 'Give a task you hold (or hold on to) back to its queue',
    async handler({ params, principal }) {
      await answering(() => work.release(params.id, reviewerOf(principal)));
      return { released: true };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/review/tasks/:id/hold', tag: 'review', access: 'review:decide', params: taskParams,
    summary: 'Keep a task you hold beyond its lease (waiting on information); release it or decide it later',
    body: z.strictObject({ reason }),
    async handler({ params, body, principal }) {
      await answering(() => work.hold(params.id, reviewerOf(principal), body.reason));
      return { held: true };
    },
  });

  for (const escalate of [false, true]) {
    routes.add({
      method: 'POST', url: `/v1/review/tasks/:id/${escalate ? 'escalate' : 'assign'}`, tag: 'review', access: 'review:decide', params: taskParams,
      summary: escalate
        ? 'Escalate a task to a named colleague (e.g. the one cleared to file NCMEC reports): it moves to the escalations queue and only they can claim it'
        : 'Assign a task to a named colleague: only they can claim it (the holder or a lead may do this)',
      body: z.strictObject({ to: z.string().email('to is the colleague\'s email'), reason }),
      async handler({ params, body, principal }) {
        await answering(() => work.assign(params.id, reviewerOf(principal), { to: body.to, reason: body.reason, escalate }));
        return { assignedTo: `user:${body.to.toLowerCase()}`, escalated: escalate };
      },
    });
  }

  routes.add({
    method: 'GET', url: '/v1/review/clusters', tag: 'review', access: DECIDE_OR_LEAD,
    summary: 'Open clusters: tasks sharing one bank entry or identical content, which one decision can cover',
    query: z.strictObject({ queue: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    async handler({ query }) {
      return { clusters: await openClusters(haven.store.db, query.queue ?? null, query.limit) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/review/bulk', tag: 'review', access: 'review:senior', // a content decision: not for leads who cannot review
    summary: 'One decision over every open task a query matches (a cluster, a bank entry, a queue and category), recorded task by task',
    body: z.strictObject({
      query: z.strictObject({
        clusterKey: z.string().min(1).max(200).optional(),
        bankEntryId: z.string().min(1).max(64).optional(),
        queue: z.string().min(1).max(64).optional(),
        category: z.string().min(1).max(16).optional(),
      }),
      decision: z.record(z.string(), z.unknown()),
    }),
    async handler({ body, principal }) {
      return answering(() => work.bulkDecide(body.query, reviewerOf(principal), body.decision));
    },
  });
}
