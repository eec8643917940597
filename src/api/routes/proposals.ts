import { z } from 'zod';
import type { Haven } from '../../app.js';
import { type Principal, principalLabel } from '../../auth/service.js';
import type { Permission } from '../../core/roles.js';
import { rootCauseSchema } from '../../investigations/root-causes.js';
import { CHANGE_SCHEMAS, loopFigures, type Actor, ProposalError, ProposalService, resolveChange, overridesOf, watchProposal } from '../../learning/proposals/index.js';
import { whatIf } from '../../learning/replay/runs.js';
import { type SetupOverrides, setupOverridesSchema } from '../../learning/replay/setup.js';
import { type Proposal, PROPOSAL_STATUSES, escalationFacts } from '../../store/repos/proposals.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const DAY_MS = 86_400_000;

/** Who may read proposals: investigators and admins (investigations), and the people who propose or approve them. */
const READERS: readonly Permission[] = ['investigations:read', 'proposals:write', 'proposals:approve', 'banks:write'];
const WHAT_IF: readonly Permission[] = ['investigations:read', 'proposals:write'];

function actorOf(principal: Principal | null): Actor {
  if (!principal) throw new HttpError(401, 'unauthenticated', 'authentication required');
  return { label: principalLabel(principal), permissions: principal.permissions };
}

async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ProposalError) throw new HttpError(e.status, e.code, e.message);
    throw e;
  }
}

export function presentProposal(p: Proposal) {
  return { ...p, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt), decidedAt: iso(p.decidedAt), deployedAt: iso(p.deployedAt) };
}

const common = {
  title: z.string().trim().min(1, 'give the proposal a title').max(300),
  escalationId: z.string().min(1).max(64).optional(),
  rootCause: rootCauseSchema.optional(),
};
const newProposalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bank_hashes'), change: CHANGE_SCHEMAS.bank_hashes, ...common }),
  z.strictObject({ kind: z.literal('rule_change'), change: CHANGE_SCHEMAS.rule_change, ...common }),
  z.strictObject({ kind: z.literal('threshold_change'), change: CHANGE_SCHEMAS.threshold_change, ...common }),
  z.strictObject({ kind: z.literal('eval_examples'), change: CHANGE_SCHEMAS.eval_examples, ...common }),
  z.strictObject({ kind: z.literal('prompt_change'), change: CHANGE_SCHEMAS.prompt_change, ...common }),
], { error: 'kind is one of bank_hashes, rule_change, threshold_change, eval_examples, prompt_change' });

const noteSchema = z.strictObject({ note: z.string().trim().min(1, 'give a note saying why').max(4000) });
const sinceSchema = z.string().regex(/^\d{1,4}d$/, 'since looks like 30d').default('30d');

