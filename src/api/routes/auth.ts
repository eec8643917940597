import type {} from '@fastify/cookie';
import { z } from 'zod';
import type { Haven } from '../../app.js';
import { LoginThrottled, SESSION_TTL_MS } from '../../auth/service.js';
import { sessionCookieName } from '../authn.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const userOut = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.string()), permissions: z.array(z.string()) }),
  csrfToken: z.string(),
});

export function authRoutes(routes: RouteTable, haven: Haven, secureCookies: boolean): void {
  const cookieName = sessionCookieName(secureCookies);
  routes.add({
    method: 'POST', url: '/v1/auth/login', tag: 'auth', access: 'public', summary: 'Log in with email and password; sets the session cookie',
    body: z.strictObject({ email: z.string().email().max(320), password: z.string().min(1).max(256) }),
    response: userOut,
    async handler({ body, req, reply }) {
      let result: Awaited<ReturnType<typeof haven.auth.login>>;
      try {
        result = await haven.auth.login(body.email, body.password, req.ip);
      } catch (e) {
        if (e instanceof LoginThrottled) {
          reply.header('retry-after', String(Math.ceil(e.retryAfterMs / 1000)));
          throw new HttpError(429, 'login_throttled', e.message);
        }
        throw new HttpError(401, 'unauthenticated', 'wrong email or password');
      }
      reply.setCookie(cookieName, result.token, {
        path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookies, maxAge: SESSION_TTL_MS / 1000,
      });
      const p = result.principal;
      return { user: { id: p.id, email: p.email, name: p.name, roles: p.roles, permissions: [...p.permissions] }, csrfToken: p.csrfToken };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/auth/me', tag: 'auth', access: 'authenticated', summary: 'The logged-in user', response: userOut,
    async handler({ principal }) {
      if (principal?.kind !== 'user') throw new HttpError(400, 'invalid_request', 'this is for people; API keys have no session');
      return {
        user: { id: principal.id, email: principal.email, name: principal.name, roles: principal.roles, permissions: [...principal.permissions] },
        csrfToken: principal.csrfToken,
      };
    },
  });

  routes.add({
    method: 'POST', url: '/v1/auth/logout', tag: 'auth', access: 'authenticated', summary: 'End the session', status: 204,
    async handler({ req, reply }) {
      const token = req.cookies[cookieName];
      if (token) await haven.auth.logout(token);
      reply.clearCookie(cookieName, { path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookies });
      return null;
    },
  });
}
