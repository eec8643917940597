import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { categoryIdSchema } from '../../core/taxonomy.js';
import { CaseWork } from '../../investigations/case-work.js';
import {
  escalationEntitiesSchema, escalationIntakeSchema, escalationListSchema, noteInputSchema, statusChangeSchema,
} from '../../investigations/escalations.js';
import { boardQuerySchema, remediationInputSchema, remediationPatchSchema } from '../../investigations/remediation.js';
import { rootCauseEvidenceSchema, rootCauseSchema } from '../../investigations/root-causes.js';
import { type EscalationDetail, EscalationError, EscalationService, type EscalationSummary } from '../../investigations/service.js';
import type { RemediationItem, RootCauseRecord } from '../../store/repos/escalations.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const ID = z.string().min(1).max(64);
const idParams = z.strictObject({ id: ID });
const causeParams = z.strictObject({ id: ID, causeId: ID });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentEscalation(e: EscalationSummary) {
  return {
    ...e, slaDueAt: iso(e.slaDueAt), createdAt: iso(e.createdAt), updatedAt: iso(e.updatedAt), mitigatedAt: iso(e.mitigatedAt),
    resolvedAt: iso(e.resolvedAt), sla: { ...e.sla, dueAt: iso(e.sla.dueAt) },
  };
}

const presentCause = (c: RootCauseRecord) => ({ ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) });
const presentRemediation = (r: RemediationItem & { overdue?: boolean }) => ({
  ...r, dueAt: iso(r.dueAt), createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), doneAt: iso(r.doneAt),
});

function presentDetail(d: EscalationDetail) {
  return {
    escalation: presentEscalation(d.escalation),
    category: d.category,
    entities: d.entities.map((e) => ({ ...e, addedAt: iso(e.addedAt) })),
    notes: d.notes.map((n) => ({ ...n, at: iso(n.at) })),
    rootCauses: d.rootCauses.map(presentCause),
    remediation: d.remediation.map(presentRemediation),
    proposals: d.proposals.map((p) => ({ ...p, createdAt: iso(p.createdAt), deployedAt: iso(p.deployedAt) })),
  };
}

