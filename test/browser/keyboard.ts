/**
 * Typing a whole entry with the keyboard only, as a typist does (issue 12: "measure it"): for every
 * field the digits, then Enter; "Verschillen" is visited only when D and H differ or a difference is
 * typed (as the screen walks it); at the end Enter on "Invoer afronden". Counts the keys that are
 * not digits (navigation) and the time. Used by the browser test and by `npm run bench -- entry`.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EntryForm } from '../../src/domain/entry.ts';
import { entrySections, fieldValue, type FormShape } from '../../src/domain/entryStructure.ts';

export interface KeyboardRun {
  /** Fields of the form, and how many of them the walk visited. */
  readonly fields: number;
  readonly visited: number;
  readonly sections: number;
  /** Keys pressed that were digits, and the others (Enter, Ctrl+Enter). */
  readonly digits: number;
  readonly navigation: number;
  readonly ms: number;
}

export async function typeEntryByKeyboard(page: Page, shape: FormShape, form: EntryForm): Promise<KeyboardRun> {
  const sections = entrySections(shape);
  const D = form.scalars.D;
  const H = form.scalars.H;
  const verschillen = sections.find((s) => s.id === 'verschillen');
  const wantDifferences = (D !== null && H !== null && D !== H) || (verschillen?.fields.some((f) => fieldValue(form, f) !== null) ?? false);
  const walk = sections.filter((s) => s.id !== 'verschillen' || wantDifferences).flatMap((s) => s.fields);
  const active = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.field ?? document.activeElement?.textContent ?? '');
  let digits = 0;
  let navigation = 0;
  const start = Date.now();
  for (const [i, id] of walk.entries()) {
    // check the cursor is where the walk expects it now and then (every field would double the time)
    if (i % 25 === 0 || i === walk.length - 1) {
      await page.waitForFunction((f) => (document.activeElement as HTMLElement | null)?.dataset.field === f, id);
    }
    const v = fieldValue(form, id);
    if (v !== null) {
      const text = String(v);
      await page.keyboard.type(text);
      digits += text.length;
    }
    await page.keyboard.press('Enter');
    navigation++;
  }
  // after the last field the cursor is on "Invoer afronden": Enter presses it
  await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.submit !== undefined);
  assert.match(await active(), /invoer afronden/i);
  await page.keyboard.press('Enter');
  navigation++;
  return { fields: sections.reduce((n, s) => n + s.fields.length, 0), visited: walk.length, sections: sections.length, digits, navigation, ms: Date.now() - start };
}
