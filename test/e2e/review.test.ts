// End-to-end check of review operations in a real browser (Debian chromium driven by playwright-core): an ops
// manager sets a reviewer's exposure limit and watches the dashboard; a senior reviewer claims an S0 media item,
// sees it protected, reveals it (audited), decides with the keyboard and is told a second reviewer must agree.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fromJson } from '../../src/store/db.js';
import { browserSkipReason, ensureWebBuild, launchChromium, logIn as logInAs, newPersonPage, saveScreenshot } from '../helpers/browser.js';
import { startHaven } from '../helpers/haven.js';

const SENIOR = 'senior@haven.local';
const MANAGER = 'manager@haven.local';
const skip = browserSkipReason();

const revealOf = (url: string) => new URL(url).searchParams.get('reveal');

if (skip) test('review operations (browser end-to-end)', { skip }, () => {});
else
  describe('review operations in the browser', () => {
    let haven: Awaited<ReturnType<typeof startHaven>>;
    let browser: Browser;
    let senior: Page;
    let manager: Page;
    /** Every review media URL the senior's browser asked for, in order. */
    const mediaRequests: string[] = [];

    const logIn = (page: Page, email: string) => logInAs(page, haven.url, email, haven.password);

    const auditedReveals = () =>
      haven.haven.store.db
        .selectFrom('audit_log')
        .select(['actor', 'action', 'target_id', 'details'])
        .where('action', '=', 'media.reveal')
        .where('actor', '=', `user:${SENIOR}`)
        .execute();

    before(async () => {
      await ensureWebBuild();
      haven = await startHaven({ demo: true });
      browser = await launchChromium();
      // Two browser contexts: two people, two sessions.
      senior = await newPersonPage(browser);
      manager = await newPersonPage(browser);
      senior.on('request', (r) => {
        if (r.url().includes('/v1/review/media/')) mediaRequests.push(r.url());
      });
    });

    after(async () => {
      await browser?.close();
      await haven?.close();
    });

    test('the ops manager sees the dashboard before any review decision, and the nav fits the role', async () => {
      await logIn(manager, MANAGER);
      const nav = (await manager.locator('nav.sidenav').textContent()) ?? '';
      assert.match(nav, /Operations/);
      assert.match(nav, /Review settings/);
      assert.doesNotMatch(nav.replace('Review settings', ''), /Review/, 'an ops manager does not decide reviews');
      await manager.click('nav.sidenav a:has-text("Operations")');
      await manager.waitForURL(/\/ops$/);
      const throughput = manager.locator('[data-testid=figure-throughput_per_reviewer_hour]');
      await throughput.waitFor();
      assert.equal(await throughput.getAttribute('data-value'), '', 'no decisions yet: no throughput figure');
      assert.equal(await manager.locator('[data-testid=ops-decisions]').textContent(), '0 decisions');
      // Open demo work in the urgent queue shows in the queue table; breaches carry data-breached.
      assert.match((await manager.locator('[data-testid=ops-queues]').textContent()) ?? '', /urgent/);
      const breached = await manager.locator('[data-testid^=figure-][data-breached=true]').count();
      const summary = (await manager.locator('[data-testid=breach-summary]').textContent()) ?? '';
      assert.equal(summary.startsWith(`${breached} figure`), breached > 0, summary);
      await manager.locator('[data-testid=trend-chart] svg').waitFor();
      await manager.locator('[data-testid=exposure-table]').waitFor();
    });

    test('review settings: invalid configuration is refused with the server error; a reviewer limit is saved', async () => {
      await manager.click('nav.sidenav a:has-text("Review settings")');
      await manager.waitForURL(/\/review\/settings$/);
      const general = manager.locator('[data-testid=queue-editor-general]');
      await general.locator('button:has-text("Edit")').click();
      await general.locator('input[name=queue-id]').fill('Not A Valid Id');
      await manager.fill('[data-testid=review-settings] input[name=reason]', 'try an invalid id');
      await manager.click('[data-testid=save-review-settings]');
      const alert = manager.locator('[data-testid=review-settings] [role=alert]');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /queue id is lower-case/);
      assert.equal((await haven.haven.configs.latest('review'))?.version, 1, 'nothing was saved');
      await saveScreenshot(manager, 'review-settings');

      // The senior reviewer may see one high-severity media item today: the break prompt follows the claim.
      await manager.reload();
      const profile = manager.locator(`.profile:has-text("${SENIOR}")`);
      await profile.locator('label:has-text("Own exposure limits") input').check();
      await profile.locator('label:has-text("High-severity items per day") input').fill('1');
      await profile.locator('button:has-text("Save profile")').click();
      await profile.locator('text=Saved').waitFor();
    });

    test('a senior reviewer claims an S0 media item and sees it protected', async () => {
      await logIn(senior, SENIOR);
      await senior.click('nav.sidenav a:has-text("Review")');
      await senior.waitForURL(/\/review$/);
      assert.equal(await senior.locator('[data-testid=break-prompt]').count(), 0, 'no break prompt before any exposure');
      await senior.locator('[data-testid=queue-table]').waitFor();
      await senior.selectOption('[data-testid=claim-scope]', 'urgent');
      const firstRender = senior.waitForResponse((r) => r.url().includes('/v1/review/media/'));
      await senior.click('[data-testid=claim-next]');
      await senior.locator('[data-testid=task]').waitFor();
      assert.equal(await senior.locator('[data-testid=task-severity]').textContent(), 'S0');

      const response = await firstRender;
      assert.equal(revealOf(response.url()), '0');
      assert.equal(response.headers()['x-haven-reveal-step'], '0');
      assert.ok(Number(response.headers()['x-haven-blur-sigma']) > 0, 'the server blurred it');
      assert.equal(response.headers()['x-haven-grayscale'], 'true');
      const img = senior.locator('img[data-testid=review-media]');
      await img.waitFor();
      assert.match((await img.getAttribute('data-src')) ?? '', /reveal=0$/);
      assert.match(await img.evaluate((el) => getComputedStyle(el).filter), /blur\(/);
      assert.equal(await senior.locator('[data-testid=reveal-step]').textContent(), '0');
      assert.ok(mediaRequests.length > 0);
      assert.deepEqual(mediaRequests.map(revealOf).filter((step) => step !== '0'), [], 'nothing above step 0 was asked for');
      assert.deepEqual(await auditedReveals(), []);

      // The claim counted as high-severity exposure, which reached the reviewer's limit of one.
      assert.equal((await senior.locator('[data-testid=exposure-items]').textContent())?.replace(/\s/g, ''), '1/1');
      await senior.locator('[data-testid=break-prompt]').waitFor();
      assert.match((await senior.locator('[data-testid=shortcuts]').textContent()) ?? '', /Enter\s*submit the decision/);

      await saveScreenshot(senior, 'review');
    });

    test('revealing a step is the reviewer’s click, and the server audits it', async () => {
      const taskId = await senior.locator('[data-testid=task]').getAttribute('data-task-id');
      const stepOne = senior.waitForResponse((r) => r.url().includes('/v1/review/media/') && revealOf(r.url()) === '1');
      await senior.click('[data-testid=reveal]');
      assert.equal((await stepOne).status(), 200);
      await senior.locator('[data-testid=reveal-step]:has-text("1")').waitFor();
      await senior.locator('img[data-testid=review-media][data-src$="reveal=1"]').waitFor();
      const audited = await auditedReveals();
      assert.equal(audited.length, 1);
      const details = fromJson<{ taskId: string; step: number }>(audited[0]?.details as string);
      assert.equal(details.taskId, taskId);
      assert.equal(details.step, 1);
    });

    test('deciding with the keyboard: an S0 violation waits for a second reviewer', async () => {
      await senior.keyboard.press('v');
      assert.equal(await senior.locator('[data-testid=verdict-violating]').getAttribute('aria-pressed'), 'true');
      assert.equal(await senior.locator('[data-testid=decision-category]').inputValue(), 'CSE-01');
      await senior.keyboard.press('Enter');
      const banner = senior.locator('[data-testid=second-review-required]');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', /no action is taken until a second reviewer agrees/);
      assert.equal(await senior.locator('[data-testid=decision-result]').getAttribute('data-outcome'), 'pending_second');
      const rows = await haven.haven.store.db
        .selectFrom('review_decisions')
        .select(['verdict', 'category', 'outcome'])
        .where('reviewer', '=', `user:${SENIOR}`)
        .execute();
      assert.deepEqual(rows, [{ verdict: 'violating', category: 'CSE-01', outcome: 'pending_second' }]);
      // Back at the queues, ready for the next claim.
      await senior.locator('[data-testid=claim-next]').waitFor();
    });

    test('the dashboard figure changes after the decision', async () => {
      await manager.click('nav.sidenav a:has-text("Operations")');
      await manager.waitForURL(/\/ops$/);
      await manager.locator('[data-testid=ops-decisions]:has-text("1 decisions")').waitFor();
      const throughput = manager.locator('[data-testid=figure-throughput_per_reviewer_hour]');
      assert.equal(await throughput.getAttribute('data-value'), '1');
      assert.match((await throughput.textContent()) ?? '', /1\.0\/h/);
      assert.match((await manager.locator('[data-testid=throughput-by-reviewer]').textContent()) ?? '', new RegExp(SENIOR));
      const exposureRow = manager.locator(`[data-testid=exposure-table] tr[data-reviewer="user:${SENIOR}"]`);
      assert.match((await exposureRow.textContent()) ?? '', /limit reached/);
      await saveScreenshot(manager, 'ops');
    });
  });
