import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/enforcement/webhook-signature.js';

export interface Received {
  idempotencyKey: string;
  signature: string;
  body: Record<string, unknown>;
}

/**
 * A stand-in for the host platform: verifies each webhook's signature and counts deliveries per idempotency key,
 * the way a platform dedupes them. `applied` holds the body each key was first applied with; with `delayMs` the
 * answer comes that long after the action was applied, widening the window in which a crash leaves a delivery
 * applied but not recorded by Haven.
 */
export async function startReceiver(secret: string, opts: { failFirst?: number; toleranceMs?: number; delayMs?: number } = {}) {
  const received: Received[] = [];
  const byKey = new Map<string, number>();
  const applied = new Map<string, Record<string, unknown>>();
  let rejected = 0;
  let toFail = opts.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = verifyWebhook(secret, body, req.headers['haven-signature'] as string | undefined, { now: Date.now(), toleranceMs: opts.toleranceMs });
      const key = req.headers['idempotency-key'] as string | undefined;
      if (!check.ok || !key) {
        rejected++;
        res.writeHead(401).end(check.ok ? 'missing idempotency key' : check.reason);
        return;
      }
      if (toFail > 0) {
        toFail--;
        res.writeHead(503).end('try later');
        return;
      }
      const parsed = JSON.parse(body) as Record<string, unknown>;
      received.push({ idempotencyKey: key, signature: String(req.headers['haven-signature']), body: parsed });
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
      if (!applied.has(key)) applied.set(key, parsed);
      const answer = () => {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      };
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/haven-webhook`,
    received,
    byKey,
    applied,
    rejected: () => rejected,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
