// Every configuration document kind (PUT /v1/taxonomy, /v1/policy, ...) is validated by a schema before it is
// deployed: arbitrary and schema-shaped documents are accepted or refused with a ZodError naming a path, and an
// accepted document is accepted again, unchanged, after the trip through JSON that storing it makes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { CONFIG_SCHEMAS } from '../../src/configuration/service.js';
import { checkProperty, fromSchema, type JsonSchema, junkJson } from '../helpers/arbitraries.js';

for (const [kind, schema] of Object.entries(CONFIG_SCHEMAS)) {
  test(`config kind ${kind}: any document is accepted (and round-trips) or refused with a ZodError`, async () => {
    let shape: JsonSchema = {};
    try {
      shape = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch {
      // Some schemas cannot be described in JSON Schema; junk alone then.
    }
    const check = (doc: unknown) => {
      const r = schema.safeParse(doc);
      if (r.success) {
        const again = schema.safeParse(JSON.parse(JSON.stringify(r.data)));
        assert.ok(again.success, `${kind}: accepted once, refused after a JSON round trip: ${again.error?.message}`);
        // Compared as JSON: the store keeps JSON, where -0 and 0 are one number.
        assert.equal(JSON.stringify(again.data), JSON.stringify(r.data));
      } else {
        assert.ok(r.error.issues.length > 0 && r.error.issues.every((i) => i.message.length > 0));
      }
      // parse() (what ConfigService.deploy calls) throws only a ZodError.
      try {
        schema.parse(doc);
      } catch (e) {
        assert.ok(e instanceof z.ZodError, `${kind}: parse threw ${String(e)}`);
      }
    };
    await checkProperty(`${kind}: junk`, fc.property(junkJson, check), 100);
    await checkProperty(`${kind}: schema-shaped`, fc.property(fromSchema(shape), check), 150);
  });
}
