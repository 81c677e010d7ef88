/**
 * Issue 12, "measure it": a typist enters a whole municipality of kieskring Lelystad (29 lists,
 * 1,080 fields) with the keyboard only. Every number is typed; the keys beyond the digits
 * (navigation) are at most the number of fields plus the number of sections; the entry is accepted.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { FormShape } from '../../src/domain/entryStructure.ts';
import { DIFFERENCE_SCALARS } from '../../src/domain/entry.ts';
import { changeForm, formFromOfficial, preparePhase2 } from '../support/counts.ts';
import { startTestServer, USER_PASSWORD, type TestServer } from '../support/server.ts';
import { typeEntryByKeyboard } from './keyboard.ts';
import { assertUiBuilt, goToSection, launchBrowser, login, newPage, pollUntil } from './support.ts';

let server: TestServer;
let browser: Browser;
let shape: FormShape;

before(async () => {
  assertUiBuilt();
  server = await startTestServer({ tls: true });
  const s = await preparePhase2(server);
  shape = (await s.typists[0]!.get('/api/counts/form-shape')).json as FormShape;
  browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a whole municipality typed with the keyboard only: navigation keys ≤ fields + sections', async () => {
  const page = await newPage(browser, server.url);
  await page.goto('/');
  await login(page, 'invoer1', USER_PASSWORD + '!');
  await page.goto('/#/steminvoer/gemeente/0034/invoer');
  await page.getByRole('heading', { name: /Eerste invoer Almere/ }).waitFor();
  // the paper PV: a box the official file leaves out is left empty (no key)
  const official = await formFromOfficial('0034');
  const form = changeForm(official, Object.fromEntries(DIFFERENCE_SCALARS.filter((k) => official.scalars[k] === null).map((k) => [k, null])));
  const run = await typeEntryByKeyboard(page, shape, form);
  await page.locator('.toast.warning').filter({ hasText: 'Geblokkeerd voor tweede invoer' }).first().waitFor();
  console.log(`keyboard entry: ${run.fields} fields in ${run.sections} sections; ${run.digits} digits, ${run.navigation} navigation keys, ${run.ms} ms`);
  assert.ok(run.fields > 1000, `${run.fields} fields`);
  assert.ok(run.navigation <= run.fields + run.sections, `${run.navigation} navigation keys > ${run.fields} fields + ${run.sections} sections`);
  const detail = await page.evaluate(async () => (await fetch('/api/counts/0034', { headers: { accept: 'application/json' } })).json());
  assert.equal((detail as { state: string }).state, 'first_done');
});

test('defect: a value typed in Verschillen is still shown after leaving and reopening it, and is the value saved', async () => {
  const page = await newPage(browser, server.url);
  await page.goto('/');
  await login(page, 'invoer2', USER_PASSWORD + '!');
  await page.goto('/#/steminvoer/gemeente/0050/invoer');
  await page.getByRole('heading', { name: /Eerste invoer Zeewolde/ }).waitFor();
  await page.locator('input[data-field="Z"]').focus();
  await page.keyboard.press('Space'); // opens Verschillen
  await page.locator('input[data-field="I"]').waitFor();
  await page.keyboard.type('5');
  await goToSection(page, 'kiezers'); // a page change saves the draft
  await goToSection(page, 'verschillen');
  assert.equal(await page.locator('input[data-field="I"]').inputValue(), '5');
  await page.locator('input[data-field="I"]').fill('7');
  await goToSection(page, 'lijst-1');
  await goToSection(page, 'verschillen');
  assert.equal(await page.locator('input[data-field="I"]').inputValue(), '7');
  await goToSection(page, 'kiezers');
  const saved = async () =>
    page.evaluate(async () => {
      const r = await fetch('/api/counts/0050/claim', { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{}' });
      return ((await r.json()) as { form: { scalars: { I: number | null } } }).form.scalars.I;
    });
  // wait for the state (the draft holds 7), bounded generously for a busy machine
  const value = await pollUntil(saved, 7);
  assert.equal(value, 7, 'the number on screen is the number saved');
});
