// The demo's escalation: opened on the cropped re-post once the world is processed, with Haven's suggestions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDemoEscalation } from '../../src/demo/escalation.js';
import { startHaven } from '../helpers/haven.js';

test('the demo escalation is opened on the evasive re-post, with evasion by perturbation suggested; once', async (t) => {
  const h = await startHaven({ demo: true });
  t.after(() => h.close());
  const crop = await h.haven.store.db.selectFrom('items').innerJoin('decisions', 'decisions.item_id', 'items.id')
    .select(['items.id', 'decisions.verdict']).where('items.external_id', '=', 'post_pdq_crop').executeTakeFirstOrThrow();
  assert.equal(crop.verdict, 'no_violation', 'the crop slipped past the match radius');
  const id = await openDemoEscalation(h.haven);
  assert.ok(id);
  assert.equal(await openDemoEscalation(h.haven), null, 'opened once');
  const causes = await h.haven.store.db.selectFrom('root_causes').select(['cause', 'status']).where('escalation_id', '=', id).execute();
  assert.deepEqual(causes.map((c) => c.cause).slice(0, 1), ['evasion_perturbation']);
  assert.ok(causes.every((c) => c.status === 'suggested'));
  const entities = await h.haven.store.db.selectFrom('escalation_entities').select('entity_id').where('escalation_id', '=', id).execute();
  assert.deepEqual(entities.map((e) => e.entity_id), [crop.id]);
});
