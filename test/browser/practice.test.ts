/**
 * Browser test, practice mode ("OEFENING") with the real TK2021 files of kieskring Lelystad, on
 * today's clock (years after the election): the beheerder chooses "Oefening" at "Aanmaken
 * verkiezing" (the forced password change does not ask again for the password just typed, the
 * top bar shows no phase before the election exists, the import is confirmed), every screen shows
 * the OEFENING banner and title, "Ophalen (downloaden) publieke sleutel" works for the past
 * election with a certificate valid from now; the leader's confirmations warn about what later
 * steps still need; every municipality typed twice (through the API); Definitief maken; Aanmaken
 * bestanden; the documents overview lists six files named OEFENING_…; the 510c equals the
 * official file but for its creation time; the CSV says OEFENING.
 */
import { enterAcknowledged } from '../support/counts.ts';
import { typedForm } from '../support/documents.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  KIESKRING_FILE,
  LELYSTAD_MUNICIPALITIES,
  LISTS_FILE,
  importCandidateListsFile,
} from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { ADMIN_PASSWORD, TestClock, USER_PASSWORD, adminClient, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { assertUiBuilt, changePassword, expectCount, launchBrowser, login, newPage, screenshot } from './support.ts';

const WITHOUT_TIME = (b: Buffer) => b.toString('utf8').replace(/<kr:CreationDateTime>[^<]*<\/kr:CreationDateTime>/, '');

const menu = (page: Page, name: string) => page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name, exact: true });

