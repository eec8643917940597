// End-to-end check of investigations in a real browser (Debian chromium driven by playwright-core). The demo holds
// no PDQ near miss (its edited copies all match demo-perceptual), so the escalation is about the demo's unbanked
// image (post_pdq_unrelated) reported as known content: the trace names "no bank entry matched and none was near"
// as the first missed catch. An investigator opens the escalation, reads the trace, has Haven suggest root causes
// and confirms one, adds a Data Science fix and finds it on the board, exports the postmortem, proposes banking the
// item's hashes and backtests it; the policy user is told why they cannot approve a bank change, a bank curator (a
// second person) approves and deploys it. An analyst reads a trace with blurred previews only and is kept out of
// escalations with a clear message.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, ensureWebBuild, launchChromium, logIn, newPersonPage, saveScreenshot } from '../helpers/browser.js';
import { startHaven } from '../helpers/haven.js';

const INVESTIGATOR = 'investigator@haven.local';
const ANALYST = 'analyst@haven.local';
const POLICY = 'policy@haven.local';
const CURATOR = 'senior@haven.local';
const TITLE = 'Press report: known image re-posted';
const skip = browserSkipReason();

/** Every image on the page is a blurred preview: no original media URL is ever rendered. */
async function imageSources(page: Page): Promise<string[]> {
  return page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).getAttribute('src') ?? ''));
}

