/**
 * Guide step 9 in the browser (issue 12): after two differing entries the election leader takes one
 * over. "Tweede invoer overnemen" of a correct second entry completes the municipality at once (the
 * leader's choice is the second pair of eyes, with a reason in the history); taking over an entry
 * with an error is refused with the rule that fails, and the unit stays with its differences.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { changeForm, formFromOfficial, preparePhase2, typeEntry, type Phase2Setup } from '../support/counts.ts';
import { startTestServer, USER_PASSWORD, type ApiClient, type TestServer } from '../support/server.ts';
import { assertUiBuilt, launchBrowser, login, newPage } from './support.ts';

let server: TestServer;
let browser: Browser;
let s: Phase2Setup;
let leader: Page;

before(async () => {
  assertUiBuilt();
  server = await startTestServer({ tls: true });
  s = await preparePhase2(server);
  const [t1, t2] = s.typists as [ApiClient, ApiClient];
  // Zeewolde: the first typist mistyped a candidate (the sums still add up); the second is right.
  const zeewolde = await formFromOfficial('0050');
  const c1 = zeewolde.lists[0]?.candidates[0] ?? 0;
  const c2 = zeewolde.lists[0]?.candidates[1] ?? 0;
  assert.equal((await typeEntry(t1, '0050', changeForm(zeewolde, { 'list.1.1': c1 + 1, 'list.1.2': c2 - 1 }))).json.outcome.kind, 'first_done');
  assert.equal((await typeEntry(t2, '0050', zeewolde, { confirmDifferent: true })).json.outcome.kind, 'differences');
  // Urk: the second entry has an error (D one higher: F.201), confirmed as different.
  const urk = changeForm(await formFromOfficial('0184'), { Z: 14000 });
  assert.equal((await typeEntry(t1, '0184', urk)).json.outcome.kind, 'first_done');
  const wrong = changeForm(urk, { D: (urk.scalars.D ?? 0) + 1 });
  assert.equal((await typeEntry(t2, '0184', wrong, { confirmDifferent: true })).json.outcome.kind, 'differences');
  browser = await launchBrowser({ trustCertificatePem: server.certificatePem ?? undefined });
  leader = await newPage(browser, server.url);
  await leader.goto('/');
  await login(leader, 'leider', USER_PASSWORD + '!');
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function takeOver(code: string, choice: 'Eerste invoer overnemen' | 'Tweede invoer overnemen', reason: string): Promise<void> {
  await leader.goto(`/#/steminvoer/gemeente/${code}`);
  await leader.getByRole('heading', { name: 'Verschillen tussen eerste en tweede invoer' }).waitFor();
  await leader.getByRole('button', { name: choice }).click();
  const dialog = leader.getByRole('dialog', { name: choice });
  await dialog.getByLabel(/Reden/).fill(reason);
  await dialog.getByRole('button', { name: choice }).click();
}

test('"Tweede invoer overnemen": the municipality is complete at once, the reason is in its history', async () => {
  await takeOver('0050', 'Tweede invoer overnemen', 'Eerste invoer: tikfout bij lijst 1; proces-verbaal gecontroleerd.');
  await leader.locator('.toast.success').filter({ hasText: 'Tweede invoer overnemen' }).waitFor();
  await leader.locator('.detail-status [data-indicator="afgerond"]').waitFor();
  const detail = (await s.leader.get('/api/counts/0050')).json;
  assert.equal(detail.state, 'complete');
  const resolve = detail.history.find((h: { action: string }) => h.action === 'resolve');
  assert.equal(resolve.details.reason, 'Eerste invoer: tikfout bij lijst 1; proces-verbaal gecontroleerd.');
});

test('an entry with an error cannot be taken over: the rule is named, the differences stay', async () => {
  await takeOver('0184', 'Tweede invoer overnemen', 'Tweede invoer lijkt goed.');
  await leader.getByRole('alert').filter({ hasText: 'F.201' }).first().waitFor();
  assert.equal((await s.leader.get('/api/counts/0184')).json.state, 'differences');
  // the first entry has no error: "Eerste invoer overnemen" completes it
  await leader.keyboard.press('Escape');
  await takeOver('0184', 'Eerste invoer overnemen', 'Tweede invoer: D verkeerd overgenomen.');
  await leader.locator('.detail-status [data-indicator="afgerond"]').waitFor();
  assert.equal((await s.leader.get('/api/counts/0184')).json.state, 'complete');
});
