/**
 * Accessibility over every screen (issue 12): axe-core (devDependency `axe-core`, injected from
 * node_modules) reports no serious or critical violation on the login screen, the forced password
 * change, and every screen each role reaches from the menu, plus the screens behind links (a
 * municipality's detail, the entry form, importing a municipality's key, the presentation, "page
 * not found"), in phase 2 and again in phase 3 with documents; and the screens of a CSB installation
 * (its kieskringen, keys, a kieskring zip's preview, the entry form, Vaststellen uitslag with a lot). On every screen: the h1 is the first
 * heading, the browser tab has the screen's title, and nothing is wider than a 1366 px window.
 */
import { typedForm } from '../support/documents.ts';
import { enterAcknowledged } from '../support/counts.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { EntryForm } from '../../src/domain/entry.ts';
import { createDocuments } from '../support/documents.ts';
import {
  LELYSTAD_MUNICIPALITIES,
  changeForm,
  importMunicipalityKey,
  municipalityCertificate,
  preparePhase2,
  testKeyPair,
  typeEntry,
  type Phase2Setup,
} from '../support/counts.ts';
import { ADMIN_PASSWORD, USER_PASSWORD, adminClient, startTestServer, TestClock, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import {
  hsbCertificate,
  importCsbDefinition,
  importCsbLists,
  kieskringZip,
  tk2021Kieskringen,
  typedForm as csbTypedForm,
  typeKieskring,
  kieskringShapeKeys,
  tieCounts,
  type CsbKieskring,
} from '../support/csb.ts';
import { assertUiBuilt, checkAccessibility, launchBrowser, login, menuItems, newPage, type AxeViolation } from './support.ts';

const WIDTH = 1366;

/** Every moderate or minor finding, per screen (printed once at the end; they do not fail the test). */
const minor = new Map<string, AxeViolation[]>();

/** The screen as it is now: axe, the h1 first, the tab title, no wider than the window. */
async function checkScreen(page: Page, screen: string): Promise<void> {
  await page.locator('h1').first().waitFor();
  // A screen that is still loading its data says so; wait for that to end.
  await page.getByText('Laden…', { exact: true }).waitFor({ state: 'detached' });
  // The tab title follows the h1 (set as the screen renders; the h1 may still gain a name from its data).
  await page.waitForFunction(() => document.title.endsWith(`${document.querySelector('h1')?.textContent?.trim() ?? ''} – Uitslag`));
  const facts = await page.evaluate(() => {
    const first = document.querySelector('h1, h2, h3, h4, h5, h6');
    return {
      firstHeading: first?.tagName ?? null,
      h1: document.querySelector('h1')?.textContent?.trim() ?? '',
      title: document.title,
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
  assert.equal(facts.firstHeading, 'H1', `${screen}: de h1 is de eerste kop`);
  assert.ok(facts.title.endsWith(`${facts.h1} – Uitslag`), `${screen}: paginatitel "${facts.title}" noemt het scherm (${facts.h1})`);
  assert.ok(facts.scrollWidth <= WIDTH, `${screen}: ${facts.scrollWidth} px breed, breder dan ${WIDTH} px`);
  const found = await checkAccessibility(page, screen);
  if (found.length > 0) minor.set(screen, found);
}

/** Click every menu item of the logged-in user and check each screen. */
async function everyMenuScreen(page: Page, who: string): Promise<string[]> {
  const items = await menuItems(page);
  for (const item of items) {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: item, exact: true }).click();
    await page.locator(`nav[aria-label="Hoofdmenu"] a[aria-current="page"]`).filter({ hasText: item }).waitFor();
    await checkScreen(page, `${who}: ${item}`);
  }
  return items;
}

async function goTo(page: Page, route: string, screen: string): Promise<void> {
  await page.goto(`/#${route}`);
  await checkScreen(page, screen);
}

describe('browser: accessibility (axe-core) over every screen', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let browser: Browser;

  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ tls: true });
    s = await preparePhase2(server);
    assert.equal((await s.admin.post('/api/keys/own')).status, 201);
    await importMunicipalityKey(s.admin, '0034', municipalityCertificate('0034', 'Almere', await testKeyPair()));
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    // Almere complete, Zeewolde with its first entry only, Urk with differences between the two entries.
    const almere = await typedForm('0034');
    await enterAcknowledged(t1, '0034', almere);
    await enterAcknowledged(t2, '0034', almere);
    await enterAcknowledged(t1, '0050', await typedForm('0050'));
    const urk = await typedForm('0184');
    await enterAcknowledged(t1, '0184', urk);
    const other = changeForm(urk, { 'list.1.1': (urk.lists[0]!.candidates[0] ?? 0) + 1, 'list.1': (urk.lists[0]!.total ?? 0) + 1 });
    const r = await typeEntry(t2, '0184', other, { confirmDifferent: true });
    assert.ok(r.status < 300, r.text);
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
  });
  after(async () => {
    if (minor.size > 0) {
      console.log('axe-core, niet ernstig (moderate/minor):');
      for (const [screen, vs] of minor) console.log(`  ${screen}: ${vs.map((v) => `${v.impact} ${v.id}`).join(', ')}`);
    }
    await browser?.close();
    await server?.close();
  });

  test('login and the forced password change', async () => {
    const page = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await page.goto('/');
    await checkScreen(page, 'Inloggen');
    await s.admin.post('/api/users', { username: 'nieuw', fullName: 'Nieuwe gebruiker', role: 'alleen_lezen', initialPassword: USER_PASSWORD });
    await login(page, 'nieuw', USER_PASSWORD);
    await page.getByRole('heading', { name: 'Nieuw wachtwoord instellen' }).waitFor();
    await checkScreen(page, 'Nieuw wachtwoord instellen');
    await page.context().close();
  });

  test('phase 2: every screen of the beheerder, the verkiezingsleider, a typist and a reader', async () => {
    const admin = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await admin.goto('/');
    await login(admin, 'admin', ADMIN_PASSWORD);
    const adminItems = await everyMenuScreen(admin, 'beheerder');
    assert.ok(adminItems.includes('Gebruikersbeheer') && adminItems.includes('Auditlog'));
    await goTo(admin, '/verkiezing/kandidatenlijsten/1', 'beheerder: kandidaten lijst 1');
    await goTo(admin, '/verkiezing/stemgebieden/0050/publieke-sleutel', 'beheerder: Importeren publieke sleutel');
    await goTo(admin, '/wachtwoord', 'beheerder: Wachtwoord wijzigen');
    await goTo(admin, '/bestaat-niet', 'Pagina niet gevonden');
    // The audit log with its technical details open.
    await goTo(admin, '/administratie/auditlog', 'beheerder: Auditlog');
    await admin.locator('details.tech summary').first().click();
    await checkScreen(admin, 'beheerder: Auditlog, details open');

    const leader = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await leader.goto('/');
    await login(leader, 'leider', USER_PASSWORD + '!');
    const leaderItems = await everyMenuScreen(leader, 'verkiezingsleider');
    assert.ok(leaderItems.includes('Importeren steminvoer') && leaderItems.includes('Definitief maken & PV gebiedsuitslag'));
    for (const m of ['0034', '0050', '0184']) await goTo(leader, `/steminvoer/gemeente/${m}`, `verkiezingsleider: gemeente ${m}`);
    await leader.goto('/#/presentatie');
    await leader.locator('h1').first().waitFor();
    const found = await checkAccessibility(leader, 'Presentatie');
    if (found.length > 0) minor.set('Presentatie', found);

    const typist = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await typist.goto('/');
    await login(typist, 'invoer3', USER_PASSWORD + '!');
    await everyMenuScreen(typist, 'invoer');
    await goTo(typist, '/steminvoer/gemeente/0171/invoer', 'invoer: Invoer stemmen (formulier)');

    const reader = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await reader.goto('/');
    await login(reader, 'lezer', USER_PASSWORD + '!');
    await everyMenuScreen(reader, 'alleen lezen');
    for (const p of [admin, leader, typist, reader]) await p.context().close();
  });

  test('phase 3 with documents: the leader\'s screens', async () => {
    const [t1, t2, t3] = s.typists as [ApiClient, ApiClient, ApiClient];
    // Urk's differences: take the first entry; every other municipality typed twice (Noordoostpolder's
    // first entry was opened by invoer3 in the previous test).
    const resolved = await s.leader.post('/api/counts/0184/resolve', { choice: 'first', reason: 'Eerste invoer komt overeen met het proces-verbaal.' });
    assert.ok(resolved.status < 300, resolved.text);
    for (const m of LELYSTAD_MUNICIPALITIES) {
      const state: string = (await s.leader.get(`/api/counts/${m.code}`)).json.state;
      if (state === 'complete') continue;
      const form = await typedForm(m.code);
      if (state === 'empty') await enterAcknowledged(t1, m.code, form);
      if (state === 'first_in_progress') await enterAcknowledged(t3, m.code, form);
      await enterAcknowledged(t2, m.code, form);
    }
    const pv = await s.leader.request('PUT', '/api/pv-details', {
      session: { place: 'Lelystad', date: '19 maart 2021', time: '10.00 uur' },
      members: [{ name: 'mr. J. de Vries', role: 'voorzitter' }],
      objections: null,
      remarks: null,
    });
    assert.equal(pv.status, 200, pv.text);
    const f = await s.leader.post('/api/finalise');
    assert.equal(f.status, 200, f.text);
    const j = await createDocuments(s.leader);
    assert.equal(j.json.stage, 'done', j.text);

    const leader = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await leader.goto('/');
    await login(leader, 'leider', USER_PASSWORD + '!');
    await everyMenuScreen(leader, 'verkiezingsleider, fase 3');
    // Importeren steminvoer in phase 3 explains why nothing can be imported, and the way back.
    await goTo(leader, '/steminvoer/importeren', 'verkiezingsleider: Importeren steminvoer (fase 3)');
    assert.match(await leader.getByTestId('import-not-now').innerText(), /definitief gemaakt \(fase 3\).*vervallen/s);
    assert.equal(await leader.getByLabel('Tellingbestand van de gemeente').count(), 0);
    // A confirmation dialog: back to phase 2 (the documents become vervallen).
    await goTo(leader, '/verkiezingsproces', 'verkiezingsleider: Fases verkiezingsproces');
    await leader.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    const dialog = leader.getByRole('dialog', { name: 'Activeren steminvoer fase' });
    await dialog.waitFor();
    const found = await checkAccessibility(leader, 'bevestiging terug naar fase 2');
    if (found.length > 0) minor.set('bevestiging terug naar fase 2', found);
    await dialog.getByRole('button', { name: 'Annuleren' }).click();
    await dialog.waitFor({ state: 'detached' });
    await leader.context().close();
  });
});

