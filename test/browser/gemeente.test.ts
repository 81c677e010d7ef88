/**
 * The gemeente installation in the browser (issue 5): Almere (0034) in kieskring 5 Lelystad, with the
 * real TK2021 110a and the Lelystad 230b.
 * - the beheerder chooses the municipality as stemgebied on "Aanmaken verkiezing" (search field,
 *   kieskringen and municipalities in one list), downloads the gemeente's public key (UID=PSB0034);
 * - "Stembureaus": a bad CSV shows its line errors, a good CSV imports one station, two are added by
 *   form, one is edited, one extra is added and deleted (confirmed);
 * - the verkiezingsleider activates phase 2; two typists enter each polling station (no Z on a
 *   polling-station PV; in between, Definitief maken lists each station's missing second entry);
 *   the overview says "3 van 3 stembureaus afgerond", has postcodes and no "Importeren steminvoer";
 * - "Nog niet afgerond": the eligible voters are missing (eligible-missing, button disabled, the
 *   server refuses); the beheerder enters them in phase 2, then Definitief maken is possible;
 * - the leader makes the result final (phase 3) and, when the server renders a gemeente's documents,
 *   creates them: the overview lists the 510b and Telling_TK2021_gemeente_Almere.zip.
 * Candidate lists go through the API (the screen is the HSB's, tested in phase1.test.ts).
 * Tests in this file build on each other (one server, one browser).
 */