/** Escalation refusals become HTTP answers; anything else is a bug and propagates. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EscalationError) throw new HttpError(e.status, e.code, e.message, e.issues);
    throw e;
  }
}

export function escalationRoutes(routes: RouteTable, haven: Haven): void {
  const escalations = new EscalationService(haven.store, haven.clock);
  const work = new CaseWork(escalations);
  const actorOf = (p: Parameters<typeof principalLabel>[0] | null) => (p ? principalLabel(p) : 'unknown');
  const tag = 'escalations';

  routes.add({
    method: 'POST', url: '/v1/escalations', tag, access: 'investigations:write', status: 201,
    summary: 'Open an escalation: source, priority (P0 4h, P1 24h, P2 3 days, P3 7 days to mitigation), owner and the entities involved (400 naming unknown ones)',
    body: escalationIntakeSchema,
    async handler({ body, principal }) {
      return presentDetail(await answering(() => escalations.open(body, actorOf(principal))));
    },
  });

  routes.add({
    method: 'GET', url: '/v1/escalations', tag, access: 'investigations:read', query: escalationListSchema,
    summary: 'Escalations by priority and SLA due time; filter by status, priority, owner, overdue',
    async handler({ query }) {
      return { escalations: (await escalations.list(query)).map(presentEscalation) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/escalations/:id', tag, access: 'investigations:read', params: idParams,
    summary: 'One escalation with its entities, notes timeline, root causes, remediation items and linked proposals',
    async handler({ params }) {
      return presentDetail(await answering(() => escalations.get(params.id)));
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/notes', tag, access: 'investigations:write', params: idParams, status: 201,
    summary: 'Add a note to the timeline', body: noteInputSchema,
    async handler({ params, body, principal }) {
      const note = await answering(() => escalations.addNote(params.id, body.text, actorOf(principal)));
      return { note: { ...note, at: iso(note.at) } };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/status', tag, access: 'investigations:write', params: idParams,
    summary: 'Move along new -> investigating -> mitigated -> resolved. Resolving needs an outcome; confirmed and false_positive label the items into evaluation set "escalations"',
    body: statusChangeSchema,
    async handler({ params, body, principal }) {
      const r = await answering(() => escalations.changeStatus(params.id, body, actorOf(principal)));
      return { ...presentDetail(r.detail), examples: r.examples };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/owner', tag, access: 'investigations:write', params: idParams,
    summary: 'Assign (or with null, unassign) the owner', body: z.strictObject({ owner: z.string().trim().min(1).max(200).nullable() }),
    async handler({ params, body, principal }) {
      return presentDetail(await answering(() => escalations.assign(params.id, body.owner, actorOf(principal))));
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/entities', tag, access: 'investigations:write', params: idParams,
    summary: 'Add items, accounts, conversations or bank entries (400 naming unknown ones)', body: escalationEntitiesSchema,
    async handler({ params, body, principal }) {
      const added = await answering(() => escalations.addEntities(params.id, body, actorOf(principal)));
      return { added: added.map((e) => ({ ...e, addedAt: iso(e.addedAt) })) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/escalations/:id/related', tag, access: 'investigations:read', params: idParams,
    summary: 'Items related to the escalation\'s items (same bank entry, near-duplicate image, same author, same conversation), not yet in it',
    async handler({ params }) {
      return { candidates: await answering(() => escalations.related(params.id)) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/related', tag, access: 'investigations:write', params: idParams,
    summary: 'Add related items: the named candidates, or every candidate with add: true',
    body: z.strictObject({ add: z.union([z.literal(true), z.array(ID).min(1).max(1000)], { error: 'add is true or a list of item ids' }) }),
    async handler({ params, body, principal }) {
      const added = await answering(() => escalations.addRelated(params.id, body.add, actorOf(principal)));
      return { added: added.map((e) => ({ ...e, addedAt: iso(e.addedAt) })) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/root-causes/suggest', tag, access: 'investigations:write', params: idParams,
    summary: 'Trace the escalation\'s items and record the root causes the traces point to as suggested, with evidence links. expectedCategory: what the items should have been (default: the confirmed category, else the last human word on each item)',
    body: z.strictObject({ expectedCategory: categoryIdSchema.optional() }).default({}),
    async handler({ params, body, principal }) {
      const r = await answering(() => work.suggest(params.id, actorOf(principal), body));
      return { added: r.added.map(presentCause), alreadyRecorded: r.alreadyRecorded, tracedItems: r.tracedItems, expectedCategory: r.expectedCategory };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/root-causes', tag, access: 'investigations:write', params: idParams, status: 201,
    summary: 'Add a root cause by hand with its evidence (recorded as confirmed)',
    body: z.strictObject({
      cause: rootCauseSchema,
      evidence: z.array(rootCauseEvidenceSchema).min(1, 'give at least one piece of evidence').max(50),
      note: z.string().trim().min(1).max(4000).optional(),
    }),
    async handler({ params, body, principal }) {
      return { rootCause: presentCause(await answering(() => work.addCause(params.id, body, actorOf(principal)))) };
    },
  });

  routes.add({
    method: 'PATCH', url: '/v1/escalations/:id/root-causes/:causeId', tag, access: 'investigations:write', params: causeParams,
    summary: 'Confirm or reject a root cause',
    body: z.strictObject({
      status: z.enum(['confirmed', 'rejected'], { error: 'status is confirmed or rejected' }),
      note: z.string().trim().min(1).max(4000).optional(),
    }),
    async handler({ params, body, principal }) {
      return { rootCause: presentCause(await answering(() => work.decideCause(params.id, params.causeId, body, actorOf(principal)))) };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/escalations/:id/remediation', tag, access: 'investigations:write', params: idParams, status: 201,
    summary: 'Add a remediation item for a team, optionally linked to a root cause or a proposal', body: remediationInputSchema,
    async handler({ params, body, principal }) {
      return { remediation: presentRemediation(await answering(() => work.addRemediation(params.id, body, actorOf(principal)))) };
    },
  });

  routes.add({
    method: 'PATCH', url: '/v1/remediation/:id', tag, access: 'investigations:write', params: idParams,
    summary: 'Update a remediation item: status (open, in_progress, done, wont_do), title, owner, due date, proposal', body: remediationPatchSchema,
    async handler({ params, body, principal }) {
      return { remediation: presentRemediation(await answering(() => work.updateRemediation(params.id, body, actorOf(principal)))) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/remediation', tag, access: 'investigations:read', query: boardQuerySchema,
    summary: 'The cross-team board: open remediation items of every escalation, grouped by team, with overdue flags',
    async handler({ query }) {
      const b = await work.board(query);
      return { ...b, generatedAt: iso(b.generatedAt), teams: b.teams.map((t) => ({ ...t, items: t.items.map(presentRemediation) })) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/escalations/:id/postmortem', tag, access: 'investigations:read', params: idParams,
    summary: 'The postmortem in Markdown (text/markdown): summary, timeline, root causes, fixes, follow-ups, loop times. No media',
    async handler({ params, reply }) {
      const md = await answering(() => escalations.postmortem(params.id));
      reply.header('content-type', 'text/markdown; charset=utf-8');
      reply.header('content-disposition', `inline; filename="escalation-${params.id}.md"`);
      return md;
    },
  });
}
