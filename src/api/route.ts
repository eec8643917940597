import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/service.js';
import type { Permission } from '../core/roles.js';
import { HttpError, zodToHttp } from './errors.js';

/** A permission, any one of several, or no permission at all. */
export type Access = Permission | readonly Permission[] | 'public' | 'authenticated';

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal | null;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<B, Q, P> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Documented response (JSON). Omit for non-JSON bodies. */
  response?: z.ZodType;
  status?: number;
  /** Skip JSON body parsing (multipart). */
  rawBody?: boolean;
  /**
   * Routes that hand out media or evidence: a caller refused by the permission check is recorded in the audit log
   * under this action, since someone probing for bytes their role withholds is what an insider review looks for.
   */
  auditRefusal?: { action: string; targetType: string; param: string };
  handler(ctx: RouteContext<B, Q, P>): Promise<unknown>;
}

interface Documented {
  spec: RouteSpec<unknown, unknown, unknown>;
}

/**
 * Registers routes whose inputs are validated with zod and whose access is checked before the handler runs,
 * and keeps them so the OpenAPI document is generated from the same schemas.
 */
/** Writes an audit row for a refused request to a route with `auditRefusal`. */
export type RefusalRecorder = (entry: { principal: Principal; action: string; targetType: string; targetId: string | null; needed: string }) => Promise<void>;

export class RouteTable {
  private readonly routes: Documented[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticate: (req: FastifyRequest) => Promise<Principal | null>,
    private readonly recordRefusal?: RefusalRecorder,
  ) {}

  add<B = undefined, Q = undefined, P = undefined>(spec: RouteSpec<B, Q, P>): void {
    this.routes.push({ spec: spec as RouteSpec<unknown, unknown, unknown> });
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        const principal = spec.access === 'public' ? await this.authenticate(req).catch(() => null) : await this.authenticate(req);
        if (spec.access !== 'public') {
          if (!principal) throw new HttpError(401, 'unauthenticated', 'authentication required: an API key (Authorization: Bearer ...) or a session');
          if (spec.access !== 'authenticated') {
            const anyOf: readonly Permission[] = typeof spec.access === 'string' ? [spec.access] : spec.access;
            if (!anyOf.some((p) => principal.permissions.has(p))) {
              if (spec.auditRefusal && this.recordRefusal) {
                const target = (req.params as Record<string, unknown> | undefined)?.[spec.auditRefusal.param];
                await this.recordRefusal({
                  principal, action: spec.auditRefusal.action, targetType: spec.auditRefusal.targetType,
                  targetId: typeof target === 'string' ? target.slice(0, 200) : null, needed: anyOf.join(' or '),
                });
              }
              throw new HttpError(403, 'forbidden', `this needs the ${anyOf.join(' or ')} permission`);
            }
          }
        }
        const params = parse(spec.params, req.params, 'params');
        const query = parse(spec.query, req.query, 'query');
        const body = spec.rawBody ? undefined : parse(spec.body, req.body, 'body');
        const result = await spec.handler({ body, query, params, principal, req, reply } as RouteContext<B, Q, P>);
        if (reply.sent) return reply;
        if (spec.status) reply.status(spec.status);
        return result;
      },
    });
  }

  openapi(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { spec } of this.routes) {
      const path = spec.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const parameters = [
        ...paramsOf(spec.params, 'path'),
        ...paramsOf(spec.query, 'query'),
      ];
      paths[path] ??= {};
      (paths[path] as Record<string, unknown>)[spec.method.toLowerCase()] = {
        summary: spec.summary,
        tags: [spec.tag],
        ...(spec.access === 'public' ? { security: [] } : { 'x-haven-permission': typeof spec.access === 'string' ? spec.access : spec.access.join(' | ') }),
        ...(parameters.length ? { parameters } : {}),
        ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
        ...(spec.rawBody ? { requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } } } : {}),
        responses: {
          [String(spec.status ?? 200)]: {
            description: 'OK',
            ...(spec.response ? { content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } } : {}),
          },
          '4XX': { description: 'The request was refused: `{ error: { code, message, issues? } }`' },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A Haven API key (hvk_...)' },
          session: { type: 'apiKey', in: 'cookie', name: 'haven_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
      paths,
    };
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) throw zodToHttp(r.error, where);
  return r.data;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  } catch {
    return {};
  }
}

function paramsOf(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s,
  }));
}
