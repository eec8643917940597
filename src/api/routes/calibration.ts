import { z } from 'zod';
import type { Haven } from '../../app.js';
import { type Principal, principalLabel } from '../../auth/service.js';
import { calibrationLabelSchema } from '../../review/calibration.js';
import { CalibrationError, CalibrationService, MAX_CALIBRATION_ITEMS, type SessionSummary } from '../../review/calibration-service.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const itemParams = z.strictObject({ id: z.string().min(1).max(64), itemId: z.string().min(1).max(64) });
const itemId = z.string().min(1).max(64);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentSummary(s: SessionSummary) {
  return { ...s, createdAt: iso(s.createdAt), closedAt: iso(s.closedAt) };
}

/** Calibration refusals become HTTP answers; anything else is a bug and propagates. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof CalibrationError) throw new HttpError(e.status, e.code, e.message);
    throw e;
  }
}

const actorOf = (p: Principal | null) => (p ? principalLabel(p) : 'unknown');

/** Reading sessions is for those who answer (review:decide) and those who lead (review:lead, e.g. the ops manager). */
/** Reviewers answer sessions; leads (who may not review themselves, e.g. the operations manager) run them. */
const READERS = ['review:decide', 'review:lead'] as const;

function signedIn(p: Principal | null): Principal {
  if (!p) throw new HttpError(401, 'unauthenticated', 'log in first');
  return p;
}

export function calibrationRoutes(routes: RouteTable, haven: Haven): void {
  const calibration = new CalibrationService(haven.store, haven.clock);

  routes.add({
    method: 'POST', url: '/v1/calibration/sessions', tag: 'calibration', access: 'review:lead', status: 201,
    summary: `Start a calibration session on a shared set of 1-${MAX_CALIBRATION_ITEMS} items (audited). 400 names unknown or repeated items`,
    body: z.strictObject({
      name: z.string().trim().min(1, 'give the session a name').max(200),
      itemIds: z.array(itemId).min(1, 'a session needs at least one item').max(MAX_CALIBRATION_ITEMS, `a session holds at most ${MAX_CALIBRATION_ITEMS} items`),
    }),
    async handler({ body, principal }) {
      const s = await answering(() => calibration.create(body, actorOf(principal)));
      return { session: presentSummary({ ...s, itemCount: s.itemIds.length, hasAnswerKey: false, participants: 0 }), itemIds: s.itemIds };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/calibration/sessions', tag: 'calibration', access: READERS,
    summary: 'Calibration sessions, newest first',
    query: z.strictObject({
      status: z.enum(['open', 'closed']).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(64).optional(),
    }),
    async handler({ query }) {
      const rows = await calibration.list({ status: query.status, limit: query.limit + 1, before: query.cursor });
      const page = rows.slice(0, query.limit);
      return { sessions: page.map(presentSummary), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/calibration/sessions/:id', tag: 'calibration', access: READERS, params: idParams,
    summary: "A session: its items (blurred previews only) and the caller's answers. Others' answers and the results stay hidden until it closes, except from a lead",
    async handler({ params, principal }) {
      const p = signedIn(principal);
      const v = await answering(() => calibration.view(params.id, { reviewer: principalLabel(p), lead: p.permissions.has('review:lead') }));
      return {
        session: presentSummary(v.session),
        items: v.items,
        myAnswers: v.myAnswers.map((a) => ({ ...a, createdAt: iso(a.createdAt) })),
        results: v.results,
      };
    },
  });

  routes.add({
    method: 'PUT', url: '/v1/calibration/sessions/:id/answers/:itemId', tag: 'calibration', access: 'review:decide', params: itemParams,
    summary: 'Answer one item of an open session (replaces your earlier answer). 409 once the session is closed',
    body: calibrationLabelSchema,
    async handler({ params, body, principal }) {
      const a = await answering(() => calibration.answer(params.id, params.itemId, body, actorOf(principal)));
      return { answer: { ...a, createdAt: iso(a.createdAt) } };
    },
  });

  routes.add({
    method: 'PUT', url: '/v1/calibration/sessions/:id/answer-key', tag: 'calibration', access: 'review:lead', params: idParams,
    summary: 'Set the agreed answer per item (replaces the whole key; audited). Allowed open or closed',
    body: z.strictObject({ answers: z.record(itemId, calibrationLabelSchema) }),
    async handler({ params, body, principal }) {
      const s = await answering(() => calibration.setAnswerKey(params.id, body.answers, actorOf(principal)));
      return { sessionId: s.id, answerKey: s.answerKey };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/calibration/sessions/:id/close', tag: 'calibration', access: 'review:lead', params: idParams,
    summary: 'Close a session (audited): answers freeze and the results become visible to its reviewers. 409 when already closed',
    async handler({ params, principal }) {
      const s = await answering(() => calibration.close(params.id, actorOf(principal)));
      return { sessionId: s.id, status: s.status, closedAt: iso(s.closedAt) };
    },
  });
}
