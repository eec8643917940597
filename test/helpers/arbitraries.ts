// fast-check arbitraries for fuzzing: junk of every kind, and values shaped by a JSON Schema (as the API's OpenAPI
// document describes its inputs), mostly valid with a share of near-misses so both validation and handlers are hit.
import fc from 'fast-check';

/** The seed every property test uses: fixed by default so a run is repeatable, overridable with FUZZ_SEED. */
export const FUZZ_SEED = (() => {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return 20261125;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`FUZZ_SEED must be an integer, not ${raw}`);
  return n;
})();

/** Runs a fast-check property with the suite's seed; a failure names the seed to reproduce it with. */
export async function checkProperty<T>(name: string, property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>, numRuns: number): Promise<void> {
  try {
    await fc.assert(property as fc.IAsyncProperty<T>, { seed: FUZZ_SEED, numRuns, endOnFailure: true });
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? `\n${((e as Error).cause as Error).message}` : '';
    throw new Error(`${name} failed with FUZZ_SEED=${FUZZ_SEED} (re-run with that seed to reproduce)\n${(e as Error).message}${cause}`);
  }
}

/** Text that trips up normalisers and parsers: controls, bidi marks, combining marks, surrogate halves, huge numbers. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // includes lone surrogates
  fc.constantFrom(
    '', ' ', '\u0000', '\u202e\u2066abc\u2069', '\u0301'.repeat(500), 'ｆｕｌｌｗｉｄｔｈ', '\ud800', '\udfff', '%00', '../../etc/passwd',
    '__proto__', 'constructor', 'toString', '1e309', '-0', 'NaN', 'Infinity', '9007199254740993', '0x10', 'null', 'true', '[]', '{}',
    "' OR 1=1 --", '"; DROP TABLE items; --', '<script>', '\r\n\r\n', '\t', '😀'.repeat(100), 'a'.repeat(5000),
  ),
);

const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e308),
);

/** Any JSON value, including deep and wide ones, with nasty strings and numbers at the leaves. */
export const junkJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      nastyString, nastyNumber, fc.boolean(), fc.constant(null),
      fc.array(tie('v'), { maxLength: 5 }),
      fc.dictionary(nastyString, tie('v'), { maxKeys: 5 }),
    ),
  })).v,
  fc.integer({ min: 50, max: 3000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
);

/** A request body as bytes on the wire: JSON, broken JSON, or something that is not JSON at all, with a content type. */
export const junkBody: fc.Arbitrary<{ payload: string | Buffer; contentType: string | undefined }> = fc.oneof(
  junkJson.map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
  nastyString.map((s) => ({ payload: s, contentType: 'application/json' })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ payload: Buffer.from(b), contentType: 'application/json' })),
  fc.constantFrom('{', '{"a":', '[1,2', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '"\\ud800"', '1e999999')
    .map((s) => ({ payload: s, contentType: 'application/json' })),
  fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'image/png', 'application/json; charset=utf-16', 'multipart/form-data'), nastyString)
    .map(([contentType, s]) => ({ payload: s, contentType })),
  fc.constant({ payload: '', contentType: undefined }),
);

/** Percent-encodes any string; lone surrogates (which encodeURIComponent refuses) become U+FFFD first. */
export function encodeAny(s: string): string {
  return encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
}

/** A query string of arbitrary keys and values, repeated keys included. */
export const junkQuery: fc.Arbitrary<string> = fc
  .array(fc.tuple(nastyString, nastyString), { maxLength: 6 })
  .chain((pairs) => fc.constantFrom('encoded', 'raw').map((how) => pairs
    .map(([k, v]) => (how === 'encoded' ? `${encodeAny(k)}=${encodeAny(v)}` : `${k.replace(/[#\s]/g, '')}=${v.replace(/[#\s]/g, '')}`))
    .join('&')));

/** A path segment: arbitrary text, percent-encoded so it stays one segment. */
export const junkSegment: fc.Arbitrary<string> = fc.oneof(
  nastyString.filter((s) => s.length > 0).map(encodeAny),
  fc.constantFrom('%', '%zz', '%c0%ae', '..', '%2e%2e', 'a'.repeat(300), '%00', '01JABCDEFGHJKMNPQRSTVWXYZ0'),
);

// ---- JSON Schema → arbitrary ----

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

const MAX_SCHEMA_DEPTH = 6;

