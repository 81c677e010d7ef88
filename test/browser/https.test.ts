/**
 * Issue 9, transport, in the browser: the UI over HTTPS with the installation's generated
 * certificate. Chromium trusts exactly that certificate's key (--ignore-certificate-errors-spki-list),
 * not every certificate; a browser without it refuses the connection. Logging in, the forced
 * password change and the main menu work under the Content-Security-Policy, and the session
 * cookie is Secure.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_INITIAL_PASSWORD, ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { assertUiBuilt, changePassword, launchBrowser, login, newPage, screenshot } from './support.ts';

let server: TestServer;
let browser: Browser;
let page: Page;

describe('de applicatie via HTTPS', () => {
  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ tls: true });
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem! });
    page = await newPage(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('inloggen, wachtwoord wijzigen en het hoofdmenu werken via https met het eigen certificaat', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto('/');
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    const security = await response!.securityDetails();
    assert.ok(security, 'served over TLS');
    await login(page, 'admin', ADMIN_INITIAL_PASSWORD);
    await changePassword(page, ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
    await screenshot(page, '90-https-hoofdmenu');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'uitslag_sessie');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.deepEqual(violations, [], 'no Content-Security-Policy violations');
  });

  it('een browser die het certificaat niet vertrouwt, krijgt geen verbinding', async () => {
    const other = await launchBrowser();
    try {
      const p = await newPage(other, server.url);
      const error = await p.goto('/').then(
        () => null,
        (e: Error) => e.message,
      );
      assert.match(error ?? '', /ERR_CERT/);
    } finally {
      await other.close();
    }
  });
});
