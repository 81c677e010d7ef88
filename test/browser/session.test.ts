/**
 * Session behaviour in the browser: the idle-timeout warning ("Aangemeld blijven"), automatic
 * sign-out with a message, and signing out. The browser's clock is faked (page.clock), the
 * server's is the test clock, so nothing waits in real time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, adminClient, startTestServer, type TestServer } from '../support/server.ts';
import { assertUiBuilt, launchBrowser, login, newPage, screenshot } from './support.ts';

const WARNING = 'U wordt over 1 minuut automatisch afgemeld';

let server: TestServer;
let browser: Browser;
let page: Page;

describe('sessie in de browser', () => {
  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ idleTimeoutSeconds: 15 * 60, tls: true });
    await adminClient(server); // the first-login password change, done through the API
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    page = await newPage(browser, server.url);
    await page.clock.install();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('waarschuwt een minuut voor het automatisch afmelden; "Aangemeld blijven" verlengt de sessie', async () => {
    await page.goto('/');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
    // The app has loaded the election and moved on to its first screen: its requests (each resets the
    // idle timer) are done before the clock jumps.
    await page.getByRole('heading', { name: 'Aanmaken verkiezing', level: 1 }).waitFor();
    assert.equal(await page.getByText(WARNING).count(), 0);

    await page.clock.fastForward('14:10');
    const warning = page.getByRole('alertdialog');
    await warning.getByText(WARNING).waitFor();
    await screenshot(page, '20-afmeldwaarschuwing');
    server.clock.advance(14 * 60 + 10); // the server's idle timer is as far as the browser's
    await warning.getByRole('button', { name: 'Aangemeld blijven' }).click();
    await warning.waitFor({ state: 'detached' });
    // Five minutes later the session still lives: without the extension it would have ended.
    server.clock.advance(5 * 60);
    const status = await page.evaluate(async () => (await fetch('/api/session')).status);
    assert.equal(status, 200);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
  });

  it('meldt na de wachttijd automatisch af en toont waarom', async () => {
    await page.clock.fastForward('14:10');
    await page.getByRole('alertdialog').getByText(WARNING).waitFor();
    server.clock.advance(16 * 60);
    await page.clock.fastForward('01:00');
    await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
    await page.getByText('U bent automatisch afgemeld').waitFor();
    await screenshot(page, '21-automatisch-afgemeld');
  });

  it('afmelden brengt terug naar het inlogscherm; de sessie is echt weg', async () => {
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
    await page.getByText('U bent afgemeld.').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/session')).status);
    assert.equal(status, 401);
    await page.reload();
    await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  });
});
