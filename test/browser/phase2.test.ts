/**
 * Phase 2 in the browser (guide steps 7-9), kieskring 5 Lelystad with its 6 municipalities, the
 * numbers taken from the official TK2021 kieskring file (test/support/counts.ts). Phase 1 is set
 * up through the API; everything of phase 2 happens in the browser, as the roles do it:
 * - the leader imports the signed count files of Almere and Dronten (typing the hidden hash groups);
 *   invoer2 types their second entries (Dronten partly with the real keyboard);
 * - Zeewolde, Noordoostpolder, Urk and Lelystad get two typed entries (invoer1, invoer2);
 * - Zeewolde's second entry has a typo, confirmed; the leader takes over the first entry and the
 *   second is typed again; Urk's PV has kiesgerechtigden 0 (warning W.205, acknowledged);
 * - the overview shows 6 van 6 afgerond and the leader may activate phase 3.
 * Tests in this file build on each other (one server, one browser).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { EntryForm } from '../../src/domain/entry.ts';
import { USER_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import {
  buildSignedCountZip,
  changeForm,
  formFromOfficial,
  LELYSTAD_MUNICIPALITIES,
  municipalityCertificate,
  municipalityName,
  preparePhase2,
  testKeyPair,
  typedGroups,
} from '../support/counts.ts';
import { assertUiBuilt, expectCount, fieldValues, goToSection, launchBrowser, login, menu, newPage, pollUntil, screenshot, setFields } from './support.ts';

const PASSWORD = USER_PASSWORD + '!';
const IMPORTED = ['0034', '0303'] as const; // Almere, Dronten
const TYPED = ['0050', '0171', '0184', '0995'] as const; // Zeewolde, Noordoostpolder, Urk, Lelystad
const TYPO_CODE = '0050';
const WARNING_CODE = '0184';

let server: TestServer;
let browser: Browser;
let leader: Page;
let typist1: Page;
let typist2: Page;
const forms = new Map<string, EntryForm>();

/** Every field of a form as [field id, value] in form order (scalars, then lists). */
async function logIn(username: string): Promise<Page> {
  const page = await newPage(browser, server.url);
  await page.goto('/');
  await login(page, username, PASSWORD);
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
  return page;
}

/** Open the form of a municipality from the typist's list ("Invoer stemmen"). */
async function openEntry(page: Page, code: string): Promise<void> {
  await menu(page, 'Invoer stemmen').click();
  await page.getByRole('heading', { name: 'Invoer stemmen' }).waitFor();
  await page.locator(`tr[data-code="${code}"] a.button`).click();
  await page.locator('form.entry-form input[data-field="Z"]').waitFor();
}

/**
 * Fill fields fast: set the value and dispatch an input event (as typing does), in the page.
 * `skip` leaves fields untouched (typed by keyboard, or left empty on purpose).
 */
async function fill(page: Page, values: [string, number | null][], skip: (id: string) => boolean = () => false): Promise<void> {
  await setFields(page, values.filter(([id]) => !skip(id)));
}

async function submit(page: Page, label = /invoer afronden/i): Promise<void> {
  await page.getByRole('button', { name: label }).click();
}

/** After a completed entry: the two notices top right, back on the list. */
async function expectSaved(page: Page, orange: string): Promise<void> {
  await page.locator('.toast.success').filter({ hasText: 'De invoer is opgeslagen' }).first().waitFor();
  await page.locator('.toast.warning').filter({ hasText: orange }).first().waitFor();
  await page.getByRole('heading', { name: 'Invoer stemmen' }).waitFor();
}

/** Type a whole entry (fast fill) and finish it, acknowledging warnings when asked. */
async function typeEntry(page: Page, code: string, form: EntryForm, orange: string, warnings: string[] = []): Promise<void> {
  await openEntry(page, code);
  await fill(page, fieldValues(form));
  await submit(page);
  if (warnings.length > 0) {
    await page.getByRole('heading', { name: /Controle: waarschuwingen/ }).waitFor();
    for (const w of warnings) await page.locator(`#ack-${w.replace('.', '\\.')}`).check();
    await screenshot(page, `p2-waarschuwing-${code}`, false);
    await submit(page);
  }
  await expectSaved(page, orange);
}