/** Strings near the schema's bounds: empty, exactly at the limits, one over, huge, unicode, by format. */
function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 64, 2_000_000);
  const byFormat: Record<string, fc.Arbitrary<string>> = {
    email: fc.oneof(fc.emailAddress(), fc.constant('fuzz@test.local')),
    'date-time': fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constant('2026-13-45T99:99:99Z')),
    date: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    uri: fc.webUrl(),
    url: fc.webUrl(),
    uuid: fc.uuid(),
    base64: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
  };
  const valid = s.pattern ? patterned(s.pattern, max) ?? fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, min + 40) })
    : fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, min + 40) });
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 12, arbitrary: s.format && byFormat[s.format] ? (byFormat[s.format] as fc.Arbitrary<string>) : valid },
    { weight: s.pattern?.startsWith('^C') ? 12 : 0, arbitrary: fc.constantFrom('CSE-01', 'CSE-05') }, // category ids
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, min + 20) }) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(Math.max(min, 1))) },
    { weight: 1, arbitrary: fc.constant('y'.repeat(Math.min(max + 1, 200_000))) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: nastyString },
  ];
  return fc.oneof(...options);
}

/** Strings matching the schema's pattern (cut to its maximum length), or null when fast-check cannot read the pattern. */
function patterned(pattern: string, max: number): fc.Arbitrary<string> | null {
  try {
    return fc.stringMatching(new RegExp(pattern)).map((v) => v.slice(0, max));
  } catch {
    return null;
  }
}

function numberFor(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? s.exclusiveMinimum ?? -1e6;
  const hi = s.maximum ?? s.exclusiveMaximum ?? 1e6;
  const inRange = integer
    ? fc.integer({ min: Math.ceil(Math.max(lo, Number.MIN_SAFE_INTEGER)), max: Math.floor(Math.min(hi, Number.MAX_SAFE_INTEGER)) })
    : fc.double({ min: lo, max: hi, noNaN: true });
  return fc.oneof({ weight: 8, arbitrary: inRange }, { weight: 1, arbitrary: nastyNumber }, { weight: 1, arbitrary: fc.constantFrom(lo - 1, hi + 1, lo, hi) });
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (m?.[2] && root.$defs?.[m[2]]) return root.$defs[m[2]] as JsonSchema;
  if (ref === '#') return root;
  return {};
}

/** A value shaped by `schema`: usually valid, sometimes off by one bound, a missing field or a wrong type. */
export function fromSchema(schema: JsonSchema, root: JsonSchema = schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_SCHEMA_DEPTH) return fc.constant(null);
  if (schema.$ref) return fromSchema(resolveRef(root, schema.$ref), root, depth + 1);
  const shaped = shapedBySchema(schema, root, depth);
  // One value in thirty is junk of any kind: a wrong type where the handler expects the right one.
  return fc.oneof({ weight: 29, arbitrary: shaped }, { weight: 1, arbitrary: fc.oneof(nastyString, nastyNumber, fc.constant(null), fc.boolean()) });
}

function shapedBySchema(schema: JsonSchema, root: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((a) => fromSchema(a, root, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) return fromSchema(schema.allOf[0] as JsonSchema, root, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? objectFor(schema, root, depth) : junkJson;
  return fc.oneof(...types.map((t) => {
    switch (t) {
      case 'string': return stringFor(schema);
      case 'integer': return numberFor(schema, true);
      case 'number': return numberFor(schema, false);
      case 'boolean': return fc.boolean();
      case 'null': return fc.constant(null);
      case 'array': return arrayFor(schema, root, depth);
      case 'object': return objectFor(schema, root, depth);
      default: return junkJson;
    }
  }));
}

function arrayFor(schema: JsonSchema, root: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const item = schema.items ? fromSchema(schema.items, root, depth + 1) : junkJson;
  const min = schema.minItems ?? 0;
  const max = Math.min(schema.maxItems ?? 5, min + 5);
  const tuple = schema.prefixItems ? fc.tuple(...schema.prefixItems.map((p) => fromSchema(p, root, depth + 1))) : null;
  return fc.oneof(
    { weight: 8, arbitrary: tuple ?? fc.array(item, { minLength: min, maxLength: max }) },
    { weight: 1, arbitrary: fc.constant([]) },
    // One more than allowed, when the schema sets a small maximum.
    { weight: 1, arbitrary: schema.maxItems !== undefined && schema.maxItems < 200 ? fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 1 }) : fc.array(item, { maxLength: 2 }) },
  );
}

function objectFor(schema: JsonSchema, root: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const known: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) known[k] = fromSchema(v, root, depth + 1);
  const valid = fc.record(known, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
  const extra = typeof schema.additionalProperties === 'object'
    ? fc.dictionary(schema.propertyNames ? (stringFor(schema.propertyNames) as fc.Arbitrary<string>) : nastyString, fromSchema(schema.additionalProperties, root, depth + 1), { maxKeys: 4 })
    : fc.dictionary(nastyString, junkJson, { maxKeys: 2 });
  return fc.oneof(
    { weight: 12, arbitrary: valid },
    // Every field optional: required ones go missing.
    { weight: 1, arbitrary: fc.record(known, { requiredKeys: [] }) },
    // Unknown fields alongside the known ones (strict objects must refuse them; open maps take them).
    { weight: 1, arbitrary: fc.tuple(valid, extra).map(([v, e]) => ({ ...e, ...(v as object) })) },
  );
}
