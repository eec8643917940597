import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AuthError } from '../auth/service.js';
import { BankError } from '../banks/service.js';
import { MediaError } from '../hashing/media.js';

/** An error that is the caller's to fix: sent as-is with its status. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly issues?: unknown[]) {
    super(message);
  }
}

export function zodToHttp(e: ZodError, where: string): HttpError {
  const issues = e.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new HttpError(400, 'invalid_request', message, issues);
}

/** Every error leaves as `{ error: { code, message } }`; unexpected ones are logged and never leak internals. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  const send = (status: number, code: string, message: string, issues?: unknown[]) =>
    void reply.status(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
  if (err instanceof HttpError) return send(err.status, err.code, err.message, err.issues);
  if (err instanceof ZodError) {
    const h = zodToHttp(err, 'body');
    return send(400, h.code, h.message, h.issues);
  }
  if (err instanceof MediaError) return send(422, 'invalid_media', err.message);
  if (err instanceof BankError) return send(err.status, err.status === 404 ? 'not_found' : 'conflict', err.message);
  if (err instanceof AuthError) return send(400, 'invalid_request', err.message);
  const fe = err as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : (fe.code ?? 'bad_request').toLowerCase();
    return send(fe.statusCode, code, fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.message.includes('JSON')
      ? `body is not valid JSON: ${fe.message}` : fe.message);
  }
  req.log.error({ err }, 'unhandled error');
  send(500, 'internal', 'internal error; it has been logged');
}
