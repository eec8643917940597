import type { Db, Queryable } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import { type EvidenceHold, getHold, holdsForItem, insertHold, lockHolds, releaseHold } from '../../store/repos/evidence.js';
import { EvidenceError } from './errors.js';

/** A hold protects while it is not lifted and (for a preservation hold) not yet expired. */
export function holdInForce(h: EvidenceHold, now: number): boolean {
  return h.releasedAt === null && (h.expiresAt === null || h.expiresAt > now);
}

export type HoldView = EvidenceHold & { inForce: boolean };

export async function listItemHolds(q: Queryable, itemId: string, now: number): Promise<HoldView[]> {
  return (await holdsForItem(q, itemId)).map((h) => ({ ...h, inForce: holdInForce(h, now) }));
}

function checkReason(reason: string, what: string): string {
  const r = reason.trim();
  if (r.length < 3) throw new EvidenceError('invalid', `${what} needs a reason (at least 3 characters)`);
  if (r.length > 2000) throw new EvidenceError('invalid', `the reason is too long (at most 2000 characters)`);
  return r;
}

export type HoldTarget = { itemId: string } | { accountId: string };

/**
 * A legal hold: placed by a person, lasting until a person lifts it. On an account it covers every item the account
 * authored, including later ones. Audited and evented in one transaction.
 */
export async function placeLegalHold(
  db: Db,
  opts: { target: HoldTarget; reason: string; actor: string; now: number },
): Promise<EvidenceHold> {
  const reason = checkReason(opts.reason, 'a legal hold');
  return db.transaction().execute(async (trx) => {
    await lockHolds(trx);
    let itemId: string | null = null;
    let accountId: string | null = null;
    if ('itemId' in opts.target) {
      const item = await trx.selectFrom('items').select(['id', 'author_id']).where('id', '=', opts.target.itemId).executeTakeFirst();
      if (!item) throw new EvidenceError('not_found', `item ${opts.target.itemId} not found`);
      itemId = item.id;
    } else {
      const key = opts.target.accountId;
      const account = await trx.selectFrom('accounts').select('id')
        .where((eb) => eb.or([eb('id', '=', key), eb('external_id', '=', key)])).executeTakeFirst();
      if (!account) throw new EvidenceError('not_found', `account ${key} not found`);
      accountId = account.id;
    }
    const hold: EvidenceHold = {
      id: newId(), kind: 'legal', itemId, accountId, evidenceId: null, reason, createdAt: opts.now, createdBy: opts.actor,
      expiresAt: null, releasedAt: null, releasedBy: null, releaseReason: null,
    };
    await insertHold(trx, hold);
    await appendAudit(trx, {
      actor: opts.actor, action: 'evidence.hold', targetType: itemId ? 'item' : 'account', targetId: itemId ?? accountId,
      details: { holdId: hold.id, reason },
    }, opts.now);
    await appendEvents(trx, [{
      type: 'legal_hold_placed', itemId, accountId, actor: opts.actor, versions: {}, payload: { holdId: hold.id, reason },
    }], opts.now);
    return hold;
  });
}

/** Lifts a legal hold, with a reason. Preservation holds are not lifted by hand: they expire. */
export async function releaseLegalHold(
  db: Db,
  opts: { holdId: string; reason: string; actor: string; now: number },
): Promise<EvidenceHold> {
  const reason = checkReason(opts.reason, 'lifting a legal hold');
  return db.transaction().execute(async (trx) => {
    const hold = await getHold(trx, opts.holdId);
    if (!hold) throw new EvidenceError('not_found', `hold ${opts.holdId} not found`);
    if (hold.kind !== 'legal') throw new EvidenceError('conflict', `hold ${hold.id} is a preservation hold; it expires on its own`);
    if (!(await releaseHold(trx, hold.id, opts.actor, reason, opts.now))) {
      throw new EvidenceError('conflict', `hold ${hold.id} was already lifted`);
    }
    await appendAudit(trx, {
      actor: opts.actor, action: 'evidence.release', targetType: hold.itemId ? 'item' : 'account',
      targetId: hold.itemId ?? hold.accountId, details: { holdId: hold.id, reason },
    }, opts.now);
    await appendEvents(trx, [{
      type: 'legal_hold_released', itemId: hold.itemId, accountId: hold.accountId, actor: opts.actor, versions: {},
      payload: { holdId: hold.id, reason },
    }], opts.now);
    return { ...hold, releasedAt: opts.now, releasedBy: opts.actor, releaseReason: reason };
  });
}
