import type { Haven } from '../app.js';
import { AppealService } from '../enforcement/appeals/service.js';
import { SYSTEM_QUEUES } from '../review/config.js';
import { type Reviewer, ReviewService } from '../review/service.js';
import { getItems } from '../store/repos/items.js';
import { findUserByEmail } from '../store/repos/people.js';

const PLAYED_KEY = 'demo_review_history';
/** How many grooming-queue tasks the demo reviewer decides: about half, so the bench still has work. */
const DEMO_DECISIONS = 30;
/** Every n-th demo decision is deliberately wrong, so QA and the accuracy figure have something to find. */
const WRONG_EVERY = 7;

/**
 * A short scripted review shift for the demo, so the operations dashboard has figures on first start: the demo
 * reviewer decides part of the grooming queue from the items' ground-truth labels (with a few deliberate
 * mistakes), and the senior reviewer works the QA checks that sampling opened. Runs once, after the pipeline has
 * processed the demo world.
 */
export async function playDemoReviewHistory(haven: Haven): Promise<{ decided: number; qaChecks: number } | null> {
  const played = await haven.store.db.selectFrom('settings').select('value').where('key', '=', PLAYED_KEY).executeTakeFirst();
  if (played) return null;
  const reviewerUser = (await findUserByEmail(haven.store.db, 'reviewer@haven.local'))?.user;
  const seniorUser = (await findUserByEmail(haven.store.db, 'senior@haven.local'))?.user;
  if (!reviewerUser || !seniorUser) return null;
  const reviewer: Reviewer = { label: `user:${reviewerUser.email}`, userId: reviewerUser.id, roles: reviewerUser.roles };
  const senior: Reviewer = { label: `user:${seniorUser.email}`, userId: seniorUser.id, roles: seniorUser.roles };
  const service = new ReviewService(haven.store, haven.clock, new AppealService(haven.store, haven.clock), haven.keys);

  let decided = 0;
  while (decided < DEMO_DECISIONS) {
    const { task } = await service.claim(reviewer, { queues: ['grooming'] });
    if (!task) break;
    const truth = await groundTruth(haven, task.itemId);
    const right = decided % WRONG_EVERY !== WRONG_EVERY - 1;
    const violating = truth !== null ? right : !right;
    await service.decide(task.taskId, reviewer, violating
      ? { verdict: 'violating', category: truth ?? task.category ?? 'CSE-13', note: 'demo shift' }
      : { verdict: 'not_violating', note: 'demo shift' });
    decided++;
  }

  let qaChecks = 0;
  for (;;) {
    const { task } = await service.claim(senior, { queues: [SYSTEM_QUEUES.qa] });
    if (!task) break;
    const truth = await groundTruth(haven, task.itemId);
    await service.decide(task.taskId, senior, truth ? { verdict: 'violating', category: truth } : { verdict: 'not_violating' });
    qaChecks++;
  }
  await haven.store.db
    .insertInto('settings')
    .values({ key: PLAYED_KEY, value: JSON.stringify({ decided, qaChecks, at: haven.clock.now() }) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return { decided, qaChecks };
}

/** The demo's own label for an item (a synthetic world knows its truth): its first category, or null when benign. */
async function groundTruth(haven: Haven, itemId: string): Promise<string | null> {
  const [item] = await getItems(haven.store.db, [itemId]);
  const labels = item?.metadata.labels;
  return Array.isArray(labels) && typeof labels[0] === 'string' ? labels[0] : null;
}
