/**
 * Issue 8 in the browser: the election leader confirms a municipality's new key under "Tonen
 * stemgebieden" (phase 2) so the beheerder can replace it; a complete municipality edited in the
 * database file shows as an alert on "Invoeren stemmen status".
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { municipalityCertificate, preparePhase2, testKeyPair, type Phase2Setup } from '../support/counts.ts';
import { completeMunicipality } from '../support/documents.ts';
import { startTestServer, USER_PASSWORD, type ApiClient, type TestServer } from '../support/server.ts';
import { assertUiBuilt, launchBrowser, login, newPage } from './support.ts';

describe('integrity in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let s: Phase2Setup;

  before(async () => {
    assertUiBuilt();
    server = await startTestServer({ tls: true });
    s = await preparePhase2(server, { keysFor: ['0034'] });
    browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
  });
  after(async () => {
    await browser?.close();
    await server.close();
  });

  test('the leader confirms the new key of Almere; then the beheerder can replace it', async () => {
    const certB = municipalityCertificate('0034', 'Almere', await testKeyPair('b'));
    const p = await s.admin.upload('/api/election/regions/0034/key/preview', 'public_key_0034.crt', certB);
    assert.equal(p.json.replaceNeedsLeader, true);
    const page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, 'leider', USER_PASSWORD + '!');
    await page.goto('/#/verkiezing/stemgebieden');
    await page.getByRole('heading', { name: 'Vervangen publieke sleutel bevestigen' }).waitFor();
    await page.getByLabel('Gemeente').selectOption('0034');
    await page.getByLabel('Vingerafdruk van de nieuwe sleutel').fill(p.json.fingerprint);
    await page.getByLabel('Reden').fill('Almere heeft een nieuwe sleutel gemaakt');
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await page.getByText(/Bevestigd: de beheerder kan de sleutel van Almere nu vervangen/).waitFor();
    const r = await s.admin.post('/api/election/regions/0034/key/confirm', { uploadId: p.json.uploadId, replace: true });
    assert.equal(r.status, 200, r.text);
    await page.context().close();
  });

  test('a complete municipality edited in the database: the status screen shows it', async () => {
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    await completeMunicipality(t1, t2, '0050');
    const page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, 'leider', USER_PASSWORD + '!');
    await page.goto('/#/steminvoer');
    await page.getByRole('heading', { name: 'Invoeren stemmen status' }).waitFor();
    assert.equal(await page.getByTestId('integrity-problems').count(), 0);
    const db = new Database(path.join(server.dataDir, 'uitslag.sqlite'));
    try {
      const row = db.prepare("SELECT state_json FROM count_units WHERE code = '0050'").get() as { state_json: string };
      db.prepare("UPDATE count_units SET state_json = ? WHERE code = '0050'").run(row.state_json.replace('"scalars":{"Z":', '"scalars":{"Z":1'));
    } finally {
      db.close();
    }
    const alert = page.getByTestId('integrity-problems');
    await alert.waitFor();
    assert.match(await alert.innerText(), /De opgeslagen aantallen van gemeente 0050 wijken af van wat het auditlog vastlegde/);
    await page.context().close();
  });
});
