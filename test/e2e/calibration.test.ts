// End-to-end check of the leads' tools in a real browser (Debian chromium driven by playwright-core): a senior
// reviewer (a lead) opens a cluster of alike tasks and decides it in one go; then a calibration session round trip:
// the lead starts it on two demo items, a reviewer answers blind, the lead sets the key and closes, results show.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fromJson } from '../../src/store/db.js';
import { browserSkipReason, ensureWebBuild, launchChromium, logIn, newPersonPage, saveScreenshot } from '../helpers/browser.js';
import { startHaven } from '../helpers/haven.js';

const SENIOR = 'senior@haven.local';
const REVIEWER = 'reviewer@haven.local';
const CATEGORY = 'CSE-01';
const skip = browserSkipReason();

if (skip) test('leads: clusters and calibration (browser end-to-end)', { skip }, () => {});
else
  describe('leads in the browser: clusters and calibration', () => {
    let haven: Awaited<ReturnType<typeof startHaven>>;
    let browser: Browser;
    let senior: Page;
    let reviewer: Page;
    let sessionUrl = '';
    /** [an item with a stored image, a text item] */
    let itemIds: [string, string];

    before(async () => {
      await ensureWebBuild();
      haven = await startHaven({ demo: true });
      browser = await launchChromium();
      senior = await newPersonPage(browser);
      reviewer = await newPersonPage(browser);
      const db = haven.haven.store.db;
      const image = await db.selectFrom('media').select('item_id').where('stored', '=', 1).where('mime', 'like', 'image/%').orderBy('item_id').executeTakeFirstOrThrow();
      const text = await db
        .selectFrom('items')
        .select('id')
        .where('kind', '=', 'text')
        .where('text', 'is not', null)
        .where('id', 'not in', db.selectFrom('media').select('item_id'))
        .orderBy('id')
        .executeTakeFirstOrThrow();
      itemIds = [image.item_id, text.id];
    });

    after(async () => {
      await browser?.close();
      await haven?.close();
    });

    test('a lead opens a cluster and decides all of its tasks at once', async () => {
      await logIn(senior, haven.url, SENIOR, haven.password);
      await senior.click('nav.sidenav a:has-text("Review")');
      await senior.waitForURL(/\/review$/);
      const row = senior.locator('[data-testid=cluster-table] tr[data-cluster-key]').first();
      await row.waitFor();
      const clusterKey = (await row.getAttribute('data-cluster-key')) as string;
      const db = haven.haven.store.db;
      const openTasks = () => db.selectFrom('review_tasks').select(['id', 'kind', 'claimed_by']).where('cluster_key', '=', clusterKey).where('status', '=', 'open').execute();
      const before = await openTasks();
      assert.ok(before.length > 1, 'the demo holds a cluster of at least two open tasks');
      assert.equal(Number(await row.locator('[data-testid=cluster-size]').textContent()), before.length);
      // What a bulk decision covers: open review/escalation tasks nobody else holds.
      const decidable = before.filter((t) => (t.kind === 'review' || t.kind === 'escalation') && t.claimed_by === null);

      await row.locator('[data-testid=open-cluster]').click();
      await senior.locator('[data-testid=cluster-tasks]').waitFor();
      assert.equal(await senior.locator('[data-testid=cluster-tasks] tbody tr').count(), before.length);
      await senior.click('[data-testid=bulk-verdict-violating]');
      // The cluster's tasks share a category, so the form offers it.
      assert.match(await senior.locator('[data-testid=bulk-category]').inputValue(), /^CSE-\d+$/);
      await senior.fill('textarea[name=bulk-note]', 'same content, decided together');
      await senior.click('[data-testid=bulk-submit]');
      const confirm = senior.locator('[data-testid=bulk-confirm]');
      await confirm.waitFor();
      assert.equal(await senior.locator('[data-testid=bulk-confirm-count]').textContent(), String(decidable.length));
      assert.deepEqual(await openTasks(), before, 'nothing is decided before the confirmation');
      await saveScreenshot(senior, 'review-cluster');
      await senior.click('[data-testid=bulk-confirm-yes]');

      const result = senior.locator('[data-testid=bulk-result]');
      await result.waitFor();
      assert.equal(await result.getAttribute('data-decided'), String(decidable.length));
      assert.equal(await result.getAttribute('data-skipped'), '0');
      const bulkId = (await result.getAttribute('data-bulk-id')) as string;
      // Recorded task by task: one review_decided event per task, each carrying the bulk id.
      const events = await db.selectFrom('events').select(['payload']).where('type', '=', 'review_decided').execute();
      const ofBulk = events.map((e) => fromJson<{ taskId: string; bulkId?: string | null }>(e.payload as string)).filter((p) => p.bulkId === bulkId);
      assert.deepEqual(ofBulk.map((p) => p.taskId).sort(), decidable.map((t) => t.id).sort());
      assert.deepEqual(
        (await openTasks()).filter((t) => t.kind === 'review' || t.kind === 'escalation'),
        [],
        'no review task of the cluster is left open',
      );
      await saveScreenshot(senior, 'review-bulk');
    });

    test('the lead starts a calibration session on two items, with blurred previews only', async () => {
      await senior.click('nav.sidenav a:has-text("Calibration")');
      await senior.waitForURL(/\/calibration$/);
      await senior.click('[data-testid=new-session]');
      await senior.fill('input[name=session-name]', 'e2e week');
      await senior.fill('textarea[name=item-ids]', itemIds.join('\n'));
      await senior.click('[data-testid=create-session-submit]');
      await senior.waitForURL(/\/calibration\/[^/]+$/);
      sessionUrl = senior.url();
      await senior.locator('[data-testid=calibration-item]').nth(1).waitFor();
      assert.equal(await senior.locator('[data-testid=calibration-item]').count(), 2);
      const preview = senior.locator('img[data-testid=calibration-preview]').first();
      await preview.waitFor();
      assert.match((await preview.getAttribute('src')) ?? '', /^\/v1\/media\/[^/]+\/preview$/);
      assert.match(await preview.evaluate((el) => getComputedStyle(el).filter), /blur\(/);

      // The senior answers too (a lead with review:decide), before anyone else.
      await answer(senior, 1, 'violating');
      await answer(senior, 2, 'not_violating');
    });

    test('a reviewer answers blind: no results, none of the other answers', async () => {
      await logIn(reviewer, haven.url, REVIEWER, haven.password);
      await reviewer.click('nav.sidenav a:has-text("Calibration")');
      await reviewer.locator('[data-testid=sessions-table] a:has-text("e2e week")').click();
      await reviewer.waitForURL(sessionUrl);
      await reviewer.locator('[data-testid=blind-note]').waitFor();
      assert.equal(await reviewer.locator('[data-testid=results]').count(), 0);
      assert.equal(await reviewer.locator('[data-testid=lead-actions]').count(), 0, 'a reviewer has no lead controls');
      assert.deepEqual(await reviewer.locator('[data-testid=answer-state]').allTextContents(), ['not answered', 'not answered']);
      const id = new URL(sessionUrl).pathname.split('/').pop() as string;
      const seen = (await (await reviewer.request.get(`${haven.url}/v1/calibration/sessions/${id}`)).json()) as { results: unknown; myAnswers: unknown[] };
      assert.equal(seen.results, null);
      assert.deepEqual(seen.myAnswers, []);

      await answer(reviewer, 1, 'violating');
      await answer(reviewer, 2, 'violating');
    });

    test('the lead sets the key and closes; the results show agreement and kappa', async () => {
      await senior.reload();
      await keyFor(senior, 1, 'violating');
      await keyFor(senior, 2, 'not_violating');
      await senior.click('[data-testid=save-answer-key]');
      await senior.locator('text=Answer key saved for 2 of 2 items.').waitFor();
      await senior.click('[data-testid=close-session]');
      await senior.click('[data-testid=close-session-yes]');
      await senior.locator('[data-testid=session-status][data-status=closed]').waitFor();

      // Item 1: both violating; item 2: one each way. Pairwise: 1 of 2 pairs agree. Fleiss: P̄ = (1 + 0) / 2 = 0.5,
      // p(violating) = 3/4, P_e = 9/16 + 1/16 = 0.625, kappa = (0.5 - 0.625) / 0.375 = -1/3.
      assert.equal(Number(await senior.locator('[data-testid=pairwise-verdict]').getAttribute('data-value')), 0.5);
      const kappa = Number(await senior.locator('[data-testid=kappa-verdict]').getAttribute('data-value'));
      assert.ok(Math.abs(kappa - -1 / 3) < 1e-9, `kappa ${kappa}`);
      assert.match((await senior.locator('[data-testid=kappa-verdict]').textContent()) ?? '', /-0\.33/);
      const accuracy = async (page: Page, who: string) =>
        Number(await page.locator(`[data-testid=reviewer-accuracy] tr[data-reviewer="user:${who}"] [data-testid=verdict-accuracy]`).getAttribute('data-value'));
      assert.equal(await accuracy(senior, SENIOR), 1);
      assert.equal(await accuracy(senior, REVIEWER), 0.5);
      assert.equal(await senior.locator('[data-testid=most-disagreement] tbody tr').count(), 1);
      assert.equal(await senior.locator('[data-testid=most-disagreement] tbody tr').getAttribute('data-item-id'), itemIds[1]);
      await saveScreenshot(senior, 'calibration');

      // After close the reviewer sees the results, but only their own accuracy row.
      await reviewer.reload();
      await reviewer.locator('[data-testid=results]').waitFor();
      assert.equal(await reviewer.locator('[data-testid=reviewer-accuracy] tbody tr').count(), 1);
      assert.equal(await accuracy(reviewer, REVIEWER), 0.5);
      assert.match((await reviewer.locator('[data-testid=my-answer]').nth(1).textContent()) ?? '', /differs from the key/);
    });

    /** Picks a label in item `n`'s answer picker and saves it. */
    async function answer(page: Page, n: number, verdict: 'violating' | 'not_violating') {
      await page.check(`input[name=answer-${n}-verdict][value=${verdict}]`);
      if (verdict === 'violating') await page.selectOption(`select[name=answer-${n}-category]`, CATEGORY);
      const card = page.locator('[data-testid=calibration-item]').nth(n - 1);
      await card.locator('[data-testid=save-answer]').click();
      await card.locator('[data-testid=answer-state]:has-text("saved:")').waitFor();
    }

    async function keyFor(page: Page, n: number, verdict: 'violating' | 'not_violating') {
      await page.check(`input[name=key-${n}-verdict][value=${verdict}]`);
      if (verdict === 'violating') await page.selectOption(`select[name=key-${n}-category]`, CATEGORY);
    }
  });
