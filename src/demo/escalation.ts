import type { Haven } from '../app.js';
import { CaseWork } from '../investigations/case-work.js';
import { escalationIntakeSchema } from '../investigations/escalations.js';
import { EscalationService } from '../investigations/service.js';

const OPENED_KEY = 'demo_escalation';
const ACTOR = 'user:investigator@haven.local';

/**
 * The demo's open escalation: a notice that a known image was re-posted. The re-post is the demo's cropped copy
 * (post_pdq_crop), whose hash landed just outside the match radius. Opened once the pipeline has processed the
 * world, with Haven's root-cause suggestions recorded, so an investigator can take it from there.
 */
export async function openDemoEscalation(haven: Haven): Promise<string | null> {
  const done = await haven.store.db.selectFrom('settings').select('value').where('key', '=', OPENED_KEY).executeTakeFirst();
  if (done) return null;
  const item = await haven.store.db.selectFrom('items').select('id').where('external_id', '=', 'post_pdq_crop').executeTakeFirst();
  if (!item) return null;
  const escalations = new EscalationService(haven.store, haven.clock);
  const opened = await escalations.open(escalationIntakeSchema.parse({
    title: 'Known image re-posted with a crop',
    summary: 'A hash-sharing partner reports that a listed image was re-posted on a public surface and stayed up. (Synthetic demo case.)',
    source: 'ncmec', priority: 'P1', owner: ACTOR, entities: { items: [{ id: item.id }] },
  }), ACTOR);
  await new CaseWork(escalations).suggest(opened.escalation.id, ACTOR, { expectedCategory: 'CSE-01' });
  await haven.store.db
    .insertInto('settings')
    .values({ key: OPENED_KEY, value: JSON.stringify({ escalationId: opened.escalation.id }) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return opened.escalation.id;
}