describe('browser: practice mode (OEFENING) with the real TK2021 files', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let leader: Page;
  let adminApi: ApiClient;
  let typists: ApiClient[];
  let work: string;

  before(async () => {
    assertUiBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'uitslag-oefening-'));
    // Today's clock: TK2021 (17 March 2021) plus 3 months lies years in the past.
    server = await startTestServer({ clock: new TestClock(new Date()), tls: true });
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    admin = await newPage(browser, server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('first login: the new password only; no phase in the top bar before an election exists', async () => {
    await admin.goto('/');
    await login(admin, 'admin', server.adminInitialPassword!);
    assert.equal(await admin.title(), 'Nieuw wachtwoord instellen – Uitslag');
    await changePassword(admin, ADMIN_PASSWORD);
    server.adminReady = true;
    await admin.getByRole('heading', { name: 'Aanmaken verkiezing', level: 1 }).waitFor();
    assert.equal(await admin.locator('header.top').getByText('Nog geen verkiezing').count(), 1);
    assert.equal(await admin.locator('header.top .badge').count(), 0, 'geen fase zonder verkiezing');
    assert.equal(await admin.title(), 'Aanmaken verkiezing – Uitslag');
  });

  test('Aanmaken verkiezing as Oefening: confirmed, then the OEFENING banner and title on every screen', async () => {
    await admin.getByLabel('Bestand met verkiezingsdefinitie').setInputFiles(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'));
    await admin.getByRole('heading', { name: 'Hashcode' }).waitFor();
    await admin.getByLabel(/De hashcode is gelijk/).check();
    await admin.getByLabel('Stemgebied', { exact: true }).selectOption('K5');
    // The election lies in the past: the screen points at Oefening.
    assert.match(await admin.locator('#practice-uitleg').innerText(), /ligt in het verleden: kies Oefening/);
    await admin.getByLabel(/^Oefening \(OEFENING\)/).check();
    await screenshot(admin, 'oefening-01-aanmaken');
    await admin.getByRole('button', { name: 'Importeren' }).click();
    await admin.locator('.toast.success').filter({ hasText: 'De verkiezing Tweede Kamer der Staten-Generaal 2021 is aangemaakt' }).waitFor();
    await admin.getByRole('heading', { name: 'Importeren kandidatenlijsten', level: 1 }).waitFor();
    await admin.getByTestId('practice-banner').waitFor();
    assert.match(await admin.getByTestId('practice-banner').innerText(), /OEFENING/);
    assert.equal(await admin.title(), 'OEFENING – Importeren kandidatenlijsten – Uitslag');
    assert.equal(await admin.locator('header.top .badge').innerText(), 'Fase 1');
    await screenshot(admin, 'oefening-02-banner');

    adminApi = await adminClient(server);
    await importCandidateListsFile(adminApi, LISTS_FILE);
    // Tonen kandidatenlijsten: names as the form and the PV print them.
    await menu(admin, 'Tonen kandidatenlijsten').click();
    await admin.getByRole('heading', { name: 'Tonen kandidatenlijsten', level: 1 }).waitFor();
    await admin.goto('/#/verkiezing/kandidatenlijsten/1');
    await admin.getByRole('cell', { name: 'Ark, T. van (Tamara)', exact: true }).waitFor();
    assert.equal(await admin.getByText('van Ark, T.').count(), 0);
  });

  test('Ophalen (downloaden) publieke sleutel for the past election: a certificate valid from now', async () => {
    await menu(admin, 'Ophalen (downloaden) publieke sleutel').click();
    await admin.getByRole('heading', { name: 'Ophalen (downloaden) publieke sleutel', level: 1 }).waitFor();
    const [download] = await Promise.all([
      admin.waitForEvent('download', { timeout: 120_000 }),
      admin.getByRole('button', { name: 'Ophalen (downloaden)' }).click(),
    ]);
    const file = path.join(work, download.suggestedFilename());
    await download.saveAs(file);
    assert.match(readFileSync(file, 'utf8'), /-----BEGIN CERTIFICATE-----/);
    const key = (await adminApi.get('/api/keys/own')).json.key;
    assert.ok(Math.abs(new Date(key.notBefore).getTime() - server.clock.now().getTime()) < 10 * 60_000, `geldig vanaf nu: ${key.notBefore}`);
    assert.ok(new Date(key.notAfter).getTime() > server.clock.now().getTime(), `nog geldig: ${key.notAfter}`);
  });

  test('Activeren steminvoer fase: the confirmation names what later steps still need', async () => {
    // The users (their first-login password change done through the API).
    await userClient(server, adminApi, 'verkiezingsleider', 'leider');
    typists = [await userClient(server, adminApi, 'invoer', 'invoer1'), await userClient(server, adminApi, 'invoer', 'invoer2')];
    leader = await newPage(browser, server.url);
    await leader.goto('/');
    await login(leader, 'leider', USER_PASSWORD + '!');
    await leader.getByTestId('practice-banner').waitFor();
    // Before phase 2, Importeren steminvoer says what comes first instead of offering a file chooser.
    await menu(leader, 'Importeren steminvoer').click();
    const notNow = leader.getByTestId('import-not-now');
    await notNow.waitFor();
    assert.match(await notNow.innerText(), /pas in fase 2.*“Activeren steminvoer fase”/s);
    assert.equal(await leader.getByLabel('Tellingbestand van de gemeente').count(), 0);
    await menu(leader, 'Fases verkiezingsproces').click();
    await leader.getByRole('heading', { name: 'Verkiezingsproces', level: 1 }).waitFor();
    await leader.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    const dialog = leader.getByRole('dialog', { name: 'Activeren steminvoer fase' });
    await dialog.getByTestId('later-steps').waitFor();
    const kinds = await dialog.getByTestId('later-steps').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    // The own key exists; the municipalities' keys and the PV details do not yet.
    assert.deepEqual(kinds, ['municipality_keys', 'pv_details']);
    assert.match(await dialog.innerText(), /“Tonen stemgebieden”/);
    await screenshot(leader, 'oefening-03-fase-2');
    await dialog.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    await leader.getByText(/Fase 2 .* is actief\./).waitFor();
  });

  test('every municipality typed twice; Definitief maken; Aanmaken bestanden; documents overview all OEFENING_', async () => {
    const [t1, t2] = typists as [ApiClient, ApiClient];
    for (const m of LELYSTAD_MUNICIPALITIES) {
      const form = await typedForm(m.code);
      for (const t of [t1, t2]) await enterAcknowledged(t, m.code, form);
    }
    await menu(leader, 'Definitief maken & PV gebiedsuitslag').click();
    await leader.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag', level: 1 }).waitFor();
    await leader.getByTestId('finalise-complete').filter({ hasText: '6 van 6' }).waitFor();
    await leader.getByLabel('Plaats').fill('Lelystad, provinciehuis');
    await leader.getByLabel('Datum').fill('19 maart 2021');
    await leader.getByLabel('Tijd').fill('10:00 uur');
    await leader.getByRole('button', { name: 'Lid toevoegen' }).click();
    await leader.locator('input[name="member-0-name"]').fill('mr. J. de Vries');
    await leader.locator('input[name="member-0-role"]').fill('voorzitter');
    await leader.getByLabel('Overige opmerkingen (niet verplicht)').fill('Oefening voor de verkiezingsavond.');
    await leader.getByRole('button', { name: 'Opslaan gegevens proces-verbaal' }).click();
    await leader.getByText('De gegevens van het proces-verbaal zijn opgeslagen.').waitFor();
    await leader.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).click();
    const dialog = leader.getByRole('dialog', { name: 'Definitief maken & PV gebiedsuitslag' });
    await dialog.getByRole('button', { name: 'Definitief maken', exact: true }).waitFor();
    assert.equal(await dialog.getByTestId('later-steps').count(), 0, 'nothing missing for the files: own key and PV details are there');
    await dialog.getByRole('button', { name: 'Definitief maken', exact: true }).click();
    await leader.getByRole('heading', { name: 'Aanmaken bestanden na definitief maken', level: 1 }).waitFor();
    await leader.getByRole('button', { name: 'Aanmaken', exact: true }).click();
    await leader.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    await leader.getByRole('link', { name: 'Tonen documentenoverzicht' }).first().click();
    await leader.getByRole('heading', { name: 'Documentenoverzicht', level: 1 }).waitFor();
    assert.equal(await leader.title(), 'OEFENING – Documentenoverzicht – Uitslag');
    const rows = leader.locator('tbody tr');
    await expectCount(rows, 6);
    await screenshot(leader, 'oefening-04-documenten');
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 6; i++) {
      const [download] = await Promise.all([leader.waitForEvent('download'), rows.nth(i).getByRole('link').click()]);
      const f = path.join(work, download.suggestedFilename());
      await download.saveAs(f);
      files.set(download.suggestedFilename(), readFileSync(f));
    }
    assert.deepEqual([...files.keys()].sort(), [
      'OEFENING_Model_O3_TK2021_kieskring_Lelystad.odt',
      'OEFENING_Model_O3_TK2021_kieskring_Lelystad.pdf',
      'OEFENING_Telling_TK2021_kieskring_Lelystad.eml.xml',
      'OEFENING_Telling_TK2021_kieskring_Lelystad.zip',
      'OEFENING_Telling_TK2021_kiesraad_Lelystad.zip',
      'OEFENING_osv4-3_telling_tk2021_kieskring_lelystad.csv',
    ]);
    // The 510c bytes as in a real run: the official file but for its creation time.
    const ours = files.get('OEFENING_Telling_TK2021_kieskring_Lelystad.eml.xml')!;
    assert.ok(WITHOUT_TIME(ours) === WITHOUT_TIME(readFileSync(eml('tk2021', KIESKRING_FILE))), '510c equal to the official file but for the time');
    const csv = files.get('OEFENING_osv4-3_telling_tk2021_kieskring_lelystad.csv')!.toString('utf8');
    assert.match(csv.split('\n')[0]!, /"OEFENING – Tweede Kamer der Staten-Generaal 2021"/);
  });
});
