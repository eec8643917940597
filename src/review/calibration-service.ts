import type { Clock } from '../core/clock.js';
import type { Taxonomy } from '../core/taxonomy.js';
import type { Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendAudit } from '../store/repos/audit.js';
import {
  type CalibrationSession, type CalibrationStatus, calibrationAnswers, calibrationParticipants, closeCalibrationSession,
  getCalibrationSession, insertCalibrationSession, listCalibrationSessions, type StoredCalibrationAnswer, setCalibrationAnswerKey,
  submitCalibrationAnswer,
} from '../store/repos/calibration.js';
import { latestConfig } from '../store/repos/config.js';
import { getItems } from '../store/repos/items.js';
import { type AnswerKey, type CalibrationLabel, type CalibrationResults, calibrationResults } from './calibration.js';

export const MAX_CALIBRATION_ITEMS = 200;

/** A refusal the caller can act on; `status` is the HTTP status it maps to. */
export class CalibrationError extends Error {
  constructor(readonly status: 400 | 404 | 409, readonly code: string, message: string) {
    super(message);
  }
}

/** Who is looking: their reviewer label, and whether they lead calibration (review:lead). */
export interface Viewer {
  reviewer: string;
  lead: boolean;
}

export interface SessionSummary extends Omit<CalibrationSession, 'itemIds' | 'answerKey'> {
  itemCount: number;
  hasAnswerKey: boolean;
  participants: number;
}

export interface SessionItem {
  id: string;
  surface: string;
  kind: string;
  textExcerpt: string | null;
  /** Media of the item; images carry the URL of their blurred preview (never the original). */
  media: { id: string; mime: string; previewUrl: string | null }[];
}

export interface SessionView {
  session: SessionSummary;
  items: SessionItem[];
  myAnswers: StoredCalibrationAnswer[];
  /**
   * Null while the session is open and the viewer is not a lead: answers stay blind until the lead closes it.
   * A reviewer sees only their own row in `results.reviewers`; a lead sees everyone's.
   */
  results: (CalibrationResults & { answerKey: AnswerKey | null }) | null;
}

const EXCERPT = 280;
const excerpt = (text: string | null) => (text === null ? null : text.length > EXCERPT ? `${text.slice(0, EXCERPT - 3)}...` : text);

/**
 * Calibration sessions on a shared set of items. A lead (review:lead) picks the items and later the agreed answer;
 * reviewers answer blind while the session is open; closing it reveals the results. Creating, keying and closing
 * are audited.
 */
