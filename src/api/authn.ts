import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth/service.js';
import { safeEqual } from '../auth/credentials.js';
import { HttpError } from './errors.js';

export const SESSION_COOKIE = 'haven_session';
/** With Secure cookies the __Host- prefix makes the browser refuse the cookie from plain HTTP or a sibling domain. */
export const SECURE_SESSION_COOKIE = '__Host-haven_session';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller once per request. API keys come in the Authorization header; people come with the session
 * cookie, and a state-changing request from a session must also carry its CSRF token.
 */
export function authenticator(auth: AuthService, cookieName = SESSION_COOKIE) {
  const cache = new WeakMap<FastifyRequest, Principal | null>();
  return async (req: FastifyRequest): Promise<Principal | null> => {
    if (cache.has(req)) return cache.get(req) ?? null;
    let principal: Principal | null = null;
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m?.[1]) throw new HttpError(401, 'unauthenticated', 'Authorization header must be "Bearer <api key>"');
      principal = await auth.fromApiKey(m[1]);
      if (!principal) throw new HttpError(401, 'unauthenticated', 'unknown or revoked API key');
    } else {
      const token = req.cookies[cookieName];
      if (token) {
        const user = await auth.fromSession(token);
        if (user && !SAFE_METHODS.has(req.method)) {
          const sent = req.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !safeEqual(sent, user.csrfToken)) {
            throw new HttpError(403, 'csrf', 'missing or wrong x-csrf-token header for this session');
          }
        }
        principal = user;
      }
    }
    cache.set(req, principal);
    return principal;
  };
}