describe('browser: accessibility (axe-core) over the screens of a CSB installation', () => {
  let server: TestServer;
  let browser: Browser;
  let kieskringen: CsbKieskring[];
  let leaderApi: ApiClient;
  let t1: ApiClient;
  let t2: ApiClient;
  let keysOfShape: string[];

  /** As test/server/csb.test.ts's tie (`tieCounts`). */
  const tieForm = (k: CsbKieskring): EntryForm => csbTypedForm(tieCounts(k), k.lists, keysOfShape);

  before(async () => {
    assertUiBuilt();
    kieskringen = await tk2021Kieskringen();
    server = await startTestServer({ tls: true, clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    const admin = await adminClient(server);
    leaderApi = await userClient(server, admin, 'verkiezingsleider', 'leider');
    t1 = await userClient(server, admin, 'invoer', 'invoer1');
    t2 = await userClient(server, admin, 'invoer', 'invoer2');
    assert.equal((await importCsbDefinition(admin)).status, 200);
    for (const k of kieskringen) assert.equal((await importCsbLists(admin, k.listsFile)).status, 200, k.listsFile);
    for (const k of kieskringen.filter((x) => x.countFile !== null)) {
      assert.equal((await admin.upload(`/api/csb/keys/${k.number}`, `hsb${k.number}.crt`, await hsbCertificate(k))).status, 200);
    }
    assert.equal((await leaderApi.post('/api/phase', { target: 2 })).status, 200);
    keysOfShape = await kieskringShapeKeys(t1);
    // Kieskring 1 with its first entry (the leader's kieskring screen shows it).
    const k1 = kieskringen[0];
    assert.ok(k1);
    assert.equal((await typeKieskring(t1, k1.code, tieForm(k1))).json.state, 'first_done');
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('phase 2: every screen of the beheerder, the verkiezingsleider and a typist; a kieskring zip\'s preview', async () => {
    const admin = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await admin.goto('/');
    await login(admin, 'admin', ADMIN_PASSWORD);
    await everyMenuScreen(admin, 'CSB beheerder');
    await goTo(admin, '/verkiezing/kieskringen/5/publieke-sleutel', 'CSB beheerder: Importeren publieke sleutel hoofdstembureau');

    const leader = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await leader.goto('/');
    await login(leader, 'leider', USER_PASSWORD + '!');
    const items = await everyMenuScreen(leader, 'CSB verkiezingsleider');
    assert.ok(items.includes('Importeren steminvoer') && items.includes('Vaststellen uitslag'));
    assert.ok(!items.includes('Definitief maken & PV gebiedsuitslag'));
    await goTo(leader, '/steminvoer/kieskring/HSB1', 'CSB verkiezingsleider: kieskring 1');
    const shared = kieskringen.find((k) => k.countFile !== null);
    assert.ok(shared);
    const z = await kieskringZip(shared);
    await goTo(leader, '/steminvoer/importeren', 'CSB verkiezingsleider: Importeren steminvoer');
    await leader.getByLabel('Tellingbestand van de kieskring').setInputFiles({ name: z.fileName, mimeType: 'application/zip', buffer: z.zip });
    await leader.getByTestId('csb-count-preview').waitFor();
    await checkScreen(leader, 'CSB verkiezingsleider: Importeren steminvoer, het bestand gecontroleerd');

    const typist = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await typist.goto('/');
    await login(typist, 'invoer2', USER_PASSWORD + '!');
    await everyMenuScreen(typist, 'CSB invoer');
    await goTo(typist, '/steminvoer/kieskring/HSB2/invoer', 'CSB invoer: Invoer stemmen (formulier)');
    for (const p of [admin, leader, typist]) await p.context().close();
    // The typist's claim on HSB2 is released for the next test.
    assert.equal((await t2.post('/api/counts/HSB2/release')).status, 200);
  });

  test('phase 3: Vaststellen uitslag with a lot asked, and its confirmation', async () => {
    for (const k of kieskringen) {
      if (k.number !== 1) assert.equal((await typeKieskring(t1, k.code, tieForm(k))).json.state, 'first_done', k.code);
      assert.equal((await typeKieskring(t2, k.code, tieForm(k))).json.state, 'complete', k.code);
    }
    assert.equal((await leaderApi.post('/api/phase', { target: 3 })).status, 200);
    const leader = await newPage(browser, server.url, { bypassCSP: true, width: WIDTH });
    await leader.goto('/');
    await login(leader, 'leider', USER_PASSWORD + '!');
    await goTo(leader, '/verkiezingsproces/vaststellen-uitslag', 'CSB verkiezingsleider: Vaststellen uitslag');
    await leader.getByRole('main').getByRole('button', { name: 'Vaststellen uitslag' }).click();
    await leader.getByTestId('csb-lot').waitFor();
    await checkScreen(leader, 'CSB verkiezingsleider: Vaststellen uitslag, loting nodig');
    await leader.getByTestId('csb-lot').getByLabel(/^Lijst 1 /).check();
    await leader.getByTestId('csb-lot').getByLabel(/^Lijst 3 /).check();
    await leader.getByRole('button', { name: 'Uitkomst loting invoeren' }).click();
    const dialog = leader.getByRole('dialog', { name: 'Uitkomst loting invoeren' });
    await dialog.waitFor();
    const found = await checkAccessibility(leader, 'CSB: bevestiging uitkomst loting');
    if (found.length > 0) minor.set('CSB: bevestiging uitkomst loting', found);
    await dialog.getByRole('button', { name: 'Uitkomst invoeren' }).click();
    await leader.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    await checkScreen(leader, 'CSB verkiezingsleider: Vaststellen uitslag, bestanden');
    await everyMenuScreen(leader, 'CSB verkiezingsleider, fase 3');
    await leader.context().close();
  });
});
