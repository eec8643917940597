import type { UserId } from '../core/ids.js';
import { API_KEY_SCOPES, isRole, type Permission, PERMISSIONS, permissionsOf } from '../core/roles.js';
import type { User } from '../core/types.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { appendAudit } from '../store/repos/audit.js';
import {
  countLoginFailures, deleteSession, findApiKeyByHash, findSession, findUserByEmail, forgetLoginFailures, getUser, insertApiKey,
  insertSession, insertUser, recordLoginFailure, touchSession, type ApiKeyRecord,
} from '../store/repos/people.js';
import { hashPassword, passwordProblem, randomToken, tokenHash, verifyPassword } from './credentials.js';
import { LOGIN_WINDOW_MS, loginWaitMs } from './throttle.js';

export const SESSION_TTL_MS = 12 * 3_600_000;

/** Who is calling: a person with roles, or a platform client with scopes. Both resolve to permissions. */
export type Principal =
  | { kind: 'user'; id: string; name: string; email: string; roles: string[]; permissions: Set<Permission>; csrfToken: string }
  | { kind: 'api_key'; id: string; name: string; permissions: Set<Permission> };

export function principalLabel(p: Principal): string {
  return p.kind === 'user' ? `user:${p.email}` : `api_key:${p.name}`;
}

export class AuthError extends Error {}

