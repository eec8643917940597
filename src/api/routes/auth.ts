import type {} from '@fastify/cookie';
import { z } from 'zod';
import type { Haven } from '../../app.js';
import { SESSION_TTL_MS } from '../../auth/service.js';
import { SESSION_COOKIE } from '../authn.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const userOut = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.string()), permissions: z.array(z.string()) }),
  csrfToken: z.string(),
});

export function authRoutes(routes: RouteTable, haven: Haven, secureCookies: boolean): void {
  routes.add({
    method: 'POST', url: '/v1/auth/login', tag: 'auth', access: 'public', summary: 'Log in with email and password; sets the session cookie',
    body: z.strictObject({ email: z.string().email().max(320), password: z.string().min(1).max(256) }),
    response: userOut,
    async handler({ body, reply }) {
      let result: Awaited<ReturnType<typeof haven.auth.login>>;
      try {
        result = await haven.auth.login(body.email, body.password);
      } catch {
        throw new HttpError(401, 'unauthenticated', 'wrong email or password');
      }
      reply.setCookie(SESSION_COOKIE, result.token, {
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
      const token = req.cookies[SESSION_COOKIE];
      if (token) await haven.auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return null;
    },
  });
}
