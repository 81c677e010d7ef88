/**
 * Browser test, phase 3, kieskring Lelystad end to end: phase 2 complete (set up through the API:
 * every municipality typed twice with the official numbers), then in the browser as the
 * verkiezingsleider: Gegevens proces-verbaal → Definitief maken & PV gebiedsuitslag → Aanmaken
 * bestanden na definitief maken (progress) → Tonen documentenoverzicht → every file downloaded and
 * checked (510c equal to the official file but for kr:CreationDateTime; CSV parseable; PDF and
 * ODT non-empty with the kieskring total in their text), and the CSV export under Resultaten.
 * Before that, with one municipality still lacking its second entry, the Finalise screen lists what
 * is missing; at the end the leader goes back to phase 2 and the set shows as "Vervallen" (files
 * kept, downloads named VERVALLEN_…, no CSV export).
 */
import { typedForm } from '../support/documents.ts';
import { enterAcknowledged } from '../support/counts.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import yauzl from 'yauzl';
import { sumCounts } from '../../src/domain/counts.ts';
import { formatCount } from '../../src/reports/o3/model.ts';
import { KIESKRING_FILE, LELYSTAD_MUNICIPALITIES, municipalityTotals, preparePhase2, type Phase2Setup } from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { ADMIN_PASSWORD, USER_PASSWORD, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';
import { assertUiBuilt, launchBrowser, login, newPage, screenshot, expectCount } from './support.ts';

const WITHOUT_TIME = (b: Buffer) => b.toString('utf8').replace(/<kr:CreationDateTime>[^<]*<\/kr:CreationDateTime>/, '<kr:CreationDateTime></kr:CreationDateTime>');

function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The page fits the 1280 px wide window of newPage(): no horizontal scrolling. */
async function assertNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.equal(innerWidth, 1280);
  assert.ok(scrollWidth <= innerWidth, `${what}: ${scrollWidth} px breed, breder dan het venster van ${innerWidth} px`);
}

/** The municipality left incomplete (first entry only) until the Finalise screen has listed it. */
const INCOMPLETE = '0995';