/** Too many recent failed logins for this email or address: try again after `retryAfterMs`. */
export class LoginThrottled extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`too many failed logins; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export interface AuthOptions {
  /** Failed logins per email within the window before attempts must wait (times four per address). */
  loginMaxFailures: number;
  /** A session unused for this long ends. */
  sessionIdleMs: number;
}

/** Last-use times are written at most this often, so a busy session costs one write a minute, not one per request. */
const TOUCH_EVERY_MS = 60_000;

export class AuthService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly opts: AuthOptions = { loginMaxFailures: 5, sessionIdleMs: 3_600_000 },
  ) {}

  async createUser(input: { email: string; name: string; password: string; roles: string[] }, actor: string): Promise<User> {
    const problem = passwordProblem(input.password);
    if (problem) throw new AuthError(problem);
    const bad = input.roles.filter((r) => !isRole(r));
    if (bad.length > 0) throw new AuthError(`unknown role(s): ${bad.join(', ')}`);
    const now = this.clock.now();
    const user: User = {
      id: newId<UserId>(), email: input.email.toLowerCase(), name: input.name, roles: input.roles, createdAt: now, disabledAt: null,
    };
    const hash = await hashPassword(input.password);
    await this.store.db.transaction().execute(async (trx) => {
      if (await findUserByEmail(trx, user.email)) throw new AuthError(`a user with email ${user.email} already exists`);
      await insertUser(trx, user, hash);
      await appendAudit(trx, { actor, action: 'user.create', targetType: 'user', targetId: user.id, details: { email: user.email, roles: user.roles } }, now);
    });
    return user;
  }

  /** Returns a session token (given to the browser as an httpOnly cookie) and the CSRF token that goes with it. */
  async login(
    emailGiven: string,
    password: string,
    address = 'unknown',
  ): Promise<{ token: string; principal: Principal & { kind: 'user' } }> {
    const email = emailGiven.toLowerCase();
    const since = this.clock.now() - LOGIN_WINDOW_MS;
    const [byEmail, byAddress] = await Promise.all([
      countLoginFailures(this.store.db, { email }, since),
      countLoginFailures(this.store.db, { address }, since),
    ]);
    const wait = loginWaitMs(byEmail, byAddress, this.opts.loginMaxFailures, this.clock.now());
    if (wait > 0) throw new LoginThrottled(wait);
    const found = await findUserByEmail(this.store.db, email);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which emails exist.
    const ok = await verifyPassword(found?.passwordHash ?? DUMMY_HASH, password);
    const now = this.clock.now();
    if (!found || !ok || found.user.disabledAt !== null) {
      await this.store.db.transaction().execute(async (trx) => {
        await recordLoginFailure(trx, { id: newId(), email, address, at: now });
        await appendAudit(trx, { actor: `anonymous`, action: 'login.failed', targetType: 'user', targetId: found?.user.id ?? null, details: { email, address } }, now);
      });
      throw new AuthError('wrong email or password');
    }
    const token = randomToken('hvs_');
    const csrfToken = randomToken('');
    await this.store.db.transaction().execute(async (trx) => {
      await insertSession(trx, { idHash: tokenHash(token), userId: found.user.id, csrfToken, now, expiresAt: now + SESSION_TTL_MS });
      await forgetLoginFailures(trx, email, now - LOGIN_WINDOW_MS);
      await appendAudit(trx, { actor: `user:${found.user.email}`, action: 'login', targetType: 'user', targetId: found.user.id, details: {} }, now);
    });
    return { token, principal: userPrincipal(found.user, csrfToken) };
  }

  async logout(token: string): Promise<void> {
    await deleteSession(this.store.db, tokenHash(token));
  }

  async fromSession(token: string): Promise<(Principal & { kind: 'user' }) | null> {
    const idHash = tokenHash(token);
    const now = this.clock.now();
    const s = await findSession(this.store.db, idHash, now);
    if (!s) return null;
    const lastSeen = Number(s.last_seen_at ?? s.created_at);
    if (now - lastSeen > this.opts.sessionIdleMs) {
      await deleteSession(this.store.db, idHash);
      return null;
    }
    if (now - lastSeen > Math.min(TOUCH_EVERY_MS, this.opts.sessionIdleMs / 4)) await touchSession(this.store.db, idHash, now);
    const user = await getUser(this.store.db, s.user_id);
    if (!user || user.disabledAt !== null) return null;
    return userPrincipal(user, s.csrf_token);
  }

  async fromApiKey(key: string): Promise<Principal | null> {
    const k = await findApiKeyByHash(this.store.db, tokenHash(key));
    if (!k) return null;
    // Only key scopes count, so a key created before the scopes were restricted cannot open media or evidence.
    const permissions = new Set(k.scopes.filter((s): s is Permission => (API_KEY_SCOPES as readonly string[]).includes(s)));
    return { kind: 'api_key', id: k.id, name: k.name, permissions };
  }

  /** The key is shown once; only its hash is kept. */
  async createApiKey(input: { name: string; scopes: string[] }, actor: string): Promise<{ key: string; record: ApiKeyRecord }> {
    const bad = input.scopes.filter((s) => !(PERMISSIONS as readonly string[]).includes(s));
    if (bad.length > 0) throw new AuthError(`unknown scope(s): ${bad.join(', ')}; known: ${PERMISSIONS.join(', ')}`);
    const human = input.scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
    if (human.length > 0) throw new AuthError(`scope(s) only people hold, never API keys: ${human.join(', ')}; keys may carry ${API_KEY_SCOPES.join(', ')}`);
    const key = randomToken('hvk_');
    const now = this.clock.now();
    const record: ApiKeyRecord = {
      id: newId(), name: input.name, prefix: key.slice(0, 10), scopes: input.scopes, createdAt: now, createdBy: actor, revokedAt: null,
    };
    await this.store.db.transaction().execute(async (trx) => {
      await insertApiKey(trx, record, tokenHash(key));
      await appendAudit(trx, { actor, action: 'api_key.create', targetType: 'api_key', targetId: record.id, details: { name: record.name, scopes: record.scopes } }, now);
    });
    return { key, record };
  }
}

function userPrincipal(user: User, csrfToken: string): Principal & { kind: 'user' } {
  return {
    kind: 'user', id: user.id, name: user.name, email: user.email, roles: user.roles, permissions: permissionsOf(user.roles), csrfToken,
  };
}

// argon2id hash of a random string nobody knows; used only to spend the same time on unknown emails.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Qp7yWq0wD7Hn2mE9j0cMZ8ks7f3JH8o6V0bq5x2G3nE';