if (skip) test('investigations (browser end-to-end)', { skip }, () => {});
else
  describe('investigations in the browser', () => {
    let haven: Awaited<ReturnType<typeof startHaven>>;
    let browser: Browser;
    let investigator: Page;
    let itemId = '';
    let escalationUrl = '';
    let proposalUrl = '';

    before(async () => {
      await ensureWebBuild();
      haven = await startHaven({ demo: true });
      browser = await launchChromium();
      investigator = await newPersonPage(browser);
      const item = await haven.haven.store.db.selectFrom('items').select('id').where('external_id', '=', 'post_pdq_unrelated').executeTakeFirstOrThrow();
      itemId = item.id;
    });

    after(async () => {
      await browser?.close();
      await haven?.close();
    });

    test('an investigator opens an escalation and reads the trace with its first missed catch', async () => {
      const page = investigator;
      await logIn(page, haven.url, INVESTIGATOR, haven.password);
      await page.click('nav.sidenav a:has-text("Escalations")');
      await page.waitForURL(/\/escalations$/);
      await page.click('[data-testid=open-escalation]');
      const form = page.locator('[data-testid=open-escalation-form]');
      await form.locator('input[name=title]').fill(TITLE);
      await form.locator('select[name=source]').selectOption('press');
      await form.locator('select[name=priority]').selectOption('P1');
      await form.locator('textarea[name=items]').fill('post_pdq_unrelated');
      await page.click('[data-testid=open-escalation-submit]');
      await page.waitForURL(/\/escalations\/[0-9A-Z]{26}$/);
      escalationUrl = page.url();
      assert.equal(await page.locator('[data-testid=escalation-title]').textContent(), TITLE);
      assert.equal(await page.locator(`[data-testid=entities-table] tr[data-entity-id="${itemId}"]`).count(), 1);
      await page.click('[data-testid=status-investigating]');
      await page.fill('[data-testid=status-form] input[name=status-note]', 'tracing the report');
      await page.click('[data-testid=status-submit]');
      await page.locator('[data-testid=escalation-summary] [data-status=investigating]').waitFor();
      assert.equal(await page.locator('[data-testid=status-mitigated]').count(), 1, 'next: mitigate or resolve');

      await page.locator(`tr[data-entity-id="${itemId}"] [data-testid=entity-trace-link]`).click();
      await page.waitForURL(new RegExp(`/items/${itemId}/trace$`));
      await page.fill('input[name=expected]', 'CSE-01');
      await page.click('[data-testid=apply-expected]');
      await page.waitForURL(/expected=CSE-01/);
      const missed = page.locator('[data-testid=first-missed-catch][data-cause=hash_not_banked]');
      await missed.waitFor();
      assert.match((await missed.textContent()) ?? '', /First missed catch.*matched no bank entry and none was near/);
      const step = page.locator('[data-testid=trace-steps] li[data-missed=true]');
      assert.equal(await step.count(), 1, 'the missed step is highlighted in the timeline');
      assert.match((await step.textContent()) ?? '', /hashmatch/);
      assert.equal(await page.locator('[data-testid=trace-suggestions] > li[data-cause=hash_not_banked]').count(), 1);
      // A label on the author, from the trace, with a reason.
      const author = page.locator('[data-testid=entity-labels][data-entity-type=account]');
      await author.locator('select[name=label]').selectOption('watchlist');
      await author.locator('input[name=label-reason]').fill('posted the reported image');
      await author.locator('[data-testid=add-label]').click();
      await author.locator('li[data-label=watchlist]').waitFor();
      assert.match((await author.locator('li[data-label=watchlist]').textContent()) ?? '', /posted the reported image.*by user:investigator@haven\.local/);
      await saveScreenshot(page, 'investigations-trace');
    });

    test('Haven suggests root causes; the investigator confirms one and follows its evidence to the trace step', async () => {
      const page = investigator;
      await page.goto(escalationUrl);
      await page.fill('[data-testid=suggest-form] input[name=expected]', 'CSE-01');
      await page.click('[data-testid=suggest-causes]');
      const cause = page.locator('[data-testid=root-cause][data-cause=hash_not_banked]');
      await cause.waitFor();
      assert.equal(await cause.getAttribute('data-status'), 'suggested');
      await cause.locator('[data-testid=confirm-cause]').click();
      await page.locator('[data-testid=root-cause][data-cause=hash_not_banked][data-status=confirmed]').waitFor();

      await page.locator('[data-testid=root-cause][data-cause=hash_not_banked] [data-testid=evidence-link]').first().click();
      await page.waitForURL(new RegExp(`/items/${itemId}/trace\\?step=`));
      const focused = page.locator('[data-testid=trace-steps] li[data-focused=true]');
      await focused.waitFor();
      assert.equal(await focused.getAttribute('data-missed'), 'true', 'the evidence cites the step of the first missed catch');
    });

    test('a remediation item for Data Science shows on the cross-team board, overdue highlighted', async () => {
      const page = investigator;
      await page.goto(escalationUrl);
      const form = page.locator('[data-testid=remediation-form]');
      await form.locator('select[name=team]').selectOption('data_science');
      await form.locator('input[name=remediation-title]').fill('Add near-duplicate search to bank intake');
      await form.locator('input[name=remediation-owner]').fill('ds-oncall');
      await form.locator('input[name=remediation-due]').fill('2020-01-01T09:00');
      await page.click('[data-testid=add-remediation]');
      await page.locator('[data-testid=remediation-table] tr[data-team=data_science]').waitFor();

      await page.click('nav.sidenav a:has-text("Remediation board")');
      await page.waitForURL(/\/remediation$/);
      const card = page.locator('[data-testid=remediation-board] [data-team=data_science] [data-testid=board-item]');
      await card.waitFor();
      assert.equal(await card.count(), 1);
      assert.match((await card.textContent()) ?? '', /Add near-duplicate search to bank intake.*Press report/);
      assert.equal(await card.getAttribute('data-overdue'), 'true');
      await saveScreenshot(page, 'investigations-board');
    });

    test('the postmortem is previewed and downloaded as Markdown', async () => {
      const page = investigator;
      await page.goto(escalationUrl);
      await page.click('[data-testid=postmortem-generate]');
      const preview = page.locator('[data-testid=postmortem-preview]');
      await preview.waitFor();
      const text = (await preview.textContent()) ?? '';
      assert.match(text, new RegExp(TITLE));
      assert.match(text, /Hash not banked/i);
      await saveScreenshot(page, 'investigations-escalation');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=postmortem-download]')]);
      assert.match(download.suggestedFilename(), /^escalation-[0-9A-Z]{26}\.md$/);
      const saved = await readFile((await download.path()) as string, 'utf8');
      assert.equal(saved, text);
    });

    test("the investigator proposes banking the item's hashes and backtests it", async () => {
      const page = investigator;
      await page.goto(escalationUrl);
      await page.click('[data-testid=propose-change]');
      const form = page.locator('[data-testid=propose-form]');
      await form.locator('select[name=proposal-kind]').selectOption('bank_hashes');
      await form.locator('select[name=proposal-cause]').selectOption('hash_not_banked');
      await form.locator('input[name=proposal-category]').fill('CSE-01');
      await form.locator('select[name=proposal-bank]').selectOption({ label: 'demo-perceptual (enforce)' });
      await page.click('[data-testid=propose-submit]');
      await page.waitForURL(/\/proposals\/[0-9A-Z]{26}$/);
      proposalUrl = page.url();
      assert.equal(await page.locator('[data-testid=proposal-status]').textContent(), 'draft');

      await page.fill('input[name=days]', '365');
      await page.click('[data-testid=run-backtest]');
      await page.locator('[data-testid=backtest-report]').waitFor({ timeout: 60_000 });
      assert.equal(await page.locator('[data-testid=proposal-status]').textContent(), 'backtested');
      assert.ok(Number(await page.locator('[data-testid=backtest-flips]').textContent()) >= 1);
      assert.equal(await page.locator(`[data-testid=backtest-flipped] tr[data-item-id="${itemId}"]`).count(), 1, 'the item itself flips');
      assert.match((await page.locator('[data-testid=precision-definition]').textContent()) ?? '', /Labels available/);
      assert.match((await page.locator('[data-testid=approval-blocked]').textContent()) ?? '', /You proposed this change: a second person must approve it/);
      await saveScreenshot(page, 'investigations-backtest');
    });

    test('a second person approves and deploys it; the policy user is told why a bank change is not theirs', async () => {
      const policy = await newPersonPage(browser);
      await logIn(policy, haven.url, POLICY, haven.password);
      assert.equal(await policy.locator('nav.sidenav a:has-text("Proposals")').count(), 1);
      assert.equal(await policy.locator('nav.sidenav a:has-text("Escalations")').count(), 0);
      await policy.goto(proposalUrl);
      assert.match((await policy.locator('[data-testid=approval-blocked]').textContent()) ?? '', /needs the banks:write permission/);

      const curator = await newPersonPage(browser);
      await logIn(curator, haven.url, CURATOR, haven.password);
      await curator.goto(proposalUrl);
      await curator.fill('textarea[name=decision-note]', 'backtest flips only the reported item');
      await curator.click('[data-testid=approve]');
      await curator.locator('[data-testid=deploy]').waitFor();
      assert.equal(await curator.locator('[data-testid=proposal-status]').textContent(), 'approved');
      await curator.click('[data-testid=deploy]');
      await curator.locator('[data-testid=watch-verdict]').waitFor();
      assert.equal(await curator.locator('[data-testid=proposal-status]').textContent(), 'deployed');
      assert.match((await curator.locator('[data-testid=deployment]').textContent()) ?? '', /entryIds/);

      const db = haven.haven.store.db;
      const audit = await db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'proposal.approve').execute();
      assert.deepEqual(audit.map((a) => a.actor), [`user:${CURATOR}`]);

      await policy.goto(`${haven.url}/proposals`);
      await policy.locator('[data-testid=loop-share]').waitFor();
      assert.equal(await policy.locator('[data-testid=loop-share]').textContent(), '100%');
      await policy.close();
      await curator.close();
    });

    test('an analyst reads a trace with blurred previews only and cannot open escalations', async () => {
      const analyst = await newPersonPage(browser);
      const mediaRequests: string[] = [];
      analyst.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (path.startsWith('/v1/media/')) mediaRequests.push(path);
      });
      await logIn(analyst, haven.url, ANALYST, haven.password);
      assert.equal(await analyst.locator('nav.sidenav a:has-text("Escalations")').count(), 0);
      assert.equal(await analyst.locator('nav.sidenav a:has-text("Remediation board")').count(), 0);

      await analyst.goto(`${haven.url}/items/${itemId}`);
      await analyst.click('[data-testid=item-trace-link]');
      await analyst.waitForURL(new RegExp(`/items/${itemId}/trace$`));
      await analyst.locator('[data-testid=trace-media] img').first().waitFor();
      const sources = await imageSources(analyst);
      assert.ok(sources.length > 0);
      for (const src of sources) assert.match(src, /^\/v1\/media\/[0-9A-Z]+\/preview$/);
      assert.equal(await analyst.locator('button:has-text("Reveal")').count(), 0);
      assert.ok(mediaRequests.length > 0 && mediaRequests.every((p) => p.endsWith('/preview')), mediaRequests.join(', '));
      assert.equal(await analyst.locator('[data-testid=add-label-form]').count(), 0, 'labels are put on by investigators');

      await analyst.goto(`${haven.url}/escalations`);
      const denied = analyst.locator('[data-testid=access-denied]');
      await denied.waitFor();
      assert.match((await denied.textContent()) ?? '', /You do not have access to escalations.*investigations:read/);
      await saveScreenshot(analyst, 'investigations-analyst-denied');
      await analyst.close();
    });
  });
