import { classifyRoutes } from './routes/classify.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Haven } from '../app.js';
import { metrics } from '../metrics.js';
import { HAVEN_VERSION } from '../version.js';
import { principalLabel } from '../auth/service.js';
import { appendAudit } from '../store/repos/audit.js';
import { authenticator, sessionCookieName } from './authn.js';
import { errorHandler, HttpError } from './errors.js';
import { RouteTable } from './route.js';
import { analyticsNetworksRoutes } from './routes/analytics-networks.js';
import { analyticsSqlRoutes } from './routes/analytics-sql.js';
import { analyticsTrendsRoutes } from './routes/analytics-trends.js';
import { appealRoutes } from './routes/appeals.js';
import { analyticsTacticsRoutes } from './routes/analytics-tactics.js';
import { authRoutes } from './routes/auth.js';
import { bankRoutes } from './routes/banks.js';
import { calibrationRoutes } from './routes/calibration.js';
import { configRoutes } from './routes/config.js';
import { demoPlatformReceiver } from './routes/demo-platform.js';
import { escalationRoutes } from './routes/escalations.js';
import { evidenceRoutes } from './routes/evidence.js';
import { itemRoutes } from './routes/items.js';
import { labelRoutes } from './routes/labels.js';
import { mediaRoutes } from './routes/media.js';
import { opsRoutes } from './routes/ops.js';
import { opsMetricsRoutes } from './routes/ops-metrics.js';
import { proposalRoutes } from './routes/proposals.js';
import { reportRoutes } from './routes/reports.js';
import { reviewRoutes } from './routes/review.js';
import { rulesRoutes } from './routes/rules.js';
import { traceRoutes } from './routes/traces.js';
import { wellnessRoutes } from './routes/wellness.js';

export interface ServerOptions {
  /** Serve the built web UI from this folder (defaults to web/dist when it exists). */
  webRoot?: string | null;
  /** Secret of the built-in demo platform receiver, when the demo runs without a real webhook. */
  demoWebhookSecret?: string;
  /** Overrides HAVEN_SECURE_COOKIES. */
  secureCookies?: boolean;
}

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export async function buildServer(haven: Haven, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Bad URLs (a malformed escape, an over-long segment) are answered by Fastify itself: give them Haven's error shape.
    frameworkErrors: errorHandler,
    loggerInstance: haven.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: haven.config.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: haven.config.logLevel !== 'debug' && haven.config.logLevel !== 'trace' }),
    trustProxy: haven.config.trustProxy.length > 0 ? haven.config.trustProxy : false,
  });
  app.setErrorHandler(errorHandler);
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: haven.config.maxBodyBytes, files: 10, fields: 5, fieldSize: 1024 * 1024 },
    throwFileSizeLimit: true,
  });
  const secureCookies = opts.secureCookies ?? haven.config.secureCookies;
  await app.register(fastifyHelmet, securityHeaders(secureCookies));
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/v1/')) reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
  });
  const authenticate = authenticator(haven.auth, sessionCookieName(secureCookies));
  await app.register(fastifyRateLimit, {
    global: true,
    // After body parsing, so the caller is known: limits are per API key and per person, else per address.
    hook: 'preHandler',
    timeWindow: 60_000,
    allowList: (req) => !req.url.startsWith('/v1/'),
    keyGenerator: async (req) => {
      const principal = await authenticate(req).catch(() => null);
      if (!principal) return `address:${req.ip}`;
      return principal.kind === 'api_key' ? `api_key:${principal.id}` : `user:${principal.id}`;
    },
    max: async (_req, key) => (key.startsWith('api_key:') ? haven.config.apiKeyRateLimitPerMinute : haven.config.rateLimitPerMinute),
    onExceeded: (req, key) => {
      metrics.rateLimited.inc({ caller: key.slice(0, key.indexOf(':')) });
      req.log.warn({ caller: key.startsWith('address:') ? key : key.slice(0, key.indexOf(':')), route: req.routeOptions.url }, 'rate limit exceeded');
    },
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(429, 'rate_limited', `rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`),
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const routes = new RouteTable(app, authenticate, async ({ principal, action, targetType, targetId, needed }) => {
    const now = haven.clock.now();
    await haven.store.db.transaction().execute((trx) =>
      appendAudit(trx, { actor: principalLabel(principal), action, targetType, targetId, details: { refused: true, needed } }, now),
    );
  });
  opsRoutes(routes, haven);
  authRoutes(routes, haven, secureCookies);
  itemRoutes(routes, haven);
  mediaRoutes(routes, haven);
  evidenceRoutes(routes, haven);
  bankRoutes(routes, haven);
  configRoutes(routes, haven);
  rulesRoutes(routes, haven);
  classifyRoutes(routes, haven);
  reportRoutes(routes, haven);
  appealRoutes(routes, haven);
  opsMetricsRoutes(routes, haven);
  wellnessRoutes(routes, haven);
  calibrationRoutes(routes, haven);
  reviewRoutes(routes, haven);
  labelRoutes(routes, haven);
  traceRoutes(routes, haven);
  escalationRoutes(routes, haven);
  proposalRoutes(routes, haven);
  analyticsTrendsRoutes(routes, haven);
  analyticsSqlRoutes(routes, haven);
  analyticsTacticsRoutes(routes, haven);
  analyticsNetworksRoutes(routes, haven);
  const openapi = routes.openapi({ title: 'Haven API', version: HAVEN_VERSION });
  app.get('/openapi.json', async () => openapi);
  if (opts.demoWebhookSecret) demoPlatformReceiver(app, opts.demoWebhookSecret);

  const webRoot = opts.webRoot === undefined ? (existsSync(DEFAULT_WEB_ROOT) ? DEFAULT_WEB_ROOT : null) : opts.webRoot;
  if (webRoot) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((req, reply) => {
      // The UI routes on the client: any unknown page path gets index.html; unknown API paths get a JSON 404.
      if (req.method === 'GET' && !req.url.startsWith('/v1/') && !req.url.includes('.')) return reply.sendFile('index.html');
      errorHandler(new HttpError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`), req, reply);
    });
  } else {
    app.setNotFoundHandler((req, reply) => errorHandler(new HttpError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`), req, reply));
  }
  return app;
}

/**
 * Headers for every answer. The UI is one origin with no inline script, so the CSP allows only its own files;
 * HSTS only when cookies are Secure (i.e. Haven is served over TLS).
 */
function securityHeaders(secure: boolean) {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' as const },
    frameguard: { action: 'deny' as const },
    crossOriginResourcePolicy: { policy: 'same-origin' as const },
  };
}
