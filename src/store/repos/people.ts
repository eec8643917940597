import type { Selectable } from 'kysely';
import type { UserId } from '../../core/ids.js';
import type { User } from '../../core/types.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import type { ApiKeysTable, UsersTable } from '../schema.js';

// Users, their sessions, and API keys for platform clients. Secrets are stored only as hashes.

export const toUser = (r: Selectable<UsersTable>): User => ({
  id: r.id as UserId, email: r.email, name: r.name, roles: fromJson(r.roles), createdAt: r.created_at, disabledAt: r.disabled_at,
});

export async function insertUser(q: Queryable, u: User, passwordHash: string): Promise<void> {
  await q
    .insertInto('users')
    .values({
      id: u.id, email: u.email, name: u.name, password_hash: passwordHash, roles: toJson(u.roles), created_at: u.createdAt,
      disabled_at: null,
    })
    .execute();
}

export async function findUserByEmail(q: Queryable, email: string) {
  const r = await q.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return r ? { user: toUser(r), passwordHash: r.password_hash } : null;
}

export async function getUser(q: Queryable, id: string): Promise<User | null> {
  const r = await q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : null;
}

export async function listUsers(q: Queryable): Promise<User[]> {
  return (await q.selectFrom('users').selectAll().orderBy('email').execute()).map(toUser);
}

export async function insertSession(
  q: Queryable,
  s: { idHash: string; userId: string; csrfToken: string; now: number; expiresAt: number },
): Promise<void> {
  await q
    .insertInto('sessions')
    .values({ id: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.expiresAt, last_seen_at: s.now })
    .execute();
}

export async function findSession(q: Queryable, idHash: string, now: number) {
  return q
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Records that a session was used now. */
export async function touchSession(q: Queryable, idHash: string, now: number): Promise<void> {
  await q.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', idHash).execute();
}

export async function deleteSession(q: Queryable, idHash: string): Promise<void> {
  await q.deleteFrom('sessions').where('id', '=', idHash).execute();
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

const toApiKey = (r: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: r.id, name: r.name, prefix: r.prefix, scopes: fromJson(r.scopes), createdAt: r.created_at, createdBy: r.created_by,
  revokedAt: r.revoked_at,
});

export async function insertApiKey(q: Queryable, k: ApiKeyRecord, keyHash: string): Promise<void> {
  await q
    .insertInto('api_keys')
    .values({
      id: k.id, name: k.name, prefix: k.prefix, key_hash: keyHash, scopes: toJson(k.scopes), created_at: k.createdAt,
      created_by: k.createdBy, revoked_at: null,
    })
    .execute();
}

export async function findApiKeyByHash(q: Queryable, keyHash: string): Promise<ApiKeyRecord | null> {
  const r = await q.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
  return r ? toApiKey(r) : null;
}

export async function listApiKeys(q: Queryable): Promise<ApiKeyRecord[]> {
  return (await q.selectFrom('api_keys').selectAll().orderBy('created_at').execute()).map(toApiKey);
}

export async function revokeApiKey(q: Queryable, id: string, now: number): Promise<boolean> {
  const r = await q.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function recordLoginFailure(q: Queryable, f: { id: string; email: string; address: string; at: number }): Promise<void> {
  await q.insertInto('login_failures').values(f).execute();
}

/** Failures since `since` for one email or one address: how many, and the latest. */
export async function countLoginFailures(
  q: Queryable,
  by: { email: string } | { address: string },
  since: number,
): Promise<{ count: number; last: number | null }> {
  let query = q.selectFrom('login_failures').select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.max('at').as('last')]).where('at', '>', since);
  query = 'email' in by ? query.where('email', '=', by.email) : query.where('address', '=', by.address);
  const r = await query.executeTakeFirstOrThrow();
  return { count: Number(r.n), last: r.last === null ? null : Number(r.last) };
}

/** A successful login forgives the email's failures; rows older than the window are dropped as they age out. */
export async function forgetLoginFailures(q: Queryable, email: string, olderThan: number): Promise<void> {
  await q.deleteFrom('login_failures').where((eb) => eb.or([eb('email', '=', email), eb('at', '<', olderThan)])).execute();
}