describe('fase 2 in de browser (TK2021, kieskring 5 Lelystad)', () => {
  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ tls: true });
    const key = await testKeyPair();
    await preparePhase2(server, { keysFor: [...IMPORTED], key });
    for (const m of LELYSTAD_MUNICIPALITIES) forms.set(m.code, await formFromOfficial(m.code));
    forms.set(WARNING_CODE, changeForm(forms.get(WARNING_CODE)!, { Z: 0 }));
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    leader = await logIn('leider');
    typist1 = await logIn('invoer1');
    typist2 = await logIn('invoer2');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('de verkiezingsleider ziet het statusoverzicht: 6 gemeenten zonder invoer', async () => {
    await menu(leader, 'Invoeren stemmen status').click();
    await leader.getByRole('heading', { name: 'Invoeren stemmen status' }).waitFor();
    await leader.locator('tbody tr').first().waitFor();
    await expectCount(leader.locator('tbody tr'), 6);
    await expectCount(leader.locator('tbody tr[data-indicator="geen_invoer"]'), 6);
    assert.match(await leader.getByTestId('progress-text').innerText(), /0 van 6 gemeenten afgerond/);
    // The leader cannot type numbers: no entry links.
    assert.equal(await leader.getByRole('link', { name: /Invoer stemmen/ }).count(), 0);
    await screenshot(leader, 'p2-01-status-leeg');
  });

  it('de verkiezingsleider importeert de tellingbestanden van Almere en Dronten (hashcode-groepen getypt)', async () => {
    const key = await testKeyPair();
    for (const code of IMPORTED) {
      const name = municipalityName(code);
      const z = await buildSignedCountZip({ code, key, cert: municipalityCertificate(code, name, key) });
      await menu(leader, 'Importeren steminvoer').click();
      await leader.getByRole('heading', { name: 'Importeren steminvoer' }).waitFor();
      await leader.getByLabel('Tellingbestand van de gemeente').setInputFiles({ name: z.fileName, mimeType: 'application/zip', buffer: z.zip });
      await leader.locator('.group-label').first().waitFor({ timeout: 60_000 });
      const facts = await leader.locator('.facts').innerText();
      assert.match(facts, new RegExp(name));
      assert.match(facts, /Gemeente/);
      const hidden = (await leader.locator('.group-label').allTextContents()).map((l) => Number(/groep (\d+)/.exec(l)![1]) - 1);
      const groups = typedGroups(z.eml, hidden);
      await leader.getByLabel(`groep ${hidden[0]! + 1}`, { exact: true }).fill(groups[0]);
      await leader.getByLabel(`groep ${hidden[1]! + 1}`, { exact: true }).fill(groups[1]);
      for (const box of await leader.locator('form input[type="checkbox"]').all()) await box.check();
      // The steps in order: every check done, "Opslaan" still to do.
      const stages = leader.locator('.import-progress .stages li');
      assert.deepEqual(await stages.evaluateAll((els) => els.map((e) => [e.getAttribute('data-stage'), e.getAttribute('data-state')])), [
        ['queued', 'done'],
        ['verifying', 'done'],
        ['reading', 'done'],
        ['checking', 'done'],
        ['saving', 'todo'],
      ]);
      assert.match((await stages.allInnerTexts()).join(' | '), /1\. Wachten op de controle.*2\. Handtekening controleren.*3\. Bestand lezen.*4\. Telling controleren.*5\. Opslaan/);
      if (code === IMPORTED[0]) await screenshot(leader, 'p2-02-import-voorbeeld');
      // While the confirm request runs, "Opslaan" is the current step (the request held back a moment).
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      await leader.route('**/api/counts/import/confirm', async (route) => {
        await held;
        await route.continue();
      });
      await leader.getByRole('button', { name: 'Importeren' }).click();
      await leader.locator('.import-progress .stages li[data-stage="saving"][data-state="current"]').filter({ hasText: 'Opslaan…' }).waitFor();
      const answered = leader.waitForResponse((r) => r.url().endsWith('/api/counts/import/confirm'));
      release();
      assert.equal((await answered).status(), 200);
      await leader.unroute('**/api/counts/import/confirm');
      await leader.getByRole('heading', { name: `Gemeente ${name}` }).waitFor();
      await leader.locator('.toast.success').filter({ hasText: `Het tellingbestand van ${name} is geïmporteerd` }).waitFor();
      await leader.locator('table.history tr[data-action="import"]').waitFor();
    }
    await screenshot(leader, 'p2-03-detail-na-import');
    // A second import of the same municipality is refused with a Dutch message.
    const z = await buildSignedCountZip({ code: '0034', key, cert: municipalityCertificate('0034', 'Almere', key) });
    await menu(leader, 'Importeren steminvoer').click();
    await leader.getByLabel('Tellingbestand van de gemeente').setInputFiles({ name: z.fileName, mimeType: 'application/zip', buffer: z.zip });
    const alert = leader.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.innerText(), /al een invoer|importeren kan alleen/i);
    await alert.getByText('Technische details').click();
    await screenshot(leader, 'p2-04-import-geweigerd');
  });

  it('invoer2 typt de tweede invoer van Almere en Dronten; Dronten deels met het toetsenbord', async () => {
    const page = typist2;
    // Almere: fast fill.
    await typeEntry(page, '0034', forms.get('0034')!, 'Invoer afgerond');

    // Dronten: the scalars with Enter/Shift+Enter, one list with Tab; the rest filled.
    const form = forms.get('0303')!;
    await openEntry(page, '0303');
    await page.getByRole('heading', { name: /Tweede invoer Dronten/ }).waitFor();
    const keyed = ['Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;
    await page.locator('input[data-field="Z"]').focus();
    for (const k of keyed) {
      await page.keyboard.type(String(form.scalars[k]));
      await page.keyboard.press('Enter');
    }
    // Enter after H: the next field (Verschillen closed → list 1 total, else I).
    const afterH = await page.evaluate(() => (document.activeElement as HTMLInputElement).dataset.field);
    assert.ok(afterH === 'I' || afterH === 'list.1', `na H staat de cursor op ${afterH}`);
    await page.keyboard.press('Shift+Enter');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).dataset.field), 'H');
    // A letter is not silently dropped: the text stays as typed, marked, until corrected.
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    const h = page.locator('input[data-field="H"]');
    assert.equal(await h.inputValue(), `${form.scalars.H}x`);
    assert.equal(await h.getAttribute('aria-invalid'), 'true');
    await page.keyboard.press('Backspace');
    assert.equal(await h.inputValue(), String(form.scalars.H));
    assert.equal(await h.getAttribute('aria-invalid'), null);

    // "Ga naar lijst N" and a list typed with Tab.
    const list = form.lists.reduce((a, b) => (b.candidates.length < a.candidates.length ? b : a));
    await page.getByLabel('Ga naar lijst').selectOption(String(list.listNumber));
    await page.waitForFunction((n) => (document.activeElement as HTMLInputElement | null)?.dataset.field === `list.${n}`, list.listNumber);
    await page.keyboard.type(String(list.total));
    for (const v of list.candidates) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(String(v));
    }
    await page.locator(`[data-list-sum="${list.listNumber}"].equal`).waitFor();
    // Shift+Tab: back through the candidates to the list total, each value kept; Tab forward again.
    const active = () => page.evaluate(() => (document.activeElement as HTMLInputElement).dataset.field);
    const n = list.candidates.length;
    assert.ok(n >= 2, 'a list with at least two candidates');
    assert.equal(await active(), `list.${list.listNumber}.${n}`);
    for (let i = n - 1; i >= 1; i--) {
      await page.keyboard.press('Shift+Tab');
      assert.equal(await active(), `list.${list.listNumber}.${i}`, `Shift+Tab naar kandidaat ${i}`);
    }
    await page.keyboard.press('Shift+Tab');
    assert.equal(await active(), `list.${list.listNumber}`, 'Shift+Tab vanaf kandidaat 1: het lijsttotaal');
    assert.equal(await page.locator(`input[data-field="list.${list.listNumber}"]`).inputValue(), String(list.total));
    await page.keyboard.press('Tab');
    assert.equal(await active(), `list.${list.listNumber}.1`);
    assert.equal(await page.locator(`input[data-field="list.${list.listNumber}.1"]`).inputValue(), String(list.candidates[0]));
    await page.locator(`[data-list-sum="${list.listNumber}"].equal`).waitFor();
    await screenshot(page, 'p2-05-invoer-toetsenbord', false);
    const typedIds = new Set<string>([...keyed, `list.${list.listNumber}`, ...list.candidates.map((_, i) => `list.${list.listNumber}.${i + 1}`)]);
    await fill(page, fieldValues(form), (id) => typedIds.has(id));
    await submit(page, /Tweede invoer afronden/);
    await expectSaved(page, 'Invoer afgerond');
  });

  it('een gemeente die al wordt ingevoerd: de ander ziet door wie; een herladen concept blijft bewaard', async () => {
    const code = '0995';
    const form = forms.get(code)!;
    await openEntry(typist1, code);
    await typist1.getByRole('heading', { name: /Eerste invoer Lelystad/ }).waitFor();
    // Part of the form, then a section change saves the draft.
    const values = fieldValues(form);
    const part = values.filter(([id]) => /^[ZABCDEFGH]$|^list\.1(\.|$)/.test(id));
    await fill(typist1, part);
    await goToSection(typist1, 'lijst-2'); // a page change saves the draft
    await typist1.locator('.save-status').filter({ hasText: 'Tussentijds opgeslagen' }).waitFor();

    // invoer2 cannot take it.
    await typist2.goto(`/#/steminvoer/gemeente/${code}/invoer`);
    await typist2.getByRole('alert').filter({ hasText: 'wordt al ingevoerd door invoer1' }).waitFor();
    await screenshot(typist2, 'p2-06-al-bezig', false);

    // A reload: the numbers are still there and the cursor is back where it was.
    await typist1.reload();
    await typist1.locator('input[data-field="Z"]').waitFor({ state: 'attached' });
    assert.equal(await typist1.locator('input[data-field="Z"]').inputValue(), String(form.scalars.Z));
    assert.equal(await typist1.locator('input[data-field="list.1.1"]').inputValue(), String(form.lists[0]!.candidates[0]));
    await typist1.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.dataset.field === 'list.2');

    // Typed text that is not a count is never changed into another number: it stays visible,
    // marked with the reason, is not saved as a number, and blocks finishing until corrected.
    const field = typist1.locator('input[data-field="list.1.1"]');
    const error = typist1.locator('[data-field-error="list.1.1"]');
    const claimedValue = async () =>
      typist1.evaluate(async (c) => {
        const r = await fetch(`/api/counts/${c}/claim`, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{}' });
        const j = (await r.json()) as { form: EntryForm };
        return j.form.lists[0]!.candidates[0];
      }, code);
    for (const bad of ['1,5', '-3', '12.000', '1234567890', 'twaalf']) {
      await goToSection(typist1, 'lijst-1');
      await field.fill('7'); // a valid number first: the draft must not keep it either
      if (bad === '1234567890') await field.fill(bad); // pasted
      else {
        await field.fill('');
        await field.focus();
        await typist1.keyboard.type(bad);
      }
      assert.equal(await field.inputValue(), bad, `"${bad}" blijft staan zoals getypt`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `"${bad}" gemarkeerd`);
      assert.match(await error.innerText(), bad === '1234567890' ? /te groot/ : /Vul alleen een heel getal van 0 of meer in, zonder punten of komma's\./);
      await submit(typist1);
      await typist1.getByRole('heading', { name: 'Niet alle velden bevatten een geldig getal' }).waitFor();
      // A page change saves the draft: the field is left out (empty), never another number.
      await goToSection(typist1, 'lijst-2');
      const saved = await pollUntil(claimedValue, null);
      assert.equal(saved, null, `"${bad}" niet als getal bewaard`);
    }
    await screenshot(typist1, 'p2-07a-ongeldig-getal', false);
    await goToSection(typist1, 'lijst-1');
    await field.fill(String(form.lists[0]!.candidates[0]));
    assert.equal(await field.getAttribute('aria-invalid'), null);
    assert.equal(await error.isHidden(), true);
    await typist1.locator('[data-panel="invalid"]').waitFor({ state: 'detached' });

    // Candidates with 0 votes left empty: the form says so and offers to set them to 0.
    await fill(typist1, values, (id) => /^list\.\d+\.\d+$/.test(id) && values.find(([k]) => k === id)![1] === 0);
    await submit(typist1);
    await typist1.getByRole('heading', { name: 'Nog niet alle velden zijn ingevuld' }).waitFor();
    assert.ok((await typist1.locator('input.marked').count()) > 0);
    await screenshot(typist1, 'p2-07-lege-velden', false);
    await typist1.getByRole('button', { name: 'Lege kandidaatvelden op 0 zetten' }).click();
    await typist1.getByRole('dialog', { name: 'Lege kandidaatvelden op 0 zetten' }).getByRole('button', { name: 'Op 0 zetten' }).click();
    await typist1.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await typist1.locator('input.marked').count(), 0);
    await submit(typist1);
    await expectSaved(typist1, 'Geblokkeerd voor tweede invoer');
  });

  it('de andere gemeenten: eerste invoer door invoer1 (Urk met waarschuwing W.205 bevestigd); het open overzicht van de leider ververst zichzelf; filter', async () => {
    // The leader keeps the overview open; it follows the typist without any navigation.
    await menu(leader, 'Invoeren stemmen status').click();
    await leader.locator('tr[data-code="0050"][data-indicator="geen_invoer"]').waitFor();
    const url = leader.url();
    const marker = await leader.evaluate(() => ((window as unknown as { __h19: number }).__h19 = Math.random()));
    for (const code of ['0050', '0171', '0184'] as const) {
      await typeEntry(typist1, code, forms.get(code)!, 'Geblokkeerd voor tweede invoer', code === WARNING_CODE ? ['W.205'] : []);
    }
    await leader.locator('tr[data-code="0184"][data-indicator="invoer_aanwezig"]').waitFor({ timeout: 15_000 });
    await leader.locator('tr[data-code="0050"][data-indicator="invoer_aanwezig"]').waitFor();
    assert.equal(leader.url(), url, 'no navigation');
    assert.equal(await leader.evaluate(() => (window as unknown as { __h19: number }).__h19), marker, 'no reload');

    // Filter chips: only the rows of the chosen status; the chip again or "Alle" shows all.
    const codes = async () => (await leader.locator('tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).sort();
    await leader.locator('.filters .chip[data-indicator="afgerond"]').click();
    assert.equal(await leader.locator('.filters .chip[data-indicator="afgerond"]').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await codes(), ['0034', '0303']);
    await leader.locator('.filters .chip[data-indicator="invoer_aanwezig"]').click();
    assert.deepEqual(await codes(), ['0050', '0171', '0184', '0995']);
    assert.equal(await leader.locator('tbody tr:not([data-indicator="invoer_aanwezig"])').count(), 0);
    await screenshot(leader, 'p2-08a-status-filter');
    await leader.locator('.filters .chip[data-indicator="geen_invoer"]').click();
    await leader.getByText('Geen gemeenten met deze status.').waitFor();
    await leader.locator('.filters').getByRole('button', { name: /^Alle/ }).click();
    await expectCount(leader.locator('tbody tr'), 6);

    // invoer1 cannot do the second entry of its own first entries.
    await menu(typist1, 'Invoer stemmen').click();
    await typist1.locator('tr[data-code="0050"]').filter({ hasText: 'U deed de eerste invoer' }).waitFor();
    await screenshot(typist1, 'p2-08-gemeente-kiezen');
  });

  it('tweede invoer door invoer2; Zeewolde met een tikfout: niet identiek, bevestigd', async () => {
    for (const code of TYPED.filter((c) => c !== TYPO_CODE)) {
      await typeEntry(typist2, code, forms.get(code)!, 'Invoer afgerond', code === WARNING_CODE ? ['W.205'] : []);
    }
    const form = forms.get(TYPO_CODE)!;
    const typo = changeForm(form, { 'list.1.1': (form.lists[0]!.candidates[0] ?? 0) + 10, 'list.1': (form.lists[0]!.total ?? 0) + 10 });
    await openEntry(typist2, TYPO_CODE);
    await fill(typist2, fieldValues(typo));
    await submit(typist2, /Tweede invoer afronden/);
    await typist2.getByRole('heading', { name: 'Eerste en tweede steminvoer zijn niet identiek' }).waitFor();
    // The differing fields are marked, without the first entry's numbers.
    const marked = await typist2.locator('input.marked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).dataset.field));
    assert.deepEqual(marked.sort(), ['list.1', 'list.1.1']);
    assert.ok(!(await typist2.locator('.submit-panel').innerText()).includes(String(form.lists[0]!.candidates[0])));
    await screenshot(typist2, 'p2-09-niet-identiek', false);
    // "Corrigeren steminvoer": back to the form at the first differing field, still marked.
    await typist2.getByRole('button', { name: 'Corrigeren steminvoer' }).click();
    await typist2.getByRole('heading', { name: 'Eerste en tweede steminvoer zijn niet identiek' }).waitFor({ state: 'detached' });
    await typist2.waitForFunction(() => ['list.1', 'list.1.1'].includes((document.activeElement as HTMLInputElement | null)?.dataset.field ?? ''));
    await expectCount(typist2.locator('input.marked'), 2);
    // The typist checks the paper and keeps the numbers: not identical again, then confirmed.
    await submit(typist2, /Tweede invoer afronden/);
    await typist2.getByRole('heading', { name: 'Eerste en tweede steminvoer zijn niet identiek' }).waitFor();
    await typist2.getByRole('button', { name: 'Bevestigen steminvoer' }).click();
    await expectSaved(typist2, 'verkiezingsleider');
  });

  it('de verkiezingsleider ziet het verschil naast elkaar en neemt de eerste invoer over (definitief)', async () => {
    await menu(leader, 'Invoeren stemmen status').click();
    const row = leader.locator(`tr[data-code="${TYPO_CODE}"]`);
    await leader.locator(`tr[data-code="${TYPO_CODE}"][data-indicator="waarschuwing"]`).waitFor();
    await screenshot(leader, 'p2-10-status-verschil');
    await row.getByRole('link').click();
    await leader.getByRole('heading', { name: 'Verschillen tussen eerste en tweede invoer' }).waitFor();
    const diffRows = leader.locator('.diff-table tbody tr');
    await diffRows.first().waitFor();
    await expectCount(diffRows, 2);
    const form = forms.get(TYPO_CODE)!;
    const cand = await leader.locator('.diff-table tr[data-field="list.1.1"]').innerText();
    assert.match(cand, new RegExp(`${form.lists[0]!.candidates[0]}\\s+${form.lists[0]!.candidates[0]! + 10}`));
    await screenshot(leader, 'p2-11-verschillen');
    await leader.getByRole('button', { name: 'Eerste invoer overnemen' }).click();
    const dialog = leader.getByRole('dialog', { name: 'Eerste invoer overnemen' });
    await dialog.getByLabel(/Reden/).fill('Tikfout in de tweede invoer (lijst 1, kandidaat 1); proces-verbaal gecontroleerd.');
    await dialog.getByRole('button', { name: 'Eerste invoer overnemen' }).click();
    await leader.locator('.toast.success').filter({ hasText: 'Eerste invoer overnemen' }).waitFor();
    // "Eerste invoer overnemen" is final (guide step 9): no new second entry is typed.
    await leader.locator('.detail-status [data-indicator="afgerond"]').waitFor();
  });

  it('alle 6 gemeenten afgerond; de verkiezingsleider kan fase 3 activeren; presentatie voor alleen lezen', async () => {
    await menu(leader, 'Invoeren stemmen status').click();
    await leader.getByTestId('progress-text').filter({ hasText: '6 van 6 gemeenten afgerond' }).waitFor({ timeout: 10_000 });
    await expectCount(leader.locator('tbody tr[data-indicator="afgerond"]'), 6);
    await leader.locator('#main').getByRole('link', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    await screenshot(leader, 'p2-12-status-afgerond');
    await menu(leader, 'Fases verkiezingsproces').click();
    const phase3 = leader.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' });
    await phase3.waitFor();
    assert.equal(await phase3.isDisabled(), false);
    assert.match(await phase3.getAttribute('class') ?? '', /primary/);

    const reader = await logIn('lezer');
    await menu(reader, 'Invoeren stemmen status').click();
    await reader.getByRole('link', { name: 'Presentatie' }).click();
    await reader.getByRole('heading', { name: 'Voortgang steminvoer' }).waitFor();
    await reader.getByTestId('progress-text').filter({ hasText: '6 van 6 gemeenten afgerond' }).waitFor();
    await expectCount(reader.locator('.projector-list li[data-indicator="afgerond"]'), 6);
    assert.equal(await reader.getByRole('navigation', { name: 'Hoofdmenu' }).count(), 0);
    await screenshot(reader, 'p2-13-presentatie', false);
  });
});
