/**
 * `npm run bench -- entry`: a typist enters a whole municipality of kieskring Lelystad (29 lists,
 * 1,080 fields) with the keyboard only, in Debian's chromium against the real server. Prints the
 * navigation keys (everything but the digits) against the bound (fields + sections), and the time
 * against a floor measured in the same run: the same keys typed into one bare <input> of an empty
 * page (what the browser and playwright cost without the application).
 */
import type { FormShape } from '../src/domain/entryStructure.ts';
import { DIFFERENCE_SCALARS } from '../src/domain/entry.ts';
import { typeEntryByKeyboard } from '../test/browser/keyboard.ts';
import { launchBrowser, login, newPage } from '../test/browser/support.ts';
import { changeForm, formFromOfficial, preparePhase2 } from '../test/support/counts.ts';
import { startTestServer, USER_PASSWORD } from '../test/support/server.ts';
import { ms, note, type Figure } from './support.ts';

export async function benchEntry(): Promise<Figure[]> {
  const server = await startTestServer();
  const browser = await launchBrowser();
  try {
    const s = await preparePhase2(server);
    const shape = (await s.typists[0]!.get('/api/counts/form-shape')).json as FormShape;
    const official = await formFromOfficial('0034');
    const form = changeForm(official, Object.fromEntries(DIFFERENCE_SCALARS.filter((k) => official.scalars[k] === null).map((k) => [k, null])));
    const page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, 'invoer1', USER_PASSWORD + '!');
    await page.goto('/#/steminvoer/gemeente/0034/invoer');
    await page.getByRole('heading', { name: /Eerste invoer Almere/ }).waitFor();
    note('entry: typing 1,080 fields by keyboard');
    const run = await typeEntryByKeyboard(page, shape, form);
    await page.locator('.toast.warning').first().waitFor();
    // the floor: the same keys into one bare input
    const bare = await newPage(browser, 'about:blank');
    await bare.setContent('<input id="x">');
    await bare.focus('#x');
    const t = performance.now();
    for (let i = 0; i < run.visited; i++) {
      await bare.keyboard.type('1'.repeat(Math.round(run.digits / run.visited)));
      await bare.keyboard.press('Enter');
    }
    await bare.keyboard.press('Enter');
    const floor = performance.now() - t;
    return [
      { bench: 'entry', metric: 'navigation keys', value: String(run.navigation), note: `bound: ${run.fields} fields + ${run.sections} sections = ${run.fields + run.sections}; ${run.digits} digits` },
      { bench: 'entry', metric: 'navigation keys per field', value: (run.navigation / run.fields).toFixed(3) },
      { bench: 'entry', metric: 'time, whole municipality', value: ms(run.ms), note: `floor (same keys into a bare input) ${ms(floor)}` },
      { bench: 'entry', metric: 'ratio entry/floor', value: `${(run.ms / floor).toFixed(2)}x` },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