/** Proposals for a change (backtest, approve by a second person, deploy, watch), what-if replays and loop figures. */
export function proposalRoutes(routes: RouteTable, haven: Haven): void {
  const proposals = new ProposalService(haven);

  routes.add({
    method: 'POST', url: '/v1/proposals', tag: 'proposals', access: 'proposals:write', status: 201, body: newProposalSchema,
    summary: 'Propose a change (bank hashes, a rule, a threshold, eval examples, a prompt), optionally from an escalation and naming the root cause it fixes',
    async handler({ body, principal }) {
      const p = await answering(() => proposals.create(body, actorOf(principal)));
      return { proposal: presentProposal(p) };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/proposals', tag: 'proposals', access: READERS, summary: 'Proposals, newest first',
    query: z.strictObject({
      status: z.enum(PROPOSAL_STATUSES).optional(),
      escalationId: z.string().min(1).max(64).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(64).optional(),
    }),
    async handler({ query }) {
      const rows = await proposals.list({ status: query.status, escalationId: query.escalationId, limit: query.limit + 1, before: query.cursor });
      const page = rows.slice(0, query.limit);
      return { proposals: page.map(presentProposal), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/proposals/:id', tag: 'proposals', access: READERS, params: idParams,
    summary: 'One proposal with its backtests (newest first) and the change it would deploy now',
    async handler({ params }) {
      const p = await answering(() => proposals.get(params.id));
      const backtests = (await proposals.backtests(p.id)).map((b) => ({ ...b, createdAt: iso(b.createdAt), windowFrom: iso(b.windowFrom), windowTo: iso(b.windowTo) }));
      return { proposal: presentProposal(p), backtests };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/proposals/:id/backtest', tag: 'proposals', access: 'proposals:write', params: idParams,
    summary: 'Replay the last N days of items through the proposed change (no effects; LLM verdicts replayed unless callLlm) and store the report',
    body: z.strictObject({
      days: z.number().int().min(1, 'days is at least 1').max(365, 'days is at most 365').default(30),
      limit: z.number().int().min(1).max(1_000_000).optional(),
      callLlm: z.boolean().default(false),
    }).default({ days: 30, callLlm: false }),
    async handler({ params, body, principal }) {
      return answering(async () => {
        const r = await proposals.backtest(params.id, body, actorOf(principal));
        return { proposal: presentProposal(r.proposal), backtest: r.backtest, report: r.report };
      });
    },
  });

  for (const verb of ['approve', 'reject'] as const) {
    routes.add({
      method: 'POST', url: `/v1/proposals/:id/${verb}`, tag: 'proposals', access: ['proposals:approve', 'banks:write', 'proposals:write'], params: idParams, body: noteSchema,
      summary: verb === 'approve'
        ? 'Approve a backtested proposal: a second person (not the proposer) with banks:write (bank_hashes), proposals:approve (rules, thresholds, prompts) or proposals:write (eval examples). Audited'
        : 'Reject a proposal (same permission as approving). Audited',
      async handler({ params, body, principal }) {
        const actor = actorOf(principal);
        const p = await answering(() => (verb === 'approve' ? proposals.approve(params.id, body.note, actor) : proposals.reject(params.id, body.note, actor)));
        return { proposal: presentProposal(p) };
      },
    });
  }

  routes.add({
    method: 'POST', url: '/v1/proposals/:id/deploy', tag: 'proposals', access: ['proposals:approve', 'banks:write', 'proposals:write'], params: idParams,
    summary: 'Deploy an approved proposal (new configuration version, bank entries or eval examples). retroact (bank_hashes only) applies new entries to recent items with effects',
    body: z.strictObject({
      retroact: z.strictObject({ days: z.number().int().min(1).max(90).default(30), limit: z.number().int().min(1).max(1000).default(200) }).optional(),
    }).default({}),
    async handler({ params, body, principal }) {
      const r = await answering(() => proposals.deploy(params.id, actorOf(principal), { retroact: body.retroact }));
      return { proposal: presentProposal(r.proposal), retroaction: r.retroaction };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/proposals/:id/watch', tag: 'proposals', access: READERS, params: idParams,
    summary: 'After deploy: does the root cause recur (recurrences vs items now caught)?',
    async handler({ params }) {
      const w = await answering(() => watchProposal(haven.store.db, params.id));
      return { watch: { ...w, deployedAt: iso(w.deployedAt) } };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/loop/figures', tag: 'proposals', access: READERS,
    summary: 'Feedback-loop figures: time from escalation to first deployed fix (p50/p90), share with a fix, recurrence by root cause',
    query: z.strictObject({ since: sinceSchema }),
    async handler({ query }) {
      const to = haven.clock.now();
      const figures = await loopFigures(haven.store.db, { from: to - Number(query.since.slice(0, -1)) * DAY_MS, to });
      return { figures: { ...figures, window: { from: iso(figures.window.from), to: iso(figures.window.to) } } };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/what-if', tag: 'proposals', access: WHAT_IF,
    summary: "Run items (or an escalation's) through today's configuration and, given a proposal or overrides, a proposed one: what would differ. No effects",
    body: z.strictObject({
      itemIds: z.array(z.string().min(1).max(64)).min(1).max(500).optional(),
      escalationId: z.string().min(1).max(64).optional(),
      proposalId: z.string().min(1).max(64).optional(),
      overrides: setupOverridesSchema.optional(),
      callLlm: z.boolean().default(false),
    }).refine((b) => (b.itemIds ? 1 : 0) + (b.escalationId ? 1 : 0) === 1, { message: 'give exactly one of itemIds or escalationId', path: ['itemIds'] })
      .refine((b) => !(b.proposalId && b.overrides), { message: 'give a proposalId or overrides, not both', path: ['overrides'] }),
    async handler({ body, principal }) {
      return answering(async () => {
        let itemIds = body.itemIds ?? [];
        if (body.escalationId) {
          const facts = await escalationFacts(haven.store.db, body.escalationId);
          if (!facts) throw new ProposalError(404, 'not_found', `escalation ${body.escalationId} not found`);
          if (facts.itemIds.length === 0) throw new ProposalError(409, 'no_items', `escalation ${body.escalationId} has no items`);
          itemIds = facts.itemIds.slice(0, 500);
        }
        let overrides: SetupOverrides | undefined = body.overrides;
        if (body.proposalId) {
          const p = await proposals.get(body.proposalId);
          overrides = overridesOf(await resolveChange(haven.store.db, p.kind, p.change));
        }
        const found = await haven.store.db.selectFrom('items').select('id').where('id', 'in', itemIds).execute();
        const missing = itemIds.filter((id) => !found.some((f) => f.id === id));
        if (missing.length > 0) throw new ProposalError(404, 'not_found', `no item ${missing.slice(0, 10).join(', ')}`);
        return whatIf(
          { q: haven.store.db, now: haven.clock.now(), llm: haven.llm, promptFormat: haven.config.llmPromptFormat },
          { itemIds, overrides, callLlm: body.callLlm, proposalId: body.proposalId ?? null, runBy: actorOf(principal).label },
        );
      });
    },
  });
}
