/**
 * Browser test: a CSB installation (centraal stembureau, TK2021) through its screens. The beheerder
 * creates the election at the STAAT level, imports the 20 kieskringen's 230b in one upload (hash code
 * confirmed per file) and the public keys of the 7 hoofdstembureaus whose 510c is shared; the
 * verkiezingsleider activates phase 2 and imports the 7 kieskring zips (made as test/support/csb.ts
 * makes them from the official 510c files) through "Importeren steminvoer"; two typists type one
 * kieskring's first and second entry through the entry screen. To keep the test's time bounded, the
 * other kieskringen (the second entries of the imported ones, and both entries of the other 12) are
 * entered through the API helpers of test/support/csb.ts; 's-Gravenhage's Cast is corrected (its
 * second entry differs) and the leader takes the second entry over on the kieskring's screen. Then
 * phase 3, "Vaststellen uitslag", and the 520 downloaded from the screen equals
 * ../shared/eml/tk2021/Resultaat_TK2021.eml.xml byte for byte apart from kr:CreationDateTime.
 * A second test: a tie the server leaves to lot is entered by the verkiezingsleider on the screen.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { EntryForm } from '../../src/domain/entry.ts';
import { expectStatus } from '../support/counts.ts';
import {
  DEFINITION_FILE,
  groupsOf,
  hsbCertificate,
  kieskringZip,
  official510c,
  OFFICIAL_510D_FILE,
  OFFICIAL_520_FILE,
  TK2021_DIR,
  tk2021Kieskringen,
  typedForm,
  typeKieskring,
  csbWithTie,
  type CsbKieskring,
} from '../support/csb.ts';
import { ADMIN_PASSWORD, adminClient, startTestServer, TestClock, USER_PASSWORD, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { assertUiBuilt, expectCount, fieldValues, launchBrowser, login, menu, newPage, screenshot, setFields } from './support.ts';

const CREATION = /<kr:CreationDateTime>[^<]*<\/kr:CreationDateTime>/;

/** Our file with the official file's kr:CreationDateTime (as test/server/csb.test.ts compares). */
function withCreation(ours: Buffer, official: Buffer): Buffer {
  const m = CREATION.exec(official.toString('utf8'));
  assert.ok(m);
  return Buffer.from(ours.toString('utf8').replace(CREATION, m[0]), 'utf8');
}

function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `first difference at byte ${i} (lengths ${a.length}, ${b.length}):\n${a.subarray(Math.max(0, i - 200), i + 80).toString()}\n---\n${b.subarray(Math.max(0, i - 200), i + 80).toString()}`;
}

/** The hidden groups of the masked hash code on the page (0-based), from the inputs' labels "groep N". */
async function hiddenGroups(page: Page): Promise<number[]> {
  const labels = await page.locator('.hidden-group .group-label').allTextContents();
  return labels.map((l) => {
    const m = /^groep (\d+)$/.exec(l.trim());
    assert.ok(m, l);
    return Number(m[1]) - 1;
  });
}

/** Type the two hidden groups of `bytes`'s hash code into the masked hash code on the page. */
async function typeGroups(page: Page, bytes: Buffer): Promise<void> {
  const hidden = await hiddenGroups(page);
  assert.equal(hidden.length, 2);
  const groups = groupsOf(bytes, hidden);
  for (const [i, h] of hidden.entries()) await page.getByLabel(`groep ${h + 1}`, { exact: true }).fill(groups[i] ?? '');
}

/** Finish an entry on the entry screen, acknowledging the warnings it shows; waits for the toast `done`. */
async function finishEntry(page: Page, done: string): Promise<void> {
  await page.getByRole('button', { name: /invoer afronden/i }).click();
  const toast = page.locator('.toast.warning').filter({ hasText: done }).first();
  const warnings = page.getByRole('heading', { name: /Controle: waarschuwingen/ });
  await Promise.race([toast.waitFor(), warnings.waitFor()]);
  if (await warnings.isVisible()) {
    for (const box of await page.locator('input[id^="ack-"]').all()) await box.check();
    await page.getByRole('button', { name: /invoer afronden/i }).click();
  }
  await toast.waitFor();
}

