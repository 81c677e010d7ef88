/**
 * Phase 1 in the browser, as the roles do it (guide steps 1-6), against the real server with the
 * real TK2021 files of kieskring 5 Lelystad. Tests in this file build on each other (one server,
 * one browser).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { eml } from '../support/paths.ts';
import { ADMIN_INITIAL_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { generateRsaKeyPair } from '../../src/crypto/keys.ts';
import { createSelfSignedCertificate, municipalitySubject } from '../../src/crypto/certificate.ts';
import { assertUiBuilt, changePassword, launchBrowser, login, menuItems, newPage, screenshot, expectCount } from './support.ts';

const DEFINITION = eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml');
const CANDIDATES = eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').toUpperCase();

const ADMIN_NEW = 'beheerder-nachtdienst-2021';
const INITIAL = { leider: 'start-leider-001', invoer: 'start-invoer-001', lezer: 'start-lezer-0001' };
const OWN = { leider: 'leider-eigen-wachtwoord', invoer: 'invoer-eigen-wachtwoord', lezer: 'lezer-eigen-wachtwoord' };

let server: TestServer;
let browser: Browser;
let admin: Page;
let tmp: string;

describe('fase 1 in de browser (TK2021, kieskring 5 Lelystad)', () => {
  before(async () => {
    assertUiBuilt();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'uitslag-browser-'));
    server = await startTestServer({ tls: true });
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    admin = await newPage(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('admin logt de eerste keer in en moet een nieuw wachtwoord kiezen (beleid in het Nederlands)', async () => {
    const page = admin;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
    // Wrong password: a Dutch message, still on the login screen.
    await page.getByLabel('Gebruikersnaam').fill('admin');
    await page.getByLabel('Wachtwoord', { exact: true }).fill('niet-het-goede-wachtwoord');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /[a-z]/);
    await login(page, 'admin', ADMIN_INITIAL_PASSWORD);

    await page.getByRole('heading', { name: 'Nieuw wachtwoord instellen' }).waitFor();
    assert.match(await page.locator('#password-policy').innerText(), /minstens 12 tekens/);
    // Too short: refused with the policy text (the password just typed is not asked again).
    await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('kort');
    await page.getByLabel('Herhaal nieuw wachtwoord').fill('kort');
    await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
    await page.getByRole('alert').filter({ hasText: 'minstens 12 tekens' }).waitFor();
    await screenshot(page, '01-wachtwoord');
    await changePassword(page, ADMIN_NEW);

    // No election yet: the beheerder lands on "Aanmaken verkiezing" (guide step 2).
    await page.getByRole('heading', { name: 'Aanmaken verkiezing' }).waitFor();
    const items = await menuItems(page);
    for (const item of [
      'Aanmaken verkiezing',
      'Importeren kandidatenlijsten',
      'Ophalen (downloaden) publieke sleutel',
      'Tonen stemgebieden',
      'Gebruikersbeheer',
      'Aanmaken gebruiker',
      'Auditlog',
    ]) {
      assert.ok(items.includes(item), `menu mist ${item}: ${items.join(', ')}`);
    }
  });

  it('beheerder maakt een verkiezingsleider, een invoerder en een alleen-lezen gebruiker aan', async () => {
    const page = admin;
    await page.getByRole('link', { name: 'Aanmaken gebruiker' }).click();
    const users: [string, string, string, string][] = [
      ['leider', 'Lea Leider', 'Verkiezingsleider', INITIAL.leider],
      ['invoer1', 'Ivo Invoer', 'Invoer', INITIAL.invoer],
      ['lezer', 'Lotte Lezer', 'Alleen lezen', INITIAL.lezer],
    ];
    for (const [username, fullName, role, password] of users) {
      await page.getByLabel('Gebruikersnaam').fill(username);
      await page.getByLabel('Volledige naam').fill(fullName);
      await page.getByLabel('Rol').selectOption({ label: role });
      await page.getByLabel('Initieel wachtwoord').fill(password);
      await page.getByLabel('Initieel wachtwoord').press('Enter'); // Enter submits
      await page.getByRole('status').filter({ hasText: `Gebruiker ${username} (${role}) is aangemaakt` }).waitFor();
    }
    // A user name that exists already: the server's Dutch message.
    await page.getByLabel('Gebruikersnaam').fill('lezer');
    await page.getByLabel('Volledige naam').fill('Nog een lezer');
    await page.getByLabel('Rol').selectOption({ label: 'Alleen lezen' });
    await page.getByLabel('Initieel wachtwoord').fill('nog-een-wachtwoord');
    await page.getByRole('button', { name: 'Aanmaken gebruiker' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByRole('link', { name: 'Gebruikersbeheer' }).click();
    const table = page.getByRole('table');
    for (const name of ['admin', 'leider', 'invoer1', 'lezer']) await table.getByRole('cell', { name, exact: true }).waitFor();

    // Disable (with confirmation), then enable again.
    await page.getByRole('button', { name: 'Uitschakelen lezer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Gebruiker uitschakelen' });
    await dialog.waitFor();
    await screenshot(page, '02-bevestigen');
    await dialog.getByRole('button', { name: 'Uitschakelen' }).click();
    await page.locator('tr[data-username="lezer"]').filter({ hasText: 'Uitgeschakeld' }).waitFor();
    await page.getByRole('button', { name: 'Inschakelen lezer' }).click();
    await page.getByRole('dialog', { name: 'Gebruiker inschakelen' }).getByRole('button', { name: 'Inschakelen' }).click();
    await page.locator('tr[data-username="lezer"]').filter({ hasText: 'Actief' }).waitFor();
    // Cancelling does nothing.
    await page.getByRole('button', { name: 'Uitschakelen invoer1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Annuleren' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.match(await page.locator('tr[data-username="invoer1"]').innerText(), /Actief/);
    await screenshot(page, '03-gebruikers');
  });

  it('beheerder importeert de verkiezingsdefinitie (110a) na controle van de hashcode', async () => {
    const page = admin;
    await page.getByRole('link', { name: 'Aanmaken verkiezing' }).click();
    // The wrong kind of file (a 230b): refused with a message, nothing to confirm.
    await page.getByLabel('Bestand met verkiezingsdefinitie').setInputFiles(CANDIDATES);
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Importeren' }).count(), 0);
    await page.getByLabel('Bestand met verkiezingsdefinitie').setInputFiles(DEFINITION);
    const hash = page.getByLabel('Hashcode verkiezingsdefinitie');
    await hash.waitFor();
    const shown = (await hash.locator('.hash-group').allTextContents()).map((g) => g.trim());
    assert.equal(shown.length, 16);
    assert.ok(shown.every((g) => /^[0-9A-F]{4}$/.test(g)));
    assert.equal(shown.join(''), sha256(DEFINITION));
    const facts = await page.locator('.facts').innerText();
    assert.match(facts, /Tweede Kamer/);
    assert.match(facts, /17 maart 2021/);
    assert.match(facts, /150/);

    const importButton = page.getByRole('button', { name: 'Importeren' });
    assert.equal(await importButton.isDisabled(), true);
    await page.getByLabel('De hashcode is gelijk aan de hashcode die de Kiesraad heeft gepubliceerd').check();
    assert.equal(await importButton.isDisabled(), true, 'zonder stemgebied nog niet importeren');
    await page.getByLabel('Stemgebied').selectOption({ label: 'Kieskring 5 Lelystad' });
    await screenshot(page, '04-verkiezingsdefinitie');
    await importButton.click();

    // Guide step 3: next the candidate lists.
    await page.getByRole('heading', { name: 'Importeren kandidatenlijsten' }).waitFor();
    assert.match(await page.locator('header').innerText(), /Kieskring 5 Lelystad/);
  });

  it('beheerder importeert de kandidatenlijsten (230b): eerst verkeerde groepen, dan de goede', async () => {
    const page = admin;
    const groups = sha256(CANDIDATES).match(/.{4}/g)!;
    const fileInput = page.getByLabel('Bestand met kandidatenlijsten');
    // Another kieskring's lists: refused, naming what was expected.
    await fileInput.setInputFiles(eml('tk2021', 'Kandidatenlijsten_TK2021_Zwolle.eml.xml'));
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Lelystad|5/);
    assert.equal(await page.locator('.group-input').count(), 0);
    await fileInput.setInputFiles(CANDIDATES);
    await page.getByRole('alert').waitFor({ state: 'detached' });

    const readHidden = async (): Promise<number[]> => {
      await page.locator('.group-label').first().waitFor();
      const labels = await page.locator('.group-label').allTextContents();
      assert.equal(labels.length, 2);
      return labels.map((l) => Number(/^groep (\d+)$/.exec(l.trim())![1]) - 1);
    };
    let hidden = await readHidden();
    // The visible groups are the real ones; the hidden ones are not on the page.
    const masked = (await page.locator('.hash.masked .hash-group').allTextContents()).map((t) => t.trim());
    for (const [i, g] of masked.entries()) if (!hidden.includes(i)) assert.equal(g, groups[i]);
    const facts = await page.locator('.facts').innerText();
    assert.match(facts, /Lelystad/);
    assert.match(facts, /29/);
    assert.match(facts, /1032/);
    await screenshot(page, '05-kandidatenlijsten');

    // Wrong groups: a clear message, nothing imported, new groups asked.
    const wrong = (g: string) => (g === '0000' ? '1111' : '0000');
    await page.getByLabel(`groep ${hidden[0]! + 1}`, { exact: true }).fill(wrong(groups[hidden[0]!]!));
    await page.getByLabel(`groep ${hidden[1]! + 1}`, { exact: true }).fill(groups[hidden[1]!]!);
    await page.getByRole('button', { name: 'Importeren' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /komt niet overeen|niet gelijk|onjuist|fout/i);
    await page.locator('.group-input').first().waitFor();
    hidden = await readHidden();
    assert.deepEqual(await page.locator('.group-input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ['', '']);
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Importeren kandidatenlijsten/);

    await page.getByLabel(`groep ${hidden[0]! + 1}`, { exact: true }).fill(groups[hidden[0]!]!.toLowerCase());
    await page.getByLabel(`groep ${hidden[1]! + 1}`, { exact: true }).fill(groups[hidden[1]!]!);
    await page.getByLabel(`groep ${hidden[1]! + 1}`, { exact: true }).press('Enter');

    // Guide step 4: the public key screen follows automatically.
    await page.getByRole('heading', { name: 'Ophalen (downloaden) publieke sleutel' }).waitFor();
  });

  it('beheerder haalt de eigen publieke sleutel op (PEM-certificaat) en gaat verder', async () => {
    const page = admin;
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Ophalen (downloaden)' }).click(),
    ]);
    const file = path.join(tmp, download.suggestedFilename() || 'sleutel.crt');
    await download.saveAs(file);
    const pem = readFileSync(file, 'utf8');
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\r?\n/);
    const cert = new X509Certificate(pem);
    assert.match(cert.subject, /CN=Hoofdstembureau Lelystad/);
    assert.match(cert.subject, /O=TK2021/);
    // Subject and fingerprint are shown.
    await page.locator('.fingerprint').waitFor();
    const shownFp = (await page.locator('.fingerprint').innerText()).replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
    assert.equal(shownFp, cert.fingerprint256.replace(/:/g, '').toUpperCase());
    await screenshot(page, '06-publieke-sleutel');
    await page.getByRole('button', { name: 'Verder' }).click();
    await page.getByRole('heading', { name: 'Tonen stemgebieden' }).waitFor();
  });

  it('beheerder importeert de publieke sleutel van Almere; een verkeerde sleutel kan niet', async () => {
    const page = admin;
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    await expectCount(rows, 6);
    const table = await page.getByRole('table').innerText();
    for (const name of ['Almere', 'Dronten', 'Lelystad', 'Noordoostpolder', 'Urk', 'Zeewolde']) assert.match(table, new RegExp(name));
    assert.match(await page.locator('tr[data-code="0034"]').innerText(), /Almere/);

    // Certificates made with the project's own crypto helpers.
    const pair = await generateRsaKeyPair();
    const now = new Date(Math.floor(server.clock.now().getTime() / 1000) * 1000);
    const cert = (code: string, name: string, serial: number) =>
      createSelfSignedCertificate({
        ...pair,
        subject: municipalitySubject({ electionId: 'TK2021', code, name, program: 'test' }),
        notBefore: new Date(now.getTime() - 3600_000),
        notAfter: new Date('2021-06-17T23:59:59Z'), // election date + 3 months, as a real key
        serial: Buffer.from([serial, 0x21, 0x03, 0x17]),
      });
    const almere = path.join(tmp, 'public_key_test_tk2021-gemeente_almere.crt');
    const dronten = path.join(tmp, 'public_key_test_tk2021-gemeente_dronten.crt');
    writeFileSync(almere, cert('0034', 'Almere', 1));
    writeFileSync(dronten, cert('0303', 'Dronten', 2));

    await page.getByRole('link', { name: 'Importeren publieke sleutel Almere' }).click();
    await page.getByRole('heading', { name: 'Importeren publieke sleutel Almere' }).waitFor();

    // The wrong municipality's key: Importeren disabled, the reason visible.
    await page.getByLabel('Bestand met publieke sleutel').setInputFiles(dronten);
    await page.locator('#key-reasons').waitFor();
    assert.match(await page.locator('#key-reasons').innerText(), /PSB0034/);
    assert.equal(await page.getByRole('button', { name: 'Importeren' }).isDisabled(), true);
    await screenshot(page, '07-verkeerde-sleutel');

    // The right key.
    await page.getByLabel('Bestand met publieke sleutel').setInputFiles(almere);
    await page.getByText('CN=Gemeente Almere').waitFor();
    const importButton = page.getByRole('button', { name: 'Importeren' });
    assert.equal(await importButton.isDisabled(), false);
    assert.match(await page.locator('main').innerText(), /UID=PSB0034/);
    await importButton.click();
    await page.getByRole('status').filter({ hasText: 'De publieke sleutel van Almere is geïmporteerd' }).waitFor();

    // Replacing asks for confirmation.
    await page.getByLabel('Bestand met publieke sleutel').setInputFiles(almere);
    await page.getByRole('button', { name: 'Importeren' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publieke sleutel vervangen' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Annuleren' }).click();

    await page.getByRole('link', { name: 'Tonen stemgebieden' }).click();
    await page.locator('tr[data-code="0034"]').filter({ hasText: 'Geïmporteerd' }).waitFor();
    assert.match(await page.locator('tr[data-code="0303"]').innerText(), /Geen sleutel/);
    await screenshot(page, '08-stemgebieden');
  });

  it('partijen, kandidatenlijsten en kandidaten zijn te zien', async () => {
    const page = admin;
    await page.getByRole('link', { name: 'Tonen partijen' }).click();
    await page.getByRole('heading', { name: 'Tonen partijen' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    await expectCount(page.locator('tbody tr'), 29);
    assert.match(await page.locator('tbody tr').first().innerText(), /1\s+VVD/);

    await page.getByRole('link', { name: 'Tonen kandidatenlijsten' }).click();
    await page.getByText('29 lijsten met samen 1032 kandidaten').waitFor();
    await page.getByRole('link', { name: 'Tonen kandidaten lijst 1', exact: true }).click();
    await page.getByRole('heading', { name: /Kandidaten lijst 1 VVD/ }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    assert.match(await page.locator('tbody tr').first().innerText(), /Rutte/);
    await screenshot(page, '09-kandidaten');
  });

  it('verkiezingsleider kiest een eigen wachtwoord en activeert de steminvoer fase', async () => {
    const page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, 'leider', INITIAL.leider);
    await changePassword(page, OWN.leider);
    const items = await menuItems(page);
    assert.ok(items.includes('Fases verkiezingsproces'));
    assert.ok(items.includes('Auditlog'));
    for (const hiddenItem of ['Gebruikersbeheer', 'Aanmaken gebruiker', 'Aanmaken verkiezing', 'Ophalen (downloaden) publieke sleutel']) {
      assert.ok(!items.includes(hiddenItem), `verkiezingsleider ziet ${hiddenItem}`);
    }

    await page.getByRole('link', { name: 'Fases verkiezingsproces' }).click();
    await page.getByRole('heading', { name: /Fase 1 .Instellen verkiezingsgegevens./ }).waitFor();
    assert.match(await page.locator('li.phase.active').innerText(), /Fase 1/);
    const activate = page.getByRole('button', { name: 'Activeren steminvoer fase' });
    await activate.waitFor();
    assert.equal(await activate.isDisabled(), false);
    await activate.click();
    const dialog = page.getByRole('dialog', { name: 'Activeren steminvoer fase' });
    await dialog.waitFor();
    await screenshot(page, '10-fase-bevestigen');
    await dialog.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    await page.locator('li.phase.active').filter({ hasText: 'Fase 2' }).waitFor();
    await page.locator('header .badge').filter({ hasText: 'Fase 2' }).waitFor();
    // Phase 3 is not allowed yet: the reason is visible.
    assert.match(await page.locator('.reason').first().innerText(), /\w/);
    await screenshot(page, '11-fases');
    await page.context().close();
  });

  it('invoer en alleen lezen zien geen beheer- of importmenu', async () => {
    for (const [username, initial, own] of [
      ['invoer1', INITIAL.invoer, OWN.invoer],
      ['lezer', INITIAL.lezer, OWN.lezer],
    ] as const) {
      const page = await newPage(browser, server.url);
      await page.goto('/');
      await login(page, username, initial);
      await changePassword(page, own);
      const items = await menuItems(page);
      for (const hiddenItem of [
        'Gebruikersbeheer',
        'Aanmaken gebruiker',
        'Auditlog',
        'Aanmaken verkiezing',
        'Importeren kandidatenlijsten',
        'Ophalen (downloaden) publieke sleutel',
      ]) {
        assert.ok(!items.includes(hiddenItem), `${username} ziet ${hiddenItem}`);
      }
      assert.ok(items.includes('Tonen stemgebieden'));
      assert.equal(await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByText('Administratie', { exact: true }).count(), 0);
      // Also no key import from the regions screen.
      await page.getByRole('link', { name: 'Tonen stemgebieden' }).click();
      await page.locator('tbody tr').first().waitFor();
      assert.equal(await page.getByRole('link', { name: /Importeren publieke sleutel/ }).count(), 0);
      // The phases are visible, not changeable.
      await page.getByRole('link', { name: 'Fases verkiezingsproces' }).click();
      await page.locator('li.phase.active').filter({ hasText: 'Fase 2' }).waitFor();
      assert.equal(await page.getByRole('button', { name: /Activeren|Terug naar|Definitief/ }).count(), 0);
      await page.getByRole('button', { name: 'Afmelden' }).click();
      await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
      await page.context().close();
    }
  });

  it('het auditlog toont wie wat deed, de keten is intact, en is te exporteren', async () => {
    const page = admin;
    await page.getByRole('link', { name: 'Auditlog' }).click();
    await page.getByRole('heading', { name: 'Auditlog' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    assert.ok((await page.locator('tbody tr').count()) >= 5);
    await page.getByText('De keten van het auditlog is intact').waitFor();
    const text = await page.getByRole('table').innerText();
    assert.match(text, /leider/);
    // In words, not codes; the codes are behind the "details" toggle.
    assert.match(text, /Gebruiker aangemaakt/);
    assert.doesNotMatch(text, /user\.create|election\.definition|key\.own/);
    await page.locator('details.tech summary').first().click();
    assert.match(await page.locator('details.tech[open]').first().innerText(), /Actie \(code\)/);
    await screenshot(page, '12-auditlog', false);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporteren (CSV)' }).click(),
    ]);
    const file = path.join(tmp, 'audit.csv');
    await download.saveAs(file);
    assert.ok(readFileSync(file, 'utf8').split('\n').length >= 5);
  });
});
