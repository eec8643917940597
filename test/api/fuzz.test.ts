// Every route of the API, enumerated from its own OpenAPI document (a new route is fuzzed without touching this
// file), gets generated input: junk bodies, query strings and path segments, and values shaped by the route's
// schemas. Whatever comes in, the answer is a success or a 4xx with `{ error: { code, message } }`, never a 5xx.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { API_KEY_SCOPES, permissionsOf, ROLES } from '../../src/core/roles.js';
import {
  checkProperty, encodeAny, FUZZ_SEED, fromSchema, type JsonSchema, junkBody, junkJson, junkQuery, junkSegment, nastyString,
} from '../helpers/arbitraries.js';
import { patternPng } from '../helpers/images.js';
import { makeBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

/** Runs per route and kind of input; ~150 routes x (junk + shaped) stays well under a minute on SQLite. */
const JUNK_RUNS = Number(process.env.FUZZ_JUNK_RUNS ?? 6);
const SHAPED_RUNS = Number(process.env.FUZZ_SHAPED_RUNS ?? 12);

const ULID_IN_JSON = /"[0-9A-HJKMNP-TV-Z]{26}"/g;

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | null;
  multipart: boolean;
  /** The permission(s) it needs, from x-haven-permission ("a | b" is any of them); empty when public. */
  permissions: string[];
}

interface FuzzRequest {
  method: Operation['method'];
  url: string;
  as: 'session' | 'key';
  payload?: string | Buffer;
  contentType?: string | undefined;
}

function operationsOf(openapi: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(openapi.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content;
      ops.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: (op.parameters as Operation['parameters'] | undefined) ?? [],
        body: content?.['application/json']?.schema ?? null,
        multipart: content?.['multipart/form-data'] !== undefined,
        permissions: typeof op['x-haven-permission'] === 'string' ? op['x-haven-permission'].split(' | ') : [],
      });
    }
  }
  return ops;
}

function queryString(values: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, typeof x === 'string' ? x : JSON.stringify(x));
    else q.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return q.toString();
}

