// The UI under Haven's Content-Security-Policy in a real browser: every main page, as the person who uses it, loads
// with no policy violation (no inline script or style the policy would block), and the security headers and the
// session cookie's attributes are what docs/security.md says.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, ensureWebBuild, launchChromium, logIn, newPersonPage } from '../helpers/browser.js';
import { startHaven } from '../helpers/haven.js';

const skip = browserSkipReason();

interface Violation {
  page: string;
  directive: string;
  blocked: string;
}

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<() => Promise<Violation[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: { directive: string; blocked: string }[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI || e.sample || '(inline)' });
    });
  });
  const consoleViolations: Violation[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleViolations.push({ page: page.url(), directive: 'console', blocked: m.text() });
  });
  return async () => {
    const fromPage = await page.evaluate(() => (window as unknown as { __csp: { directive: string; blocked: string }[] }).__csp);
    return [...fromPage.map((v) => ({ page: page.url(), ...v })), ...consoleViolations];
  };
}

if (skip) test('security headers and CSP (browser end-to-end)', { skip }, () => {});
else
  describe('the UI under the security policy', () => {
    let haven: Awaited<ReturnType<typeof startHaven>>;
    let browser: Browser;

    before(async () => {
      await ensureWebBuild();
      haven = await startHaven({ demo: true });
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      await haven?.close();
    });

    test('the page and API answers carry the security headers', async () => {
      const page = await fetch(`${haven.url}/items`);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote script');
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(page.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP on loopback');
      const api = await fetch(`${haven.url}/v1/auth/me`);
      assert.equal(api.status, 401);
      assert.equal(api.headers.get('cache-control'), 'no-store');
      assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    });

    const tours: { who: keyof typeof EMAILS; paths: (itemId: string) => string[] }[] = [
      { who: 'reviewer', paths: (id) => ['/items', `/items/${id}`, '/review'] },
      { who: 'manager', paths: () => ['/ops', '/review/settings', '/calibration'] },
      { who: 'investigator', paths: (id) => ['/escalations', `/items/${id}/trace`, '/remediation', '/proposals'] },
      { who: 'analyst', paths: () => ['/analytics', '/analytics/networks', '/analytics/sql'] },
      { who: 'admin', paths: () => ['/banks'] },
    ];
    const EMAILS = {
      reviewer: 'reviewer@haven.local', manager: 'manager@haven.local', investigator: 'investigator@haven.local',
      analyst: 'analyst@haven.local', admin: 'admin@haven.local',
    };

    for (const tour of tours) {
      test(`the ${tour.who}'s pages load with no CSP violation`, async () => {
        const page = await newPersonPage(browser);
        const violations = await watchViolations(page);
        await logIn(page, haven.url, EMAILS[tour.who], haven.password);
        const seen: Violation[] = [];
        for (const path of tour.paths(haven.matchedItemId)) {
          await page.goto(`${haven.url}${path}`);
          await page.waitForLoadState('networkidle');
          assert.ok(!page.url().includes('/login'), `${tour.who} stays logged in on ${path}`);
          seen.push(...(await violations()));
        }
        assert.deepEqual(seen, [], `CSP violations: ${JSON.stringify(seen, null, 1)}`);
        await page.context().close();
      });
    }

    test('the violation watcher sees a blocked inline script (so the tours above can fail)', async () => {
      const page = await newPersonPage(browser);
      const violations = await watchViolations(page);
      await page.goto(`${haven.url}/login`);
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
      });
      await page.waitForTimeout(200);
      const ran = await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran === true);
      assert.equal(ran, false, 'the inline script was blocked');
      assert.ok((await violations()).some((v) => v.directive.startsWith('script-src')));
      await page.context().close();
    });
  });