import { menu } from './support.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { EntryForm } from '../../src/domain/entry.ts';
import { changeForm, formFromOfficial } from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { ADMIN_PASSWORD, USER_PASSWORD, adminClient, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { importCandidateLists } from '../server/fixtures.ts';
import { assertUiBuilt, fieldValues, launchBrowser, login, newPage, screenshot, setFields, expectCount } from './support.ts';

const DEFINITION = eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml');
const PASSWORD = USER_PASSWORD + '!';
const ELIGIBLE = 160_000;

/** The three polling stations and the PV each gets: the totals of a small Lelystad municipality, without Z. */
const STATIONS = [
  { number: 1, name: 'Stadhuis', postcode: '1315 HR', from: '0184' },
  { number: 2, name: 'Bibliotheek De Nieuwe Bibliotheek', postcode: '1315 AB', from: '0050' },
  { number: 3, name: 'Sporthal Almere Haven', postcode: '1354 AA', from: '0171' },
] as const;

let server: TestServer;
let browser: Browser;
let adminApi: ApiClient;
let readerApi: ApiClient;
let leaderClient: ApiClient;
const leaderApi = (): ApiClient => leaderClient;
let admin: Page;
let leader: Page;
let typist1: Page;
let typist2: Page;
const forms = new Map<string, EntryForm>();

async function logIn(username: string, password: string): Promise<Page> {
  const page = await newPage(browser, server.url);
  await page.goto('/');
  await login(page, username, password);
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
  return page;
}

/** Fill the whole form quickly (value + input event, as typing does), every page of it. */
async function fill(page: Page, form: EntryForm): Promise<void> {
  await setFields(page, fieldValues(form));
}

/** A typist enters one polling station: open it from "Invoer stemmen", fill, finish (acknowledging warnings). */
async function enter(page: Page, code: string, form: EntryForm, orange: string): Promise<void> {
  await menu(page, 'Invoer stemmen').click();
  await page.getByRole('heading', { name: 'Invoer stemmen' }).waitFor();
  await page.locator(`tr[data-code="${code}"] a.button`).click();
  await page.locator('form.entry-form input[data-field="A"]').waitFor();
  await fill(page, form);
  await page.getByRole('button', { name: /invoer afronden/i }).click();
  const saved = page.locator('.toast.success').filter({ hasText: 'De invoer is opgeslagen' }).first();
  const warnings = page.getByRole('heading', { name: /Controle: waarschuwingen/ });
  await Promise.race([saved.waitFor(), warnings.waitFor()]);
  if (await warnings.isVisible()) {
    for (const box of await page.locator('.submit-panel input[type="checkbox"]').all()) await box.check();
    await page.getByRole('button', { name: /invoer afronden/i }).click();
    await saved.waitFor();
  }
  await page.locator('.toast.warning').filter({ hasText: orange }).first().waitFor();
  await page.getByRole('heading', { name: 'Invoer stemmen' }).waitFor();
}

describe('gemeente-installatie in de browser (TK2021, gemeente Almere in kieskring 5 Lelystad)', () => {
  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ tls: true });
    adminApi = await adminClient(server);
    leaderClient = await userClient(server, adminApi, 'verkiezingsleider', 'leider');
    await userClient(server, adminApi, 'invoer', 'invoer1');
    await userClient(server, adminApi, 'invoer', 'invoer2');
    readerApi = await userClient(server, adminApi, 'alleen_lezen', 'lezer');
    for (const s of STATIONS) forms.set(`SB${s.number}`, changeForm(await formFromOfficial(s.from), { Z: null }));
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    admin = await logIn('admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('Aanmaken verkiezing: de beheerder kiest de gemeente Almere als stemgebied (zoeken in kieskringen en gemeenten)', async () => {
    const page = admin;
    await page.getByRole('heading', { name: 'Aanmaken verkiezing' }).waitFor();
    await page.getByLabel('Bestand met verkiezingsdefinitie').setInputFiles(DEFINITION);
    await page.getByLabel('De hashcode is gelijk aan de hashcode die de Kiesraad heeft gepubliceerd').check();
    await page.locator('#stemgebied-uitleg').filter({ hasText: 'Kies de kieskring als dit programma voor het hoofdstembureau is, of uw gemeente' }).waitFor();
    const select = page.getByLabel('Stemgebied', { exact: true });
    // The whole list: the kieskringen (HSB) and every municipality grouped per kieskring.
    await expectCount(select.locator('optgroup[label="Kieskringen (hoofdstembureau)"] option'), 20);
    assert.ok((await select.locator('optgroup[label^="Gemeenten in kieskring"] option').count()) > 300);
    await screenshot(page, 'g-01-stemgebied-lijst');
    // Searching narrows the list to Almere.
    await page.getByLabel('Zoek een kieskring of gemeente').fill('almere');
    await expectCount(select.locator('optgroup[label="Gemeenten in kieskring 5 Lelystad"] option'), 1);
    const options = (await select.locator('option').allTextContents()).map((t) => t.trim());
    assert.deepEqual(options.slice(1), ['Gemeente Almere']);
    await select.selectOption({ label: 'Gemeente Almere' });
    const choice = page.getByTestId('stemgebied-keuze');
    assert.match(await choice.innerText(), /installatie van Gemeente Almere \(code 0034\)/);
    assert.match(await choice.innerText(), /kieskring 5 Lelystad/);
    await screenshot(page, 'g-02-stemgebied-almere');
    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    await page.getByRole('heading', { name: 'Importeren kandidatenlijsten' }).waitFor();
    // The header names the installation: the gemeente, not the kieskring.
    await page.getByTestId('stemgebied').filter({ hasText: 'Gemeente Almere' }).waitFor();
    const e = await readerApi.get('/api/election');
    assert.deepEqual(e.json.election.stemgebied, { category: 'GEMEENTE', number: 34, code: '0034', name: 'Almere', kieskring: { number: 5, name: 'Lelystad' } });
  });

  it('kandidatenlijsten (API); publieke sleutel van de gemeente (UID=PSB0034) downloaden; menu zonder sleutelimport', async () => {
    await importCandidateLists(adminApi);
    const page = admin;
    await menu(page, 'Ophalen (downloaden) publieke sleutel').click();
    await page.getByRole('heading', { name: 'Ophalen (downloaden) publieke sleutel' }).waitFor();
    await page.getByTestId('own-key-for').filter({ hasText: 'Gemeente Almere' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      page.getByRole('button', { name: 'Ophalen (downloaden)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'public_key_uitslag_tk2021-gemeente_almere.crt');
    const facts = page.locator('.facts');
    await facts.filter({ hasText: 'UID=PSB0034' }).waitFor();
    assert.match(await facts.innerText(), /CN=Gemeente Almere/);
    await screenshot(page, 'g-03-publieke-sleutel');
    // Tonen stemgebieden: the municipality itself; no key import for other municipalities.
    await menu(page, 'Tonen stemgebieden').click();
    await page.getByRole('heading', { name: 'Tonen stemgebieden' }).waitFor();
    // The heading comes before the screen's data: wait for the municipality's row.
    await page.locator('main').getByText(/Gemeente Almere \(code 0034\)/).first().waitFor();
    assert.equal(await page.getByRole('link', { name: /Importeren publieke sleutel/ }).count(), 0);
  });

  it('Stembureaus: een fout CSV-bestand toont de regels met fouten; een goed bestand importeert één stembureau', async () => {
    const page = admin;
    await menu(page, 'Stembureaus').click();
    await page.getByRole('heading', { name: 'Stembureaus', exact: true }).waitFor();
    await page.getByTestId('no-stations').waitFor();
    const bad = ['nummer;naam;postcode', '1;Stadhuis;1315 HR', '1;Dubbel nummer;1315 HR', ';Zonder nummer;', '4;;1234 AB', '5;Postcode fout;0123 AB', ''].join('\r\n');
    await page.getByLabel('CSV-bestand met stembureaus').setInputFiles({ name: 'fout.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const errors = page.getByTestId('csv-errors');
    await errors.waitFor();
    const lines = (await errors.locator('li').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.line)))).sort((a, b) => a - b);
    assert.deepEqual(lines, [3, 4, 5, 6]);
    assert.match(await errors.innerText(), /Regel 3: .*komt al voor op regel 2/);
    await screenshot(page, 'g-04-csv-fouten');
    assert.equal((await readerApi.get('/api/polling-stations')).json.pollingStations.length, 0, 'alles of niets');

    const s = STATIONS[2];
    const good = `\uFEFFnummer;naam;postcode\r\n${s.number};${s.name};${s.postcode.replace(' ', '').toLowerCase()}\r\n`;
    await page.getByLabel('CSV-bestand met stembureaus').setInputFiles({ name: 'stembureaus.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByText('Eén stembureau is geïmporteerd.').waitFor();
    const row = page.locator(`table.stations tr[data-number="${s.number}"]`);
    assert.match(await row.innerText(), new RegExp(`${s.name}\\s+${s.postcode}`));
  });

  it('Stembureaus: twee toevoegen met het formulier, één wijzigen, een dubbel nummer geweigerd, één verwijderen (bevestigd)', async () => {
    const page = admin;
    const add = async (number: number, name: string, postcode: string) => {
      await page.getByLabel('Nummer', { exact: true }).fill(String(number));
      await page.getByLabel('Naam', { exact: true }).fill(name);
      await page.getByLabel('Postcode (niet verplicht)').fill(postcode);
      await page.getByRole('button', { name: 'Toevoegen', exact: true }).click();
    };
    await add(1, 'Stadhuis', '1315hr');
    await page.getByText('Stembureau 1 Stadhuis is toegevoegd.').waitFor();
    await add(2, 'Bibliotheek', '1315 ab');
    await page.getByText('Stembureau 2 Bibliotheek is toegevoegd.').waitFor();
    // The same number again: refused with the server's message.
    await add(2, 'Nog een bibliotheek', '');
    await page.getByTestId('station-form').getByRole('alert').waitFor();
    // Edit: the full name.
    await page.getByRole('button', { name: 'Wijzigen stembureau 2' }).click();
    await page.getByRole('heading', { name: 'Wijzigen stembureau 2' }).waitFor();
    await page.getByLabel('Naam', { exact: true }).fill(STATIONS[1].name);
    await page.getByRole('button', { name: 'Opslaan wijzigingen' }).click();
    await page.getByText(`Stembureau 2 ${STATIONS[1].name} is gewijzigd.`).waitFor();
    // An extra station, then deleted after the confirmation.
    await add(9, 'Proefstembureau', '');
    await page.getByText('Stembureau 9 Proefstembureau is toegevoegd.').waitFor();
    await page.getByRole('button', { name: 'Verwijderen stembureau 9' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stembureau verwijderen' });
    assert.match(await dialog.innerText(), /Proefstembureau/);
    await dialog.getByRole('button', { name: 'Verwijderen' }).click();
    await page.getByText('Stembureau 9 Proefstembureau is verwijderd.').waitFor();

    const list = (await readerApi.get('/api/polling-stations')).json.pollingStations as { number: number; name: string; postcode: string | null }[];
    assert.deepEqual(
      list.map((p) => [p.number, p.name, p.postcode]),
      STATIONS.map((s) => [s.number, s.name, s.postcode]),
    );
    await expectCount(page.locator('table.stations tbody tr'), 3);
    await screenshot(page, 'g-05-stembureaus');
  });

  it('de verkiezingsleider activeert de steminvoer fase; twee invoerders voeren elk stembureau in', async () => {
    leader = await logIn('leider', PASSWORD);
    // No count file import in a gemeente installation.
    assert.equal(await menu(leader, 'Importeren steminvoer').count(), 0);
    await menu(leader, 'Fases verkiezingsproces').click();
    await leader.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    const dialog = leader.getByRole('dialog', { name: 'Activeren steminvoer fase' });
    assert.match(await dialog.innerText(), /alle stembureaus, het aantal kiesgerechtigden/);
    await dialog.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    await leader.getByText(/Fase 2 .* is actief\./).waitFor();
    assert.equal((await readerApi.get('/api/phase')).json.phase, 2);

    typist1 = await logIn('invoer1', PASSWORD);
    typist2 = await logIn('invoer2', PASSWORD);
    await menu(typist1, 'Invoer stemmen').click();
    await typist1.getByText('Kies een stembureau om de aantallen van het proces-verbaal in te voeren.').waitFor();
    await expectCount(typist1.locator('tbody tr'), 3);
    assert.match(await typist1.locator('tr[data-code="SB1"]').innerText(), /Stadhuis\s+1315 HR/);
    await screenshot(typist1, 'g-06-stembureau-kiezen');

    for (const s of STATIONS) {
      const code = `SB${s.number}`;
      await enter(typist1, code, forms.get(code)!, 'Geblokkeerd voor tweede invoer');
    }
    // Definitief maken meanwhile: every station listed with what it lacks, and the eligible voters
    await menu(leader, 'Definitief maken & PV gebiedsuitslag').click();
    await leader.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    assert.equal(await leader.getByTestId('finalise-complete').textContent(), '0 van 3');
    assert.deepEqual(
      (await leader.getByTestId('finalise-missing').locator('li').allTextContents()).map((t) => t.trim()),
      STATIONS.map((s) => `${s.name} (SB${s.number}): De tweede invoer ontbreekt.`),
    );
    await leader.getByTestId('eligible-missing').waitFor();
    // The form of a polling station: Z may stay empty (not required), the heading names the station.
    await menu(typist2, 'Invoer stemmen').click();
    await typist2.locator('tr[data-code="SB2"] a.button').click();
    await typist2.getByRole('heading', { name: `Tweede invoer stembureau 2 ${STATIONS[1].name}` }).waitFor();
    assert.match(await typist2.locator('label[for="veld-Z"]').innerText(), /\(niet verplicht\)/);
    await typist2.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.dataset.field === 'A');
    await screenshot(typist2, 'g-07-invoer-stembureau', false);
    for (const s of STATIONS) {
      const code = `SB${s.number}`;
      await enter(typist2, code, forms.get(code)!, 'Invoer afgerond');
    }
  });

  it('het overzicht: 3 van 3 stembureaus afgerond, met postcode; het detail van een stembureau', async () => {
    await menu(leader, 'Invoeren stemmen status').click();
    await leader.getByTestId('progress-text').filter({ hasText: '3 van 3 stembureaus afgerond' }).waitFor({ timeout: 10_000 });
    await expectCount(leader.locator('tbody tr[data-indicator="afgerond"]'), 3);
    assert.deepEqual(
      (await leader.locator('table.status-table thead th').allTextContents()).map((t) => t.trim()).slice(1, 4),
      ['Nr.', 'Stembureau', 'Postcode'],
    );
    assert.match(await leader.locator('tr[data-code="SB3"]').innerText(), /Sporthal Almere Haven\s+1354 AA/);
    await screenshot(leader, 'g-08-status-afgerond');
    await leader.locator('tr[data-code="SB1"]').getByRole('link', { name: 'Stadhuis' }).click();
    await leader.getByRole('heading', { name: 'Stembureau 1 Stadhuis' }).waitFor();
    assert.match(await leader.locator('.facts').innerText(), /1315 HR/);
    assert.equal(await leader.getByRole('link', { name: 'Importeren steminvoer' }).count(), 0);
  });

  it('Nog niet afgerond: zonder het aantal kiesgerechtigden kan de uitslag niet definitief worden gemaakt', async () => {
    await menu(leader, 'Definitief maken & PV gebiedsuitslag').click();
    await leader.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    assert.equal(await leader.getByTestId('finalise-complete').textContent(), '3 van 3');
    assert.equal(await leader.getByTestId('finalise-missing').count(), 0, 'every station is complete');
    const missing = leader.getByTestId('eligible-missing');
    assert.match(await missing.innerText(), /aantal kiesgerechtigden van de gemeente is nog niet ingevuld/);
    assert.equal(await missing.getByRole('link', { name: 'Stembureaus' }).getAttribute('href'), '#/verkiezing/stembureaus');
    assert.equal(await leader.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).isDisabled(), true);
    await screenshot(leader, 'g-08b-kiesgerechtigden-ontbreken');
    // the server refuses too, with the reason
    const refused = await leaderApi().post('/api/finalise');
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'phase.not_ready');
    assert.equal(refused.json.error.eligibleVotersMissing, true);
    assert.deepEqual(refused.json.error.missing, []);
    assert.match(refused.json.error.message, /kiesgerechtigden/);
    assert.equal((await readerApi.get('/api/phase')).json.phase, 2);
  });

  it('Aantal kiesgerechtigden van de gemeente (door de beheerder, in fase 2); daarna is Definitief maken mogelijk', async () => {
    const page = admin;
    await menu(page, 'Stembureaus').click();
    await page.getByRole('heading', { name: 'Stembureaus', exact: true }).waitFor();
    await page.getByLabel('Aantal kiesgerechtigden van de gemeente').fill(String(ELIGIBLE));
    await page.getByRole('button', { name: 'Opslaan kiesgerechtigden' }).click();
    await page.getByTestId('eligible-status').filter({ hasText: 'Opgeslagen: 160.000' }).waitFor();
    assert.equal((await readerApi.get('/api/polling-stations')).json.eligibleVoters.count, ELIGIBLE);
    await leader.reload();
    await leader.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    await leader.getByTestId('finalise-complete').waitFor();
    assert.equal(await leader.getByTestId('eligible-missing').count(), 0);
    assert.equal(await leader.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).isDisabled(), false);
  });

  it('de verkiezingsleider maakt de uitslag definitief (fase 3) en maakt de documenten van de gemeente aan', async (t) => {
    await menu(leader, 'Definitief maken & PV gebiedsuitslag').click();
    await leader.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    assert.equal(await leader.getByTestId('finalise-complete').textContent(), '3 van 3');
    assert.match(await leader.locator('main').innerText(), /3 van 3 stembureaus/);
    await leader.getByLabel('Plaats').fill('Almere, stadhuis');
    await leader.getByLabel('Datum').fill('18 maart 2021');
    await leader.getByLabel('Tijd').fill('14:00 uur');
    await leader.getByRole('button', { name: 'Lid toevoegen' }).click();
    await leader.locator('input[name="member-0-name"]').fill('mr. A. Jansen');
    await leader.locator('input[name="member-0-role"]').fill('voorzitter');
    await leader.getByRole('button', { name: 'Opslaan gegevens proces-verbaal' }).click();
    await leader.getByText('De gegevens van het proces-verbaal zijn opgeslagen.').waitFor();
    await leader.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).click();
    await leader.getByRole('dialog').getByRole('button', { name: 'Definitief maken', exact: true }).click();
    await leader.getByRole('heading', { name: 'Aanmaken bestanden na definitief maken' }).waitFor();
    assert.equal((await readerApi.get('/api/phase')).json.phase, 3);
    assert.match(await leader.locator('main').innerText(), /EML 510b/);

    // The gemeente's documents (510b, PV, CSV, zip) come with the server's phase 3 for a gemeente.
    const kinds = ((await readerApi.get('/api/documents')).json?.kinds ?? []) as { kind: string }[];
    assert.ok(kinds.some((k) => k.kind === 'eml510b'), 'a gemeente makes an EML 510b');
    await leader.getByRole('button', { name: 'Aanmaken', exact: true }).click();
    await leader.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    await leader.getByRole('link', { name: 'Tonen documentenoverzicht' }).first().click();
    await leader.getByRole('heading', { name: 'Documentenoverzicht' }).waitFor();
    await leader.locator('tbody tr').first().waitFor();
    const names = (await leader.locator('table.documents td.file a').allTextContents()).map((n) => n.trim());
    assert.ok(names.includes('Telling_TK2021_gemeente_Almere.zip'), names.join(', '));
    assert.ok(names.some((n) => /^Telling_TK2021_gemeente_Almere\.eml\.xml$/.test(n)), names.join(', '));
    await expectCount(leader.locator('tbody tr[data-kind="eml510b"]'), 1);
    await screenshot(leader, 'g-09-documenten');
  });
});
