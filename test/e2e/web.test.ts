// End-to-end check of the web shell in a real browser (Debian chromium driven by playwright-core):
// log in as a reviewer, find the demo item whose image matched a bank entry, and check what the item page shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, ensureWebBuild, launchChromium, saveScreenshot } from '../helpers/browser.js';
import { startHaven } from '../helpers/haven.js';

const skip = browserSkipReason();

// A skipped test (rather than a skipped suite) so the runner counts it as skipped.
if (skip) test('web shell (browser end-to-end)', { skip }, () => {});
else
  describe('web shell', () => {
    let haven: Awaited<ReturnType<typeof startHaven>>;
    let browser: Browser;
    let page: Page;

    before(async () => {
      await ensureWebBuild();
      haven = await startHaven({ demo: true });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (err) => console.error('[browser pageerror]', err.message));
    });

    after(async () => {
      await browser?.close();
      await haven?.close();
    });

    test('unauthenticated visitors are sent to the login page', async () => {
      await page.goto(`${haven.url}/items`);
      await page.waitForURL(/\/login/);
      await page.locator('input[name=email]').waitFor();
    });

    test('a wrong password shows the server error', async () => {
      await page.fill('input[name=email]', haven.reviewerEmail);
      await page.fill('input[name=password]', `${haven.password}-wrong`);
      await page.click('button[type=submit]');
      const alert = page.locator('[role=alert]');
      await alert.waitFor();
      assert.ok((await alert.textContent())?.trim(), 'an error message is shown');
      assert.match(page.url(), /\/login/);
    });

    test('the reviewer logs in through the form', async () => {
      await page.fill('input[name=email]', haven.reviewerEmail);
      await page.fill('input[name=password]', haven.password);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/items$/);
      const whoami = await page.locator('[data-testid=whoami]').textContent();
      assert.match(whoami ?? '', /reviewer/);
      // This Haven runs without an LLM, and the header says so.
      assert.equal(await page.locator('[data-testid=llm-status]').textContent(), 'No LLM configured');
      await page.locator('[data-testid=items-table]').waitFor();
    });

    test('searching by external id finds the matched item and opens it', async () => {
      // The page's API context shares the browser's session cookie.
      const res = await page.request.get(`${haven.url}/v1/items/${encodeURIComponent(haven.matchedItemId)}`);
      assert.equal(res.status(), 200);
      const { item } = (await res.json()) as { item: { externalId: string } };

      await page.fill('input[name=q]', item.externalId);
      await page.press('input[name=q]', 'Enter');
      await page.waitForURL(/\/items\?q=/);
      const row = page.locator(`[data-testid=items-table] tr[data-item-id="${haven.matchedItemId}"]`);
      await row.waitFor();
      await row.locator('td').nth(2).click(); // a plain cell: the whole row is clickable
      await page.waitForURL(new RegExp(`/items/${haven.matchedItemId}$`));
      assert.equal(await page.locator('[data-testid=item-external-id]').textContent(), item.externalId);
    });

    test('the item page shows decision, reasons, actions and the event trace', async () => {
      const decision = page.locator('[data-testid=decision]');
      await decision.waitFor();
      assert.equal(await decision.getAttribute('data-verdict'), 'violating');
      const policyVersion = await decision.getAttribute('data-policy-version');
      assert.ok(policyVersion, 'decision has a policy version');

      const reasons = await page.locator('[data-testid=reasons] li').allTextContents();
      assert.ok(reasons.length > 0, 'at least one reason');
      assert.ok(
        reasons.some(
          (r) => r.includes('CSE-01') && r.includes(`policy ${/^\d/.test(policyVersion) ? 'v' : ''}${policyVersion}`),
        ),
        `a reason names CSE-01 and policy ${policyVersion}: ${JSON.stringify(reasons)}`,
      );

      // Delivery goes through the outbox, so allow it a little time.
      const delivered = page.locator('[data-testid=actions] tr[data-action-status=delivered]');
      for (let i = 0; i < 20 && (await delivered.count()) === 0; i++) {
        await page.waitForTimeout(500);
        await page.reload();
        await decision.waitFor();
      }
      assert.ok((await delivered.count()) > 0, 'an action was delivered');
      const deliveredAt = await delivered.first().locator('td').last().textContent();
      assert.match(deliveredAt ?? '', /UTC/);

      const events = page.locator('[data-testid=event-trace] > li');
      assert.ok((await events.count()) > 0, 'events are listed');
      assert.ok((await page.locator('[data-testid=signals] tbody tr').count()) > 0, 'signals are listed');
    });

    test('media is blurred by default and the screenshot is taken', async () => {
      const img = page.locator('img.media-blurred').first();
      await img.waitFor();
      await page.waitForFunction(() => {
        const el = document.querySelector<HTMLImageElement>('img.media-blurred');
        return !!el && el.complete && el.naturalWidth > 0;
      });
      const filter = await img.evaluate((el) => getComputedStyle(el).filter);
      assert.match(filter, /blur\(/);
      assert.equal(await page.locator('img.media-revealed').count(), 0, 'nothing is revealed by default');

      await saveScreenshot(page, 'item');
    });

    test('a reviewer can reveal media (audited) and hide it again', async () => {
      const figure = page.locator('figure.media').first();
      assert.match((await figure.textContent()) ?? '', /Viewing is recorded in the audit log/);
      await figure.locator('button', { hasText: 'Reveal' }).click();
      const revealed = figure.locator('img.media-revealed');
      await revealed.waitFor();
      assert.equal(await revealed.evaluate((el) => getComputedStyle(el).filter), 'none');
    // The view is audited and shows up on the item's event trace.
    await page.locator('[data-testid=event-trace] [data-event-type=media_viewed]').first().waitFor();
      await figure.locator('button', { hasText: 'Hide' }).click();
      await figure.locator('img.media-blurred').waitFor();
      assert.equal(await figure.locator('img.media-revealed').count(), 0);
    });

    test('logging out returns to the login page', async () => {
      await page.click('button:has-text("Log out")');
      await page.waitForURL(/\/login$/);
      await page.goto(`${haven.url}/banks`);
      await page.waitForURL(/\/login\?next=/);
    });
  });
