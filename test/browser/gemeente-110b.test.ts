/**
 * "Stembureaus" in the browser with an EML 110b (issue 5, item 2): the same import control as the CSV
 * takes an .xml; a bad 110b shows its line errors (nothing imported), a good one imports the stations.
 * The gemeente (Almere, TK2021) is created through the API; the 110b files are hand-made and valid
 * against the XSD (test/eml/eml110b.test.ts).
 * UITSLAG_TEST_UI_DIR may point at another UI build (default dist/ui).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ALMERE_STATIONS, build110b, placeLine } from '../support/eml110b.ts';
import { ADMIN_PASSWORD, adminClient, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';
import { DEFINITION_FILE, importCandidateLists, tk2021 } from '../server/fixtures.ts';
import { assertUiBuilt, launchBrowser, login, newPage, screenshot, expectCount } from './support.ts';

let server: TestServer;
let browser: Browser;
let adminApi: ApiClient;
let page: Page;

describe('Stembureaus importeren uit een EML 110b (gemeente Almere, TK2021)', () => {
  before(async () => {
    assertUiBuilt();
    const uiDir = process.env.UITSLAG_TEST_UI_DIR;
    server = await startTestServer({ tls: true, ...(uiDir ? { uiDir } : {}) });
    adminApi = await adminClient(server);
    const p = await adminApi.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(p.status, 200, p.text);
    const c = await adminApi.post('/api/election/definition/confirm', {
      uploadId: p.json.uploadId,
      hashConfirmed: true,
      stemgebied: { category: 'GEMEENTE', number: 34 },
    });
    assert.equal(c.status, 200, c.text);
    await importCandidateLists(adminApi);
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
    page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('een fout 110b toont de regels met fouten; een goed 110b importeert de stembureaus', async () => {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Stembureaus', exact: true }).click();
    await page.getByRole('heading', { name: 'Stembureaus', exact: true }).waitFor();
    await page.getByTestId('no-stations').waitFor();
    const field = page.getByLabel('CSV-bestand met stembureaus of EML 110b');
    assert.match((await field.getAttribute('accept')) ?? '', /\.xml/);

    const bad = build110b({ stations: [{ id: '1', name: 'A', postcode: '1315 HR' }, { id: '1', name: 'B' }] });
    await field.setInputFiles({ name: 'stembureaus.eml.xml', mimeType: 'application/xml', buffer: Buffer.from(bad) });
    const errors = page.getByTestId('csv-errors');
    await errors.waitFor();
    const lines = await errors.locator('li').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.line)));
    assert.deepEqual(lines, [placeLine(bad, 1)]);
    assert.match(await errors.innerText(), new RegExp(`Stembureau 1 komt al voor op regel ${placeLine(bad, 0)}`));
    await screenshot(page, 'g110b-01-fouten');
    assert.equal((await adminApi.get('/api/polling-stations')).json.pollingStations.length, 0, 'alles of niets');

    const other = build110b({ municipalityCode: '0363', municipalityName: 'Amsterdam', stations: ALMERE_STATIONS });
    await page.getByLabel('CSV-bestand met stembureaus of EML 110b').setInputFiles({ name: 'amsterdam.xml', mimeType: 'application/xml', buffer: Buffer.from(other) });
    await page.getByTestId('csv-errors').filter({ hasText: 'van gemeente Amsterdam (0363)' }).waitFor();

    await page.getByLabel('CSV-bestand met stembureaus of EML 110b').setInputFiles({
      name: 'stembureaus.eml.xml',
      mimeType: 'application/xml',
      buffer: Buffer.from(build110b({ stations: ALMERE_STATIONS })),
    });
    await page.getByText('3 stembureaus zijn geïmporteerd.').waitFor();
    assert.match(await page.locator('table.stations tr[data-number="2"]').innerText(), /Stembureau Bibliotheek "De Nieuwe Bibliotheek"\s+1315 HZ/);
    await expectCount(page.locator('table.stations tr[data-number="4"]'), 1);
    await screenshot(page, 'g110b-02-geimporteerd');
  });
});