/** A multipart body with arbitrary fields and files, for routes that take uploads. */
const junkMultipart = fc
  .array(fc.record({
    name: fc.constantFrom('item', 'media', 'other', ''),
    file: fc.boolean(),
    value: fc.oneof(junkJson.map((v) => JSON.stringify(v) ?? ''), nastyString, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1'))),
  }), { maxLength: 4 })
  .map((parts) => {
    const boundary = 'fuzzboundary7MA4YWxkTrZu0gW';
    const body = parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.file ? '; filename="f.bin"\r\nContent-Type: application/octet-stream' : ''}\r\n\r\n${p.value}\r\n`).join('');
    return { payload: Buffer.from(`${body}--${boundary}--\r\n`, 'latin1'), contentType: `multipart/form-data; boundary=${boundary}` };
  });

function requestsFor(op: Operation, knownIds: readonly string[], shaped: boolean, principals: readonly FuzzRequest['as'][]): fc.Arbitrary<FuzzRequest> {
  const segment = (p: Operation['parameters'][number] | undefined) => fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...knownIds) },
    { weight: 2, arbitrary: junkSegment },
    { weight: shaped ? 3 : 0, arbitrary: fromSchema(p?.schema ?? { type: 'string' }).map((v) => encodeAny(String(v)) || 'x') },
  );
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const path = fc.tuple(...names.map((n) => segment(op.parameters.find((p) => p.in === 'path' && p.name === n))))
    .map((values) => names.reduce((url, n, i) => url.replace(`{${n}}`, values[i] as string), op.path));
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const shapedQuery = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, fromSchema(p.schema)])), { requiredKeys: [] }).map(queryString);
  const query = !shaped ? junkQuery : fc.oneof({ weight: 4, arbitrary: queryParams.length > 0 ? shapedQuery : fc.constant('') }, { weight: 1, arbitrary: junkQuery });
  const write = op.method !== 'GET';
  const bodies = !write
    ? fc.constant({ payload: undefined, contentType: undefined })
    : shaped && op.body
      ? fc.oneof({ weight: 5, arbitrary: fromSchema(op.body).map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' })) }, { weight: 1, arbitrary: junkBody })
      : op.multipart ? fc.oneof(junkBody, junkMultipart) : junkBody;
  return fc.record({ path, query, body: bodies, as: fc.constantFrom(...principals) }).map(({ path: p, query: q, body, as }) => ({
    method: op.method, url: q ? `${p}?${q}` : p, as, payload: body.payload, contentType: body.contentType,
  }));
}

test(`API fuzzing: every route answers generated input without a 5xx (FUZZ_SEED=${FUZZ_SEED})`, async (t) => {
  const backend = await makeBackend('sqlite', { rateLimitPerMinute: 1e9, apiKeyRateLimitPerMinute: 1e9, loginMaxFailures: 1e9 });
  const f = await apiFixture(backend);
  t.after(async () => {
    await f.close();
    await backend.cleanup();
  });
  // Every permission there is: a person with every role (session + CSRF token), and an API key with every key scope
  // (only keys ingest and appeal; only people review, investigate and configure).
  await f.haven.auth.createUser({ email: 'fuzz@test.local', name: 'fuzz', password: PASSWORD, roles: [...ROLES] }, 'test');
  const { key } = await f.haven.auth.createApiKey({ name: 'fuzz', scopes: [...API_KEY_SCOPES] }, 'test');
  let session = await f.login('fuzz');

  // Real ids, so some generated requests reach deep into handlers instead of stopping at "not found".
  const ingested = await f.app.inject({
    method: 'POST', url: '/v1/items', headers: { authorization: `Bearer ${key}` },
    payload: { externalId: 'fuzz-seed-1', surface: 'direct_message', text: 'want to keep this our secret?', author: { externalId: 'fuzz-a', ageBand: 'adult' }, recipients: [{ externalId: 'fuzz-b', ageBand: '13_15' }], media: [{ data: (await patternPng(2)).toString('base64') }] },
  });
  assert.equal(ingested.statusCode, 202, ingested.body);
  await f.drain();
  const itemId = ingested.json().itemId as string;
  const view = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: { authorization: `Bearer ${key}` } })).json();
  // Grows with every id a successful answer carries (a bank created, an escalation opened), for the routes after it.
  const knownIds = [itemId, ...JSON.stringify(view).match(ULID_IN_JSON)?.map((s) => s.slice(1, -1)) ?? []].slice(0, 12);

  const openapi = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const operations = operationsOf(openapi);
  assert.ok(operations.length > 100, `expected the whole API in /openapi.json, found ${operations.length} operations`);

  // Status codes seen per operation: evidence that generated input gets past validation into the handlers.
  const answers = new Map<string, Map<number, number>>();
  let current = '';
  const firstRefusal = new Map<string, string>();
  let shapedPhase = false;
  const send = async (r: FuzzRequest) => {
    const headers: Record<string, string> = r.as === 'key' ? { authorization: `Bearer ${key}` } : { cookie: session.cookie, 'x-csrf-token': session.csrf };
    if (r.contentType) headers['content-type'] = r.contentType;
    const res = await f.app.inject({ method: r.method, url: r.url, headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) });
    if (res.statusCode < 300 && knownIds.length < 60) {
      for (const id of res.body.match(ULID_IN_JSON) ?? []) if (!knownIds.includes(id.slice(1, -1))) knownIds.push(id.slice(1, -1));
    }
    const tally = answers.get(current) ?? new Map<number, number>();
    tally.set(res.statusCode, (tally.get(res.statusCode) ?? 0) + 1);
    answers.set(current, tally);
    if (process.env.FUZZ_VERBOSE && res.statusCode === 400 && shapedPhase && !firstRefusal.has(current)) firstRefusal.set(current, `${r.url.slice(0, 120)} ${String(r.payload).slice(0, 200)} => ${res.body.slice(0, 300)}`);
    const where = `${r.method} ${r.url.slice(0, 300)} as ${r.as} (body ${String(r.payload).slice(0, 300)})`;
    assert.ok(res.statusCode < 500, `${where} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
    if (res.statusCode >= 400) {
      const body = res.json() as { error?: { code?: unknown; message?: unknown } };
      assert.equal(typeof body.error?.code, 'string', `${where}: 4xx without error.code: ${res.body.slice(0, 300)}`);
      assert.equal(typeof body.error?.message, 'string', `${where}: 4xx without error.message: ${res.body.slice(0, 300)}`);
    }
  };

  const sessionPermissions = permissionsOf([...ROLES]);
  // Whoever can pass the route's access check; a route for neither (none today) is still fuzzed, as both.
  const principalsFor = (op: Operation): FuzzRequest['as'][] => {
    const can = (held: ReadonlySet<string>) => op.permissions.length === 0 || op.permissions.some((p) => p === 'authenticated' || held.has(p));
    const who = [...(can(sessionPermissions) ? ['session' as const] : []), ...(can(new Set(API_KEY_SCOPES)) ? ['key' as const] : [])];
    return who.length > 0 ? who : ['session', 'key'];
  };
  for (const op of operations) {
    await t.test(`${op.method} ${op.path}`, async () => {
      current = `${op.method} ${op.path}`;
      shapedPhase = false;
      await checkProperty(`${op.method} ${op.path} (junk)`, fc.asyncProperty(requestsFor(op, knownIds, false, principalsFor(op)), send), JUNK_RUNS);
      shapedPhase = true;
      await checkProperty(`${op.method} ${op.path} (schema-shaped)`, fc.asyncProperty(requestsFor(op, knownIds, true, principalsFor(op)), send), SHAPED_RUNS);
      // Logging out (or anything else that ends the session) must not starve the routes after it of a principal.
      session = await f.login('fuzz');
    });
  }
  const succeeded = [...answers].filter(([, tally]) => [...tally.keys()].some((s) => s < 300)).map(([op]) => op);
  if (process.env.FUZZ_VERBOSE) for (const [op, tally] of answers) t.diagnostic(`${op}: ${JSON.stringify(Object.fromEntries(tally))} ${firstRefusal.get(op) ?? ''}`);
  t.diagnostic(`${succeeded.length} of ${operations.length} operations answered a generated request with a success`);
  // The schema-shaped inputs are meant to reach handlers: if hardly any route ever succeeds, the fuzzing has
  // stopped at the door (authentication, CSRF, a schema the mapper misreads) and proves little.
  assert.ok(succeeded.length >= operations.length / 4, `only ${succeeded.length} of ${operations.length} operations ever succeeded: ${succeeded.join(', ')}`);
});
