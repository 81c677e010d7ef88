/**
 * Browser test helpers: one headless Chromium per test file (playwright-core with the system
 * /usr/bin/chromium), pages against the real server from test/support/server.ts.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import assert from 'node:assert/strict';
import type { EntryForm } from '../../src/domain/entry.ts';
import { ROOT } from '../support/paths.ts';

export const CHROMIUM = process.env.UITSLAG_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The base64 SHA-256 of a certificate's public key (SubjectPublicKeyInfo), as Chromium's
 * --ignore-certificate-errors-spki-list wants it: only a server with exactly this key is trusted.
 */
export function spkiHash(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** `trustCertificatePem`: the test server's own HTTPS certificate, trusted by its key only (no blanket ignore). */
export function launchBrowser(opts: { trustCertificatePem?: string } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...(opts.trustCertificatePem ? [`--ignore-certificate-errors-spki-list=${spkiHash(opts.trustCertificatePem)}`] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The UI must be built (npm run build) before the browser tests; `npm test` does that. */
export function assertUiBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'ui', 'index.html'))) {
    throw new Error('dist/ui/index.html ontbreekt: draai eerst `npm run build` (vite build).');
  }
}

/**
 * A fresh page in its own context (own cookies = own session), Dutch locale. `bypassCSP` lets
 * checkAccessibility inject axe-core as a script tag whatever the server's Content-Security-Policy.
 */
export async function newPage(browser: Browser, baseURL: string, opts: { bypassCSP?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    locale: 'nl-NL',
    acceptDownloads: true,
    viewport: { width: opts.width ?? 1280, height: 900 },
    ...(opts.bypassCSP ? { bypassCSP: true } : {}),
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return page;
}

/** Log in on the login screen; waits until the login form is gone. */
export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('button', { name: 'Inloggen' }).waitFor({ state: 'detached' });
}

/**
 * On the forced "Nieuw wachtwoord instellen" screen: set a new password. The screen does not ask
 * again for the password just typed at login.
 */
export async function changePassword(page: Page, next: string): Promise<void> {
  await page.getByRole('heading', { name: 'Nieuw wachtwoord instellen' }).waitFor();
  assert.equal(await page.getByLabel('Huidig wachtwoord').count(), 0, 'het zojuist getypte wachtwoord wordt niet opnieuw gevraagd');
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(next);
  await page.getByLabel('Herhaal nieuw wachtwoord').fill(next);
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
}

/** Optional screenshots while developing: set UITSLAG_SCREENSHOTS to a folder. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const dir = process.env.UITSLAG_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
}

/** A link of the main menu (the same words also appear elsewhere, e.g. as a way back). */
export function menu(page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name, exact: true });
}

/** The visible texts of the main menu's links. */
export async function menuItems(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
  await nav.waitFor();
  return (await nav.getByRole('link').allTextContents()).map((t) => t.trim());
}

/** Every field of an entry form as [field id, value] in form order ('Z', …, 'list.3', 'list.3.7'). */
export function fieldValues(form: EntryForm): [string, number | null][] {
  const out: [string, number | null][] = Object.entries(form.scalars);
  for (const l of form.lists) {
    out.push([`list.${l.listNumber}`, l.total]);
    l.candidates.forEach((v, i) => out.push([`list.${l.listNumber}.${i + 1}`, v]));
  }
  return out;
}

/**
 * Fill entry-form fields fast: in the page, set each value and dispatch an input event (as typing
 * does). Every field must be on the form.
 */
export async function setFields(page: Page, values: readonly (readonly [string, number | null])[]): Promise<void> {
  const todo = values.map(([id, v]) => [id, v === null ? '' : String(v)] as const);
  const missing = await page.evaluate((items) => {
    const miss: string[] = [];
    for (const [id, v] of items) {
      const el = document.querySelector<HTMLInputElement>(`input[data-field="${id}"]`);
      if (!el) {
        miss.push(id);
        continue;
      }
      el.focus();
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return miss;
  }, todo);
  assert.deepEqual(missing, [], 'alle velden staan op het formulier');
}

/**
 * Show a page of the entry form by its sidebar link ('kiezers', 'verschillen', 'lijst-3'): the form
 * shows one section at a time; changing the page saves the draft.
 */
export async function goToSection(page: Page, section: string): Promise<void> {
  await page.locator(`[data-section-link="${section}"] a`).click();
  await page.locator(`section[data-section="${section}"]`).waitFor({ state: 'visible' });
}

/**
 * Asserts that `locator` matches exactly `expected` elements, waiting up to `timeout` ms for a
 * screen that is still loading its data to settle. Use it for every positive count: a bare
 * `locator.count()` right after a heading appears races the screen's data request.
 */
export async function expectCount(locator: Locator, expected: number, message?: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let actual = await locator.count();
  while (actual !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    actual = await locator.count();
  }
  assert.equal(actual, expected, message);
}

/**
 * Reads `read()` again until it gives `expected` or the deadline passes (generous for a busy
 * machine), and returns the last value read: a wait for a state, never a fixed sleep.
 */
export async function pollUntil<T>(read: () => Promise<T>, expected: T, timeout = 30_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (value !== expected && Date.now() < deadline) value = await read();
  return value;
}

// ---------------------------------------------------------------------------------------------
// Accessibility: axe-core in the page
// ---------------------------------------------------------------------------------------------

/**
 * axe-core's browser bundle, from node_modules (devDependency `axe-core`). While developing without
 * the package installed, UITSLAG_AXE may point at an axe.min.js elsewhere.
 */
export function axePath(): string {
  if (process.env.UITSLAG_AXE) return process.env.UITSLAG_AXE;
  try {
    return createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    throw new Error('axe-core ontbreekt in node_modules: voeg de devDependency toe (npm install --save-dev axe-core@4.14.1).');
  }
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/**
 * Run axe-core (WCAG 2.0/2.1 A and AA rules and best practices) over the page as it is now and
 * assert that no violation is serious or critical; `screen` names the screen in the message.
 * Returns every violation (also the moderate and minor ones) for the caller to report.
 */
export async function checkAccessibility(page: Page, screen: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath() });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      nodes: v.nodes.slice(0, 5).map((n: any) => `${n.target.join(' ')}: ${String(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200)}`),
    }));
  });
  const serious = (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`),
    [],
    `${screen}: ernstige toegankelijkheidsfouten (axe-core)`,
  );
  return violations as AxeViolation[];
}
