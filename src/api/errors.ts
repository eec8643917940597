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

interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  issues?: unknown[];
}

/** Maps an error to what the caller is told; null for an unexpected error (a bug), which is logged instead. */
function answerFor(err: FastifyError | Error): ErrorAnswer | null {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
  if (err instanceof ZodError) {
    const h = zodToHttp(err, 'body');
    return { status: 400, code: h.code, message: h.message, ...(h.issues ? { issues: h.issues } : {}) };
  }
  if (err instanceof MediaError) return { status: 422, code: 'invalid_media', message: err.message };
  if (err instanceof BankError) return { status: err.status, code: err.status === 404 ? 'not_found' : 'conflict', message: err.message };
  if (err instanceof AuthError) return { status: 400, code: 'invalid_request', message: err.message };
  const fe = err as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: fe.statusCode, code: 'body_too_large', message: `request body is too large (limit ${fe.message.match(/\d+/)?.[0] ?? 'configured'} bytes)` };
    const json = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.message.includes('JSON');
    return { status: fe.statusCode, code: (fe.code ?? 'bad_request').toLowerCase(), message: json ? `body is not valid JSON: ${fe.message}` : fe.message };
  }
  return null;
}

/** Every error leaves as `{ error: { code, message } }`; unexpected ones are logged and never leak internals. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  let answer = answerFor(err);
  if (!answer) {
    req.log.error({ err }, 'unhandled error');
    answer = { status: 500, code: 'internal', message: 'internal error; it has been logged' };
  }
  const { status, ...body } = answer;
  void reply.status(status).send({ error: body });
}