async function open(browser: Browser, server: TestServer, username: string, password: string): Promise<Page> {
  const page = await newPage(browser, server.url);
  await page.goto('/');
  await login(page, username, password);
  return page;
}

describe('browser: a CSB installation (TK2021) from the 7 kieskring zips and the other kieskringen to the official 520', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let t1: ApiClient;
  let t2: ApiClient;
  let kieskringen: CsbKieskring[];
  let shared: CsbKieskring[];
  let work: string;
  /** The kieskring typed twice through the entry screen: the first without a shared 510c. */
  let typed: CsbKieskring;
  let keysOfShape: string[];

  before(async () => {
    assertUiBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'uitslag-bcsb-'));
    kieskringen = await tk2021Kieskringen();
    shared = kieskringen.filter((k) => k.countFile !== null);
    assert.equal(shared.length, 7);
    const first = kieskringen.find((k) => k.countFile === null);
    assert.ok(first);
    typed = first;
    server = await startTestServer({ tls: true, clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    admin = await adminClient(server);
    await userClient(server, admin, 'verkiezingsleider', 'leider');
    t1 = await userClient(server, admin, 'invoer', 'invoer1');
    t2 = await userClient(server, admin, 'invoer', 'invoer2');
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('beheerder: Aanmaken verkiezing (centraal stembureau), the 20 kandidatenlijsten in one upload, the keys of the 7 hoofdstembureaus', async () => {
    const page = await open(browser, server, 'admin', ADMIN_PASSWORD);
    await menu(page, 'Aanmaken verkiezing').click();
    await page.getByLabel('Bestand met verkiezingsdefinitie').setInputFiles(path.join(TK2021_DIR, DEFINITION_FILE));
    await page.getByLabel('Hashcode verkiezingsdefinitie').waitFor();
    await page.getByLabel('De hashcode is gelijk aan de hashcode die de Kiesraad heeft gepubliceerd').check();
    await page.getByLabel('Stemgebied').selectOption({ label: 'Nederland, centraal stembureau' });
    await page.getByRole('button', { name: 'Importeren' }).click();
    await page.getByRole('heading', { name: 'Importeren kandidatenlijsten' }).waitFor();
    assert.match(await page.locator('header').innerText(), /Nederland, centraal stembureau/);
    await expectCount(page.locator('tr[data-code][data-lists="missing"]'), 20, 'the 20 kieskringen, none imported');

    // One upload of the 20 files; the hash code of each is confirmed in turn.
    const files = new Map(kieskringen.map((k) => [k.listsFile, readFileSync(path.join(TK2021_DIR, k.listsFile))]));
    await page
      .getByLabel('Bestanden met kandidatenlijsten')
      .setInputFiles([...files].map(([name, buffer]) => ({ name, mimeType: 'application/xml', buffer })));
    for (let i = 0; i < 20; i++) {
      const preview = page.getByTestId('csb-lists-preview');
      await preview.waitFor();
      const facts = await preview.locator('.facts').innerText();
      const name = /Kandidatenlijsten_TK2021_\S+\.eml\.xml/.exec(facts)?.[0];
      assert.ok(name, facts);
      const bytes = files.get(name);
      assert.ok(bytes, name);
      const k = kieskringen.find((x) => x.listsFile === name);
      assert.ok(k);
      if (i === 0) await screenshot(page, 'csb-kandidatenlijsten');
      await typeGroups(page, bytes);
      await preview.getByRole('button', { name: 'Importeren' }).click();
      await page.locator(`tr[data-code="${k.code}"][data-lists="imported"]`).waitFor();
    }
    await page.getByTestId('csb-lists-preview').waitFor({ state: 'detached' });
    await expectCount(page.locator('tr[data-code][data-lists="imported"]'), 20, 'every kieskring imported');

    // The keys: a key of another kieskring is shown with its objection and cannot be imported.
    await menu(page, 'Tonen stemgebieden').click();
    await page.getByRole('heading', { name: 'Tonen stemgebieden' }).waitFor();
    const other = shared[1];
    assert.ok(other);
    await page.getByRole('link', { name: `Importeren publieke sleutel hoofdstembureau ${other.name}` }).click();
    await page.getByLabel('Bestand met publieke sleutel').setInputFiles({ name: 'hsb-ander.crt', mimeType: 'application/x-pem-file', buffer: Buffer.from(await hsbCertificate(kieskringen[0] ?? other)) });
    await page.locator('#key-reasons').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Importeren' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Terug', exact: true }).click();
    for (const k of shared) {
      await page.getByRole('heading', { name: 'Tonen stemgebieden' }).waitFor();
      await page.getByRole('link', { name: `Importeren publieke sleutel hoofdstembureau ${k.name}` }).click();
      await page.getByLabel('Bestand met publieke sleutel').setInputFiles({ name: `hsb${k.number}.crt`, mimeType: 'application/x-pem-file', buffer: Buffer.from(await hsbCertificate(k)) });
      await page.getByText('Vingerafdruk (SHA-256)').waitFor();
      await page.getByRole('button', { name: 'Importeren' }).click();
      await page.getByTestId('key-imported').waitFor();
      await page.getByRole('button', { name: 'Terug naar stemgebieden' }).click();
    }
    await page.getByRole('heading', { name: 'Tonen stemgebieden' }).waitFor();
    await expectCount(page.locator('tr[data-code][data-key="imported"]'), 7, 'the 7 keys');
    await screenshot(page, 'csb-stemgebieden');
    await page.context().close();
  });

  test('verkiezingsleider: phase 2 and the 7 kieskring zips through Importeren steminvoer', async () => {
    const page = await open(browser, server, 'leider', USER_PASSWORD + '!');
    await menu(page, 'Fases verkiezingsproces').click();
    await page.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    await page.locator('.badge', { hasText: 'Fase 2' }).waitFor();
    for (const k of shared) {
      const z = await kieskringZip(k);
      await menu(page, 'Importeren steminvoer').click();
      await page.getByRole('heading', { name: 'Importeren steminvoer' }).waitFor();
      await page.getByLabel('Tellingbestand van de kieskring').setInputFiles({ name: z.fileName, mimeType: 'application/zip', buffer: z.zip });
      const preview = page.getByTestId('csb-count-preview');
      await preview.waitFor();
      const facts = await preview.locator('.facts').innerText();
      assert.match(facts, new RegExp(`UID=HSB${k.number}\\b`), 'the signer is the kieskring\'s hoofdstembureau');
      assert.ok(facts.includes(`${k.number} ${k.name}`), facts);
      if (k === shared[0]) await screenshot(page, 'csb-importeren-steminvoer');
      await typeGroups(page, z.eml);
      for (const box of await preview.locator('input[type="checkbox"]').all()) await box.check();
      await preview.getByRole('button', { name: 'Importeren' }).click();
      await page.waitForURL(new RegExp(`#/steminvoer/kieskring/HSB${k.number}$`));
    }
    await menu(page, 'Invoeren stemmen status').click();
    await expectCount(page.locator('tr[data-code^="HSB"]'), 20, 'the status overview lists the 20 kieskringen');
    await expectCount(page.locator('tr[data-code^="HSB"][data-indicator="invoer_aanwezig"]'), 7, 'the 7 imported kieskringen');
    await page.context().close();
  });

  test('two typists type one kieskring through the entry screen; the others through the API; the leader takes over the corrected second entry of \'s-Gravenhage', async () => {
    const shape = await t1.get(`/api/csb/counts/${typed.code}/form-shape`);
    expectStatus(shape, 200, 'form shape');
    keysOfShape = (shape.json.scalars as { key: string }[]).map((s) => s.key);
    const form: EntryForm = typedForm(typed.block510d, typed.lists, keysOfShape);
    for (const [username, done] of [
      ['invoer1', 'Geblokkeerd voor tweede invoer'],
      ['invoer2', 'Invoer afgerond'],
    ] as const) {
      const page = await open(browser, server, username, USER_PASSWORD + '!');
      await menu(page, 'Invoer stemmen').click();
      await page.locator(`tr[data-code="${typed.code}"] a.button`).click();
      await page.waitForURL(new RegExp(`#/steminvoer/kieskring/${typed.code}/invoer$`));
      await page.locator('form.entry-form input[data-field="Z"]').waitFor();
      // The heading names the kieskring once its details have arrived (they load beside the claim).
      await page.getByRole('heading', { level: 1, name: new RegExp(`invoer kieskring ${typed.number} ${typed.name}`) }).waitFor();
      await setFields(page, fieldValues(form));
      if (username === 'invoer1') await screenshot(page, 'csb-invoer');
      await finishEntry(page, done);
      await page.context().close();
    }
    assert.equal((await t1.get(`/api/csb`)).json.kieskringen.find((k: { code: string }) => k.code === typed.code).state, 'complete');

    // The rest through the API (time): the second entries of the imported kieskringen, both entries of the others.
    for (const k of kieskringen) {
      if (k === typed) continue;
      if (k.countFile !== null) {
        const total = (await official510c(k.countFile)).total;
        assert.ok(total);
        const f = typedForm(k.number === 12 ? { ...total, cast: k.block510d.cast } : total, k.lists, keysOfShape);
        const r = await typeKieskring(t1, k.code, f, { confirmDifferent: k.number === 12 });
        expectStatus(r, 200, `second ${k.code}`);
        assert.equal(r.json.state, k.number === 12 ? 'differences' : 'complete', `${k.code}: ${r.text.slice(0, 300)}`);
      } else {
        const f = typedForm(k.block510d, k.lists, keysOfShape);
        assert.equal((await typeKieskring(t1, k.code, f)).json.state, 'first_done', k.code);
        assert.equal((await typeKieskring(t2, k.code, f)).json.state, 'complete', k.code);
      }
    }

    // 's-Gravenhage: the differences on the kieskring's screen; the leader takes the second entry over with a reason.
    const page = await open(browser, server, 'leider', USER_PASSWORD + '!');
    await menu(page, 'Invoeren stemmen status').click();
    await page.locator('tr[data-code="HSB12"] a').click();
    await page.locator('tr[data-field="Z"]').waitFor();
    await screenshot(page, 'csb-verschillen');
    await page.getByRole('button', { name: 'Tweede invoer overnemen' }).click();
    await page.getByLabel('Reden (wordt vastgelegd in het auditlog)').fill('Kiezers buiten Nederland opgeteld bij het aantal kiesgerechtigden.');
    await page.getByRole('dialog').getByRole('button', { name: 'Tweede invoer overnemen' }).click();
    await page.locator('.toast.success').filter({ hasText: 'Tweede invoer overnemen' }).first().waitFor();
    await menu(page, 'Invoeren stemmen status').click();
    await page.getByTestId('progress-text').filter({ hasText: '20 van 20 kieskringen afgerond' }).waitFor();
    await page.context().close();
  });

  test('verkiezingsleider: Vaststellen uitslag; the 520 downloaded from the screen equals the official file', async () => {
    const page = await open(browser, server, 'leider', USER_PASSWORD + '!');
    await menu(page, 'Fases verkiezingsproces').click();
    await page.getByRole('button', { name: 'Vaststellen uitslag' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Vaststellen uitslag' }).click();
    await page.getByRole('heading', { name: 'Vaststellen uitslag', exact: true, level: 1 }).waitFor();
    await page.getByRole('main').getByRole('button', { name: 'Vaststellen uitslag' }).click();
    await page.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    const rows = page.getByTestId('csb-documents').locator('tbody tr');
    await expectCount(rows, 5);
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 5; i++) {
      const [download] = await Promise.all([page.waitForEvent('download'), rows.nth(i).getByRole('link').click()]);
      const f = path.join(work, download.suggestedFilename());
      await download.saveAs(f);
      files.set(download.suggestedFilename(), readFileSync(f));
    }
    assert.deepEqual([...files.keys()].sort(), [
      'Model_P22-1_TK2021.odt',
      'Model_P22-1_TK2021.pdf',
      'Resultaat_TK2021.eml.xml',
      'Totaaltelling_TK2021.eml.xml',
      'uitslag_TK2021.csv',
    ]);
    // The kinds' words are the server's.
    const labels = new Map(((await admin.get('/api/documents')).json.kinds as { kind: string; label: string }[]).map((k) => [k.kind, k.label]));
    for (let i = 0; i < 5; i++) {
      const kind = await rows.nth(i).getAttribute('data-kind');
      assert.equal((await rows.nth(i).locator('td').first().innerText()).trim(), labels.get(kind ?? ''), `the label of ${kind}`);
    }
    await screenshot(page, 'csb-vaststellen-uitslag');
    const official520 = readFileSync(path.join(TK2021_DIR, OFFICIAL_520_FILE));
    const ours520 = files.get('Resultaat_TK2021.eml.xml');
    assert.ok(ours520);
    const a = withCreation(ours520, official520);
    assert.ok(a.equals(official520), firstDifference(a, official520));
    const official510d = readFileSync(path.join(TK2021_DIR, OFFICIAL_510D_FILE));
    const ours510d = files.get('Totaaltelling_TK2021.eml.xml');
    assert.ok(ours510d);
    const b = withCreation(ours510d, official510d);
    assert.ok(b.equals(official510d), firstDifference(b, official510d));
    await page.context().close();
  });
});

