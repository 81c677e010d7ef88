/**
 * Browser test: an HSB of TK2023 (kieskring 9 Amsterdam, the real chain of ../shared/eml/tk2023)
 * through to the documents overview. Phase 1 and the import of the municipality's signed 510b go
 * through the API (test/support/hsbChain.ts); in the browser the typist types the second entry (the
 * form has no postal fields: TK2023 has none), and the verkiezingsleider fills in the PV text, makes
 * the result final, creates the files and downloads them from the documents overview: the 510c is
 * the official file but for kr:CreationDateTime, the CSV the official CSV (but for its two known
 * wrong cells, test/support/csv.ts).
 */
import { menu } from './support.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { checkEntry } from '../../src/domain/checks.ts';
import type { EntryForm } from '../../src/domain/entry.ts';
import { importCountZip } from '../support/counts.ts';
import { officialCsvAsIn510c } from '../support/csv.ts';
import { firstDifference, WITHOUT_TIME } from '../support/eml.ts';
import { asSentByUi, chainCountZip, chainPhase1, discoverHsbSets, startHsbChain, type HsbChain } from '../support/hsbChain.ts';
import { USER_PASSWORD } from '../support/server.ts';
import { assertUiBuilt, expectCount, fieldValues, launchBrowser, login, newPage, screenshot, setFields } from './support.ts';

const SET = discoverHsbSets().find((s) => s.label === 'tk2023 Amsterdam');

describe('browser: HSB TK2023 Amsterdam through to the documents overview', { skip: SET === undefined ? 'no tk2023 Amsterdam set in ../shared/eml' : false }, () => {
  let c: HsbChain;
  let browser: Browser;
  let work: string;
  let form: EntryForm;
  const files = new Map<string, Buffer>();

  before(async () => {
    assertUiBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'uitslag-b2023-'));
    c = await startHsbChain(SET!, { tls: true });
    await chainPhase1(c);
    const m = c.municipalities[0]!;
    const confirm = await importCountZip(c.leader, await chainCountZip(c, m));
    assert.equal(confirm.status, 200, confirm.text);
    const keys = ((await c.typist.get('/api/counts/form-shape')).json.scalars as { key: string }[]).map((s) => s.key);
    form = asSentByUi(m.form, keys);
    browser = await launchBrowser({ trustCertificatePem: c.server.certificatePem ?? undefined });
  });
  after(async () => {
    await browser?.close();
    await c?.server.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the typist types the second entry of Amsterdam; the form has no postal fields', async () => {
    const page = await newPage(browser, c.server.url);
    await page.goto('/');
    await login(page, 'invoer1', USER_PASSWORD + '!');
    await menu(page, 'Invoer stemmen').click();
    await page.getByRole('heading', { name: 'Invoer stemmen' }).waitFor();
    await page.locator('tr[data-code="0363"] a.button').click();
    await page.locator('form.entry-form input[data-field="Z"]').waitFor();
    // the space bar in "Kiezers en stemmen" opens "Verschillen"
    await page.locator('input[data-field="Z"]').focus();
    await page.keyboard.press('Space');
    await page.locator('input[data-field="O"]').waitFor();
    for (const k of ['P1', 'P2', 'P3']) assert.equal(await page.locator(`input[data-field="${k}"]`).count(), 0, `${k} is not asked for in TK2023`);
    assert.equal(await page.getByText(/briefstembiljetten|Kwijtgeraakte/i).count(), 0);
    await setFields(page, fieldValues(form));
    await screenshot(page, 'tk2023-invoer');
    await page.getByRole('button', { name: /invoer afronden/i }).click();
    const warnings = checkEntry(form).filter((x) => x.severity === 'warning').map((x) => x.code);
    if (warnings.length > 0) {
      await page.getByRole('heading', { name: /Controle: waarschuwingen/ }).waitFor();
      for (const w of warnings) await page.locator(`#ack-${w.replace('.', '\\.')}`).check();
      await page.getByRole('button', { name: /invoer afronden/i }).click();
    }
    await page.locator('.toast.warning').filter({ hasText: 'Invoer afgerond' }).first().waitFor();
    const st = await c.reader.get('/api/counts/0363');
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.state, 'complete', st.text.slice(0, 300));
    await page.context().close();
  });

  test('the verkiezingsleider: PV text, Definitief maken, Aanmaken, the documents overview with every TK2023 Amsterdam file', async () => {
    const page = await newPage(browser, c.server.url);
    await page.goto('/');
    await login(page, 'leider', USER_PASSWORD + '!');
    await menu(page, 'Definitief maken & PV gebiedsuitslag').click();
    await page.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    await page.getByTestId('finalise-complete').filter({ hasText: '1 van 1' }).waitFor();
    await page.getByLabel('Plaats').fill('Amsterdam, stadhuis');
    await page.getByLabel('Datum').fill('24 november 2023');
    await page.getByLabel('Tijd').fill('10:00 uur');
    await page.getByRole('button', { name: 'Lid toevoegen' }).click();
    await page.locator('input[name="member-0-name"]').fill('mr. A. Voorzitter');
    await page.locator('input[name="member-0-role"]').fill('voorzitter');
    await page.getByRole('button', { name: 'Opslaan gegevens proces-verbaal' }).click();
    await page.getByText('De gegevens van het proces-verbaal zijn opgeslagen.').waitFor();
    await page.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Definitief maken', exact: true }).click();
    await page.getByRole('heading', { name: 'Aanmaken bestanden na definitief maken' }).waitFor();
    await page.getByRole('button', { name: 'Aanmaken', exact: true }).click();
    await page.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    await page.getByRole('link', { name: 'Tonen documentenoverzicht' }).first().click();
    await page.getByRole('heading', { name: 'Documentenoverzicht' }).waitFor();
    const rows = page.locator('tbody tr');
    await expectCount(rows, 6);
    await screenshot(page, 'tk2023-documenten');
    for (let i = 0; i < 6; i++) {
      const [download] = await Promise.all([page.waitForEvent('download'), rows.nth(i).getByRole('link').click()]);
      const f = path.join(work, download.suggestedFilename());
      await download.saveAs(f);
      files.set(download.suggestedFilename(), readFileSync(f));
    }
    assert.deepEqual([...files.keys()].sort(), [
      'Model_O3_TK2023_kieskring_Amsterdam.odt',
      'Model_O3_TK2023_kieskring_Amsterdam.pdf',
      'Telling_TK2023_kieskring_Amsterdam.eml.xml',
      'Telling_TK2023_kieskring_Amsterdam.zip',
      'Telling_TK2023_kiesraad_Amsterdam.zip',
      'osv4-3_telling_tk2023_kieskring_amsterdam.csv',
    ]);
    const eml = files.get('Telling_TK2023_kieskring_Amsterdam.eml.xml')!;
    const diff = firstDifference(WITHOUT_TIME(eml), WITHOUT_TIME(c.official510c));
    assert.equal(diff, null, diff ?? '');
    const csv = files.get('osv4-3_telling_tk2023_kieskring_amsterdam.csv')!;
    const expected = officialCsvAsIn510c(SET!.csvFile!, c.officialCsv!);
    assert.ok(csv.equals(expected), firstDifference(csv.toString('utf8'), expected.toString('utf8')) ?? '');
    await page.context().close();
  });
});
