// The analytics area in a real browser (Debian chromium driven by playwright-core), as the demo analyst: the planted
// spike alert (CSE-13 on comment) drills down to its items, the planted ring of accounts heads the networks page
// with its graph drawn, and the SQL console answers a read and shows the database refusing a write.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_SEEDED_KEY } from '../../src/demo/seed.js';
import { browserSkipReason, ensureWebBuild, launchChromium, logIn, newPersonPage, saveScreenshot } from '../helpers/browser.js';
import { startHaven } from '../helpers/haven.js';

const skip = browserSkipReason();

if (skip) test('analytics (browser end-to-end)', { skip }, () => {});
else
  describe('analytics in the browser', () => {
    let haven: Awaited<ReturnType<typeof startHaven>>;
    let browser: Browser;
    let page: Page;
    let demoNow = 0;

    before(async () => {
      await ensureWebBuild();
      haven = await startHaven({ demo: true });
      const seeded = await haven.haven.store.db.selectFrom('settings').select('value').where('key', '=', DEMO_SEEDED_KEY).executeTakeFirstOrThrow();
      demoNow = (JSON.parse(seeded.value) as { at: number }).at;
      browser = await launchChromium();
      page = await newPersonPage(browser);
      await logIn(page, haven.url, haven.analystEmail, haven.password);
    });

    after(async () => {
      await browser?.close();
      await haven?.close();
    });

    test('the planted spike is alerted with its slice and drills down to its items', async () => {
      assert.equal(await page.locator('nav.sidenav a:has-text("Analytics")').count(), 1);
      assert.equal(await page.locator('nav.sidenav a:has-text("SQL")').count(), 1);
      await page.goto(`${haven.url}/analytics?until=${demoNow}`);
      const alert = page.locator('[data-testid=spike-alert][data-label="CSE-13 on comment"]');
      await alert.waitFor();
      await alert.locator('[data-testid=spike-drill]').click();
      const links = page.locator('[data-testid=drill-panel] a.drill-item');
      await links.first().waitFor();
      const href = (await links.first().getAttribute('href')) as string;
      const itemId = decodeURIComponent(href.replace(/^\/items\//, ''));
      const signal = await haven.haven.store.db
        .selectFrom('signals').innerJoin('items', 'items.id', 'signals.item_id')
        .select(['items.surface']).where('signals.item_id', '=', itemId).where('signals.category', '=', 'CSE-13').executeTakeFirst();
      assert.equal(signal?.surface, 'comment', 'the drilled item is a CSE-13 comment');
      await page.locator('[data-testid=trend-chart] canvas').first().waitFor();
      await saveScreenshot(page, 'analytics-trends');
      await links.first().click();
      await page.waitForURL(/\/items\/[^/]+$/);
    });

    test('the networks page ranks the planted ring first and draws its graph', async () => {
      await page.click('nav.sidenav a:has-text("Networks")');
      await page.waitForURL(/\/analytics\/networks$/);
      const top = page.locator('[data-testid=community]').first();
      await top.waitFor();
      const members = await top.locator('[data-testid=community-members]').textContent();
      assert.match(members ?? '', /acct_ring_/);
      await page.locator('[data-testid=network-graph] canvas').first().waitFor();
      await saveScreenshot(page, 'analytics-networks');
    });

    test('the SQL console reads and shows the database refusing a write', async () => {
      await page.click('nav.sidenav a:has-text("SQL")');
      await page.waitForURL(/\/analytics\/sql$/);
      await page.fill('[data-testid=sql-input]', 'SELECT count(*) AS n FROM analytics_items');
      await page.click('[data-testid=sql-run]');
      const cellText = await page.locator('[data-testid=sql-table] tbody td').first().textContent();
      const total = await haven.haven.store.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(cellText), Number(total.n));
      assert.ok(Number(cellText) > 0);

      await page.fill('[data-testid=sql-input]', 'DELETE FROM analytics_items');
      await page.click('[data-testid=sql-run]');
      const error = page.locator('[data-testid=sql-error]');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /readonly|read-only|cannot|not authorized|view/i);
      assert.equal(await page.locator('[data-testid=sql-result]').count(), 0);
      await saveScreenshot(page, 'analytics-sql');
    });
  });