describe('browser: a lot the server asks for is entered by the verkiezingsleider on Vaststellen uitslag', () => {
  let server: TestServer;
  let browser: Browser;
  let leader: ApiClient;

  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ tls: true, clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    ({ leader } = await csbWithTie(server));
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the screen names the four lists; the drawn outcome (lists 4 and 2) is confirmed and entered; the files are made', async () => {
    const page = await open(browser, server, 'leider', USER_PASSWORD + '!');
    await menu(page, 'Vaststellen uitslag').click();
    await page.getByRole('main').getByRole('button', { name: 'Vaststellen uitslag' }).click();
    const lot = page.getByTestId('csb-lot');
    await lot.waitFor();
    assert.match(await lot.innerText(), /tussen de lijsten 1, 2, 3, 4 om 2 zetels/);
    const options = lot.locator('input[type="checkbox"]');
    await expectCount(options, 4, 'the four tied lists');
    assert.match(await lot.locator('label').first().innerText(), /^Lijst 1 VVD/);
    await screenshot(page, 'csb-loting');
    await lot.getByLabel(/^Lijst 4 /).check();
    await lot.getByLabel(/^Lijst 2 /).check();
    await lot.getByRole('button', { name: 'Uitkomst loting invoeren' }).click();
    const dialog = page.getByRole('dialog', { name: 'Uitkomst loting invoeren' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Lijst 4 D66[\s\S]*Lijst 2 PVV/);
    await dialog.getByRole('button', { name: 'Uitkomst invoeren' }).click();
    // Entered and made again: the lot is listed with the files (in this tie no lot within a list follows).
    await page.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    assert.match(await page.getByTestId('csb-lots-entered').innerText(), /Zetelverdeling[\s\S]*Lijst 4 D66; Lijst 2 PVV/);
    assert.equal(await page.getByTestId('csb-lot').count(), 0);
    const lots = await leader.get('/api/csb/lots');
    expectStatus(lots, 200, 'lots');
    assert.equal(lots.json.entered.length, 1);
    assert.equal(lots.json.entered[0].enteredBy, 'leider');
    assert.equal(lots.json.required, null);
    assert.ok((await leader.get('/api/audit')).text.includes('csb.lot_entered'));
    // The drawn lists 2 and 4 have 38 seats (the CSV of the result, downloaded from the screen).
    const csvRow = page.getByTestId('csb-documents').locator('tbody tr[data-kind="csv"]');
    const [download] = await Promise.all([page.waitForEvent('download'), csvRow.getByRole('link').click()]);
    const csv = readFileSync(await download.path()).toString('utf8');
    for (const [list, seats] of [['1', 37], ['2', 38], ['3', 37], ['4', 38]] as const) {
      assert.match(csv, new RegExp(`\\n"${list}";"[^"]*";"1";"37";"[01]";"${seats}"\\n`), `list ${list}`);
    }
    await page.context().close();
  });
});