describe('browser: phase 3 for Lelystad end to end', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let browser: Browser;
  let page: Page;
  let work: string;
  let total: number;
  const files = new Map<string, Buffer>();

  before(async () => {
    assertUiBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'uitslag-b3-'));
    server = await startTestServer({ tls: true });
    s = await preparePhase2(server);
    const k = await s.admin.post('/api/keys/own');
    assert.ok(k.status < 300, k.text);
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    // every municipality twice, except the last one (Lelystad): only its first entry, so the
    // Finalise screen first lists what is missing
    for (const m of LELYSTAD_MUNICIPALITIES) {
      const form = await typedForm(m.code);
      for (const t of m.code === INCOMPLETE ? [t1] : [t1, t2]) await enterAcknowledged(t, m.code, form);
    }
    total = sumCounts(await Promise.all(LELYSTAD_MUNICIPALITIES.map(async (m) => (await municipalityTotals(m.code)).counts))).totalCounted;
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, 'leider', USER_PASSWORD + '!');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('before every municipality is complete, Definitief maken lists what is missing per municipality', async () => {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Definitief maken & PV gebiedsuitslag' }).click();
    await page.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    assert.equal(await page.getByTestId('finalise-complete').textContent(), '5 van 6');
    const missing = page.getByTestId('finalise-missing').locator('li');
    assert.deepEqual(
      (await missing.allTextContents()).map((t) => t.trim()),
      ['Lelystad (0995): De tweede invoer ontbreekt.'],
    );
    await expectCount(missing.getByRole('link', { name: 'Lelystad (0995)' }), 1, 'a link to the municipality');
    assert.equal(await page.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).isDisabled(), true);
    await screenshot(page, 'phase3-missing');
    // the server refuses as well, naming the municipality
    const refused = await s.leader.post('/api/finalise');
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'phase.not_ready');
    assert.match(refused.json.error.message, /Lelystad/);
    assert.equal((await s.reader.get('/api/phase')).json.phase, 2);

    // the second entry of Lelystad; after a reload the list is gone
    await enterAcknowledged(s.typists[1]!, INCOMPLETE, await typedForm(INCOMPLETE));
    await page.reload();
    await page.getByRole('heading', { name: 'Definitief maken & PV gebiedsuitslag' }).waitFor();
    await page.getByTestId('finalise-complete').filter({ hasText: '6 van 6' }).waitFor();
    assert.equal(await page.getByTestId('finalise-missing').count(), 0);
  });

  test('Gegevens proces-verbaal, then Definitief maken & PV gebiedsuitslag', async () => {
    assert.equal(await page.getByTestId('finalise-complete').textContent(), '6 van 6');
    await page.getByLabel('Plaats').fill('Lelystad, provinciehuis');
    await page.getByLabel('Datum').fill('19 maart 2021');
    await page.getByLabel('Tijd').fill('10:00 uur');
    await page.getByRole('button', { name: 'Lid toevoegen' }).click();
    await page.locator('input[name="member-0-name"]').fill('mr. J. de Vries');
    await page.locator('input[name="member-0-role"]').fill('voorzitter');
    await page.getByRole('button', { name: 'Opslaan gegevens proces-verbaal' }).click();
    await page.getByText('De gegevens van het proces-verbaal zijn opgeslagen.').waitFor();
    await screenshot(page, 'phase3-finalise');
    await page.getByRole('button', { name: 'Definitief maken & PV gebiedsuitslag' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Definitief maken', exact: true }).click();
    await page.getByRole('heading', { name: 'Aanmaken bestanden na definitief maken' }).waitFor();
    assert.equal((await s.reader.get('/api/phase')).json.phase, 3);
  });

  test('Aanmaken: one action with progress; then the documents overview', async () => {
    await page.getByRole('button', { name: 'Aanmaken', exact: true }).click();
    await page.getByTestId('documents-created').waitFor({ timeout: 120_000 });
    await page.getByRole('link', { name: 'Tonen documentenoverzicht' }).first().click();
    await page.getByRole('heading', { name: 'Documentenoverzicht' }).waitFor();
    const rows = page.locator('tbody tr');
    await expectCount(rows, 6);
    await screenshot(page, 'phase3-documents');
    await assertNoHorizontalOverflow(page, 'documentenoverzicht');
    for (let i = 0; i < 6; i++) {
      const link = rows.nth(i).getByRole('link');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const f = path.join(work, download.suggestedFilename());
      await download.saveAs(f);
      files.set(download.suggestedFilename(), readFileSync(f));
      assert.match((await rows.nth(i).locator('code.hash').textContent()) ?? '', /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    }
    assert.deepEqual([...files.keys()].sort(), [
      'Model_O3_TK2021_kieskring_Lelystad.odt',
      'Model_O3_TK2021_kieskring_Lelystad.pdf',
      'Telling_TK2021_kieskring_Lelystad.eml.xml',
      'Telling_TK2021_kieskring_Lelystad.zip',
      'Telling_TK2021_kiesraad_Lelystad.zip',
      'osv4-3_telling_tk2021_kieskring_lelystad.csv',
    ]);
  });

  test('each download checked: 510c, CSV, PDF, ODT, zips', async () => {
    const ours = files.get('Telling_TK2021_kieskring_Lelystad.eml.xml')!;
    assert.ok(WITHOUT_TIME(ours) === WITHOUT_TIME(readFileSync(eml('tk2021', KIESKRING_FILE))), '510c equal to the official file but for the time');
    const csv = files.get('osv4-3_telling_tk2021_kieskring_lelystad.csv')!.toString('utf8');
    assert.equal(csv.charCodeAt(0), 0xfeff);
    const rows = csv.slice(1).split('\n').map((l) => l.split(';'));
    const header = rows.find((r) => r[0] === '"Lijstnummer"');
    assert.ok(header, 'CSV: column header row');
    assert.deepEqual(header.slice(5), LELYSTAD_MUNICIPALITIES.map((m) => `"${m.name}"`));
    assert.ok(rows.length > 100, 'CSV: a row per list and candidate');
    assert.ok(csv.includes(`"${total}"`), 'CSV: kieskring total');
    const pdf = files.get('Model_O3_TK2021_kieskring_Lelystad.pdf')!;
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const pf = path.join(work, 'o3.pdf');
    writeFileSync(pf, pdf);
    const text = spawnSync('pdftotext', ['-layout', pf, '-'], { encoding: 'utf8' });
    // the PV prints counts with thousands separators, as the official models do
    if (text.error === undefined) assert.ok(text.stdout.includes(formatCount(total)), 'PDF: kieskring total');
    const odt = await unzip(files.get('Model_O3_TK2021_kieskring_Lelystad.odt')!);
    assert.ok(odt.get('content.xml')!.toString('utf8').includes(formatCount(total)), 'ODT: kieskring total');
    const kieskring = await unzip(files.get('Telling_TK2021_kieskring_Lelystad.zip')!);
    assert.deepEqual([...kieskring.keys()], ['Telling_TK2021_kieskring_Lelystad.eml.xml', 'Telling_TK2021_kieskring_Lelystad.eml.xml.signature']);
    assert.ok(kieskring.get('Telling_TK2021_kieskring_Lelystad.eml.xml')!.equals(ours));
    const kiesraad = await unzip(files.get('Telling_TK2021_kiesraad_Lelystad.zip')!);
    assert.equal(kiesraad.size, 4);
  });

  test('Resultaten > Exporteren resultaat > OSV 4-3 Tellingsoverzicht (CSV) downloads the stored CSV', async () => {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Exporteren resultaat' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'OSV 4-3 Tellingsoverzicht (CSV)' }).click()]);
    const f = path.join(work, 'export.csv');
    await download.saveAs(f);
    assert.equal(download.suggestedFilename(), 'osv4-3_telling_tk2021_kieskring_lelystad.csv');
    assert.ok(readFileSync(f).equals(files.get('osv4-3_telling_tk2021_kieskring_lelystad.csv')!));
  });

  test('back to phase 2 (confirmed): the documents overview shows the set as "Vervallen"; a void download is labelled', async () => {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Fases verkiezingsproces' }).click();
    await page.getByRole('heading', { name: 'Verkiezingsproces', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    const dialog = page.getByRole('dialog', { name: 'Activeren steminvoer fase' });
    assert.match(await dialog.innerText(), /U gaat terug naar fase 2/);
    assert.match(await dialog.innerText(), /documenten .* worden vervallen/);
    await dialog.getByRole('button', { name: 'Activeren steminvoer fase' }).click();
    await page.getByText(/Fase 2 .* is actief\./).waitFor();
    assert.equal((await s.reader.get('/api/phase')).json.phase, 2);

    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Tonen documentenoverzicht' }).click();
    await page.getByRole('heading', { name: 'Documentenoverzicht' }).waitFor();
    const set = page.locator('section[data-testid^="document-set-"]');
    await expectCount(set, 1);
    assert.equal(await set.locator('h2 .badge').textContent(), 'Vervallen');
    await set.getByText(/^Vervallen op .*teruggegaan naar fase 2/).waitFor();
    const rows = set.locator('tbody tr');
    await expectCount(rows, 6, 'the void files are kept');
    const names = (await set.locator('td.file a').allTextContents()).map((n) => n.trim()).sort();
    assert.deepEqual(names, [...files.keys()].sort().map((n) => `VERVALLEN_${n}`));
    for (let i = 0; i < 6; i++) assert.equal((await rows.nth(i).locator('td').last().textContent())?.trim(), 'Vervallen');
    await screenshot(page, 'phase3-void');
    await assertNoHorizontalOverflow(page, 'documentenoverzicht met vervallen bestanden');

    const csvRow = rows.filter({ hasText: 'osv4-3_telling_tk2021_kieskring_lelystad.csv' });
    const [download] = await Promise.all([page.waitForEvent('download'), csvRow.getByRole('link').click()]);
    assert.equal(download.suggestedFilename(), 'VERVALLEN_osv4-3_telling_tk2021_kieskring_lelystad.csv');
    const f = path.join(work, 'void.csv');
    await download.saveAs(f);
    assert.ok(readFileSync(f).equals(files.get('osv4-3_telling_tk2021_kieskring_lelystad.csv')!), 'the void file is kept unchanged');
    // the status header too
    const id = (await csvRow.getByRole('link').getAttribute('href'))!;
    const r = await s.leader.get(id);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-document-status'), 'VERVALLEN');
    assert.match(r.headers.get('content-disposition') ?? '', /VERVALLEN_osv4-3_telling_tk2021_kieskring_lelystad\.csv/);
    // no valid set: Exporteren resultaat offers nothing (the void CSV is never the published result)
    const exp = await s.reader.get('/api/results/osv43.csv');
    assert.equal(exp.status, 409, exp.text);
    assert.equal(exp.json.error.code, 'documents.none');
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Exporteren resultaat' }).click();
    await page.getByRole('heading', { name: 'Exporteren resultaat' }).waitFor();
    await page.getByText('Het tellingsoverzicht is beschikbaar nadat de uitslag definitief is gemaakt').waitFor();
    assert.equal(await page.getByRole('link', { name: 'OSV 4-3 Tellingsoverzicht (CSV)' }).count(), 0);
  });

  test('Archiveren en vernietigen: the leader downloads the archive (every file in the SHA-256 manifest); only the beheerder can destroy, with confirmations', async () => {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Archiveren en vernietigen' }).click();
    await page.getByRole('heading', { name: 'Archiveren en vernietigen' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Archiefpakket downloaden (zip)' }).click()]);
    const f = path.join(work, download.suggestedFilename());
    await download.saveAs(f);
    const archive = await unzip(readFileSync(f));
    const manifest = archive.get('MANIFEST.txt')!.toString('utf8');
    const listed = manifest.split('\n').filter((l) => /^[0-9a-f]{64}  /.test(l));
    assert.equal(listed.length, archive.size - 2, 'every file but the manifests is listed');
    for (const l of listed) {
      const name = l.slice(66);
      assert.equal(createHash('sha256').update(archive.get(name)!).digest('hex'), l.slice(0, 64), name);
    }
    for (const name of files.keys()) assert.ok([...archive.keys()].some((n) => n.endsWith(name)), `${name} (vervallen) in het archief`);
    // The leader archives but does not destroy.
    await page.getByText(/Laatste archief: /).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Vernietigen', exact: true }).count(), 0);

    const admin = await newPage(browser, server.url);
    await admin.goto('/');
    await login(admin, 'admin', ADMIN_PASSWORD);
    await admin.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Archiveren en vernietigen' }).click();
    await admin.getByRole('heading', { name: 'Vernietigen', exact: true }).waitFor();
    const button = admin.getByRole('button', { name: 'Vernietigen' });
    assert.equal(await button.isDisabled(), true, 'nothing typed yet');
    await admin.getByLabel('Typ VERNIETIGEN').fill('VERNIETIGEN');
    await admin.getByLabel('Uw wachtwoord').fill(ADMIN_PASSWORD);
    // Before the end of the retention period: refused without the second confirmation.
    await button.click();
    await admin.getByRole('alert').filter({ hasText: 'De bewaartermijn loopt tot' }).waitFor();
    assert.ok((await s.admin.get('/api/election')).json.election, 'nothing destroyed');
    await admin.getByLabel('Toch vernietigen vóór het einde van de bewaartermijn').check();
    await admin.getByLabel(/^Typ “VOOR EINDE BEWAARTERMIJN”/).fill('VOOR EINDE BEWAARTERMIJN');
    await admin.getByLabel('Uw wachtwoord').fill(ADMIN_PASSWORD);
    await screenshot(admin, 'phase3-vernietigen');
    await button.click();
    await admin.getByText('De gegevens van de verkiezing zijn vernietigd. U kunt een nieuwe verkiezing aanmaken.').waitFor();
    assert.equal(await admin.getByText('Het databasebestand kon niet worden opgeschoond').count(), 0);
    assert.equal((await s.admin.get('/api/election')).json.election ?? null, null);
    const audit = (await s.admin.get('/api/audit?limit=5')).json;
    assert.deepEqual(audit.records.map((r: { action: string }) => r.action), ['election.destroy']);
    await admin.context().close();
  });
});