export class CalibrationService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  async create(input: { name: string; itemIds: string[] }, actor: string): Promise<CalibrationSession> {
    const { itemIds } = input;
    if (itemIds.length === 0 || itemIds.length > MAX_CALIBRATION_ITEMS) {
      throw new CalibrationError(400, 'invalid_request', `a session holds 1 to ${MAX_CALIBRATION_ITEMS} items, got ${itemIds.length}`);
    }
    const duplicates = [...new Set(itemIds.filter((id, i) => itemIds.indexOf(id) !== i))];
    if (duplicates.length > 0) throw new CalibrationError(400, 'duplicate_items', `items listed more than once: ${duplicates.join(', ')}`);
    const found = new Set((await getItems(this.store.db, itemIds)).map((i) => i.id as string));
    const unknown = itemIds.filter((id) => !found.has(id));
    if (unknown.length > 0) throw new CalibrationError(400, 'unknown_items', `no such items: ${unknown.join(', ')}`);
    const now = this.clock.now();
    const session: CalibrationSession = {
      id: newId(), name: input.name, itemIds, answerKey: null, status: 'open', createdBy: actor, createdAt: now, closedAt: null,
    };
    await this.store.db.transaction().execute(async (trx) => {
      await insertCalibrationSession(trx, session);
      await appendAudit(trx, {
        actor, action: 'calibration.create', targetType: 'calibration_session', targetId: session.id, details: { name: session.name, itemIds },
      }, now);
    });
    return session;
  }

  async list(opts: { status?: CalibrationStatus | undefined; limit: number; before?: string | undefined }): Promise<SessionSummary[]> {
    const sessions = await listCalibrationSessions(this.store.db, opts);
    const participants = await calibrationParticipants(this.store.db, sessions.map((s) => s.id));
    return sessions.map((s) => summarise(s, participants.get(s.id) ?? 0));
  }

  /** The session as `viewer` may see it (see SessionView.results for what stays blind). */
  async view(id: string, viewer: Viewer): Promise<SessionView> {
    const session = await this.require(id);
    const items = await getItems(this.store.db, session.itemIds);
    const all = await calibrationAnswers(this.store.db, id);
    const participants = new Set(all.map((a) => a.reviewer)).size;
    const revealed = session.status === 'closed' || viewer.lead;
    let results: SessionView['results'] = null;
    if (revealed) {
      const r = calibrationResults(session.itemIds, all, session.answerKey);
      results = { ...r, reviewers: viewer.lead ? r.reviewers : r.reviewers.filter((x) => x.reviewer === viewer.reviewer), answerKey: session.answerKey };
    }
    return {
      session: summarise(session, participants),
      items: items.map((i) => ({
        id: i.id, surface: i.surface, kind: i.kind, textExcerpt: excerpt(i.text),
        media: i.media.map((m) => ({ id: m.id, mime: m.mime, previewUrl: m.mime.startsWith('image/') ? `/v1/media/${m.id}/preview` : null })),
      })),
      myAnswers: all.filter((a) => a.reviewer === viewer.reviewer),
      results,
    };
  }

  /** Records (or replaces) the reviewer's answer on one item while the session is open. Not audited: it is an opinion, not an action. */
  async answer(sessionId: string, itemId: string, label: CalibrationLabel, reviewer: string): Promise<StoredCalibrationAnswer> {
    await this.checkCategories([label]);
    const now = this.clock.now();
    const outcome = await this.store.db.transaction().execute((trx) => submitCalibrationAnswer(trx, { sessionId, itemId, reviewer, label }, now));
    if (outcome === 'not_found') throw notFound(sessionId);
    if (outcome === 'closed') throw new CalibrationError(409, 'session_closed', `calibration session ${sessionId} is closed; answers can no longer change`);
    if (outcome === 'item_not_in_session') throw new CalibrationError(404, 'item_not_in_session', `item ${itemId} is not part of calibration session ${sessionId}`);
    return { itemId, reviewer, ...label, createdAt: now };
  }

  /** Replaces the agreed answer (open or closed: the lead may settle it after discussing the results). */
  async setAnswerKey(sessionId: string, key: AnswerKey, actor: string): Promise<CalibrationSession> {
    const session = await this.require(sessionId);
    const inSession = new Set(session.itemIds);
    const outside = Object.keys(key).filter((id) => !inSession.has(id));
    if (outside.length > 0) throw new CalibrationError(400, 'unknown_items', `not items of this session: ${outside.join(', ')}`);
    await this.checkCategories(Object.values(key));
    const now = this.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      if (!(await setCalibrationAnswerKey(trx, sessionId, key))) throw notFound(sessionId);
      await appendAudit(trx, {
        actor, action: 'calibration.answer_key', targetType: 'calibration_session', targetId: sessionId, details: { answerKey: key },
      }, now);
    });
    return { ...session, answerKey: key };
  }

  async close(sessionId: string, actor: string): Promise<CalibrationSession> {
    const now = this.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      if (!(await closeCalibrationSession(trx, sessionId, now))) {
        const s = await getCalibrationSession(trx, sessionId);
        if (!s) throw notFound(sessionId);
        throw new CalibrationError(409, 'session_closed', `calibration session ${sessionId} is already closed`);
      }
      await appendAudit(trx, { actor, action: 'calibration.close', targetType: 'calibration_session', targetId: sessionId, details: {} }, now);
    });
    return this.require(sessionId);
  }

  private async require(id: string): Promise<CalibrationSession> {
    const s = await getCalibrationSession(this.store.db, id);
    if (!s) throw notFound(id);
    return s;
  }

  /** A category must exist in the current taxonomy, not merely look like CSE-xx. */
  private async checkCategories(labels: readonly CalibrationLabel[]): Promise<void> {
    const named = [...new Set(labels.flatMap((l) => (l.category === null ? [] : [l.category])))];
    if (named.length === 0) return;
    const taxonomy = await latestConfig<Taxonomy>(this.store.db, 'taxonomy');
    if (!taxonomy) return;
    const known = new Set(taxonomy.document.categories.map((c) => c.id));
    const unknown = named.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new CalibrationError(400, 'unknown_category', `not in the current taxonomy: ${unknown.join(', ')}`);
  }
}

function notFound(id: string): CalibrationError {
  return new CalibrationError(404, 'not_found', `calibration session ${id} not found`);
}

function summarise(s: CalibrationSession, participants: number): SessionSummary {
  const { itemIds, answerKey, ...rest } = s;
  return { ...rest, itemCount: itemIds.length, hasAnswerKey: answerKey !== null, participants };
}
