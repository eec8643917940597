import type { FastifyInstance } from 'fastify';
import { verifyWebhook } from '../../enforcement/webhook-signature.js';

export const DEMO_WEBHOOK_PATH = '/demo/platform/webhook';

/**
 * A stand-in for the host platform when Haven runs as a demo without a configured webhook: it verifies the
 * signature the way a platform should and acknowledges, so demo actions show as delivered.
 */
export function demoPlatformReceiver(app: FastifyInstance, secret: string): { received: () => number } {
  let received = 0;
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post(DEMO_WEBHOOK_PATH, async (req, reply) => {
      const check = verifyWebhook(secret, String(req.body), req.headers['haven-signature'] as string | undefined, { now: Date.now() });
      if (!check.ok) return reply.status(401).send({ error: { code: 'bad_signature', message: check.reason } });
      received++;
      return { ok: true, idempotencyKey: req.headers['idempotency-key'] };
    });
  });
  return { received: () => received };
}
