/**
 * Issue 9, defects 4 and 5: the free-text rule and the spreadsheet-cell neutralisation (pure).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { normalisePollingStationName } from '../../src/domain/pollingStations.ts';
import { checkFreeText, freeTextProblem, neutraliseSpreadsheetCell } from '../../src/domain/text.ts';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe('free text (issue 9, defect 5)', () => {
  const refused: [string, string][] = [
    ['NUL', 'Jan\u0000Jansen'],
    ['BEL', 'Jan\u0007'],
    ['ANSI escape', '\u001b[31mJan'],
    ['DEL', 'Jan\u007f'],
    ['C1 control', 'Jan\u0085'],
    ['right-to-left override', 'Jan \u202Enesnaj'],
    ['left-to-right embedding', '\u202AJan'],
    ['isolate', 'Jan\u2066x\u2069'],
    ['right-to-left mark', 'Jan\u200F'],
    ['only zero-width spaces', '\u200b\u200b\u200b'],
    ['only a word joiner and a no-break space', '\u2060\u00a0'],
    ['Hangul filler', '\u3164'],
    ['lone surrogate', 'Jan\ud800'],
    ['non-character', 'Jan\uffff'],
    ['line break in a one-line field', 'Jan\nJansen'],
    ['line separator', 'Jan\u2028Jansen'],
  ];
  for (const [what, value] of refused) {
    test(`refused: ${what}, with a Dutch message naming the field`, () => {
      const r = checkFreeText(value, 'Volledige naam');
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.code, 'text.invalid');
        assert.match(r.message, /^Volledige naam bevat /);
      }
    });
  }

  test('accepted: ordinary names, accents, emoji with joiners, Arabic and Hebrew text; empty (required is the field\'s rule)', () => {
    for (const v of ['Jan Jansen', "Zoë d'Ancona-Ögünç", '👩‍👩‍👧 familie', 'مرحبا', 'שלום', '', '   ', 'ß 1–2 “x”']) {
      assert.equal(freeTextProblem(v, 'Naam'), null, JSON.stringify(v));
    }
  });

  test('multi-line fields allow line breaks and tabs, not a lone CR or other controls', () => {
    assert.equal(freeTextProblem('regel 1\r\nregel 2\n\tregel 3', 'Opmerkingen', { multiline: true }), null);
    assert.notEqual(freeTextProblem('regel 1\rregel 2', 'Opmerkingen', { multiline: true }), null);
    assert.notEqual(freeTextProblem('regel\u0000', 'Opmerkingen', { multiline: true }), null);
  });

  test('property: any text with a control or bidi-override character is refused', () => {
    const bad = fc.constantFrom('\u0000', '\u0008', '\u001b', '\u007f', '\u009b', '\u202e', '\u2067', '\u061c');
    fc.assert(
      fc.property(fc.string(), bad, fc.string(), (a, b, c) => freeTextProblem(a + b + c, 'Veld') !== null),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('polling-station names follow the same rule', () => {
    const r = normalisePollingStationName('Stembureau \u202Eduolk');
    assert.equal(r.ok, false);
    assert.equal(normalisePollingStationName('\u200b').ok, false);
    assert.equal(normalisePollingStationName('Stembureau Stadhuis').ok, true);
  });
});

describe('spreadsheet cells (issue 9, defect 4)', () => {
  test('a value starting with = + - @ tab or CR gets an apostrophe; others stay', () => {
    for (const v of ['=2+5', '=HYPERLINK("http://x","klik")', '+31', '-1', '@SUM(A1)', '\tx', '\rx']) {
      assert.equal(neutraliseSpreadsheetCell(v), `'${v}`);
    }
    for (const v of ['admin', '2021-03-17T09:00:00.000Z', '{"a":1}', '', 'a=b']) assert.equal(neutraliseSpreadsheetCell(v), v);
  });

  test('property: reversible (strip one leading apostrophe) and never starts like a formula', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        const n = neutraliseSpreadsheetCell(v);
        const back = n.startsWith("'") ? n.slice(1) : n;
        return back === v && !/^[=+\-@\t\r]/.test(n);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
