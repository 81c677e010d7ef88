/**
 * Smoke test of `npm run bench` at tiny sizes, so the benchmarks cannot rot: each runs end to end
 * against the real server and prints its figures. Asserts completion and figures, never speed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEntry } from '../../src/domain/checks.ts';
import { countsToForm } from '../../src/domain/entry.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { formatTable, runBench } from '../../bench/run.ts';
import { benchLists, synthetic510b, syntheticForm } from '../../bench/synthetic.ts';

const value = (figures: readonly { metric: string; value: string }[], metric: string): string => {
  const f = figures.find((x) => x.metric === metric);
  assert.ok(f, `figure ${metric} missing`);
  return f.value;
};

test('synthetic 510b: deterministic, parses, every block adds up and the totals pass the entry checks', async () => {
  const a = await synthetic510b({ stations: 3, seed: 7 });
  const b = await synthetic510b({ stations: 3, seed: 7 });
  assert.ok(a.eml.equals(b.eml), 'same seed, same bytes');
  assert.ok(!a.eml.equals((await synthetic510b({ stations: 3, seed: 8 })).eml), 'another seed, other numbers');
  assert.equal(a.selectionsPerBlock, 1099, "Zwolle's 32 lists and 1,067 candidates");
  const r = await readEml510(a.eml);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.header.kind, '510b');
  assert.equal(r.value.header.authorityId, '0193');
  assert.equal(r.value.header.contest.id, '4');
  assert.equal(r.value.units.length, 3);
  assert.deepEqual(r.value.total, a.total);
  assert.deepEqual(checkEntry(countsToForm(a.total, benchLists())), []);
  assert.deepEqual(checkEntry(syntheticForm(1)), []);
});

test('npm run bench, import (small): completes through the real server and prints its figures', async () => {
  const figures = await runBench('import', { small: true });
  assert.match(value(figures, 'import total'), /^\d+(\.\d)? ms$/);
  assert.match(value(figures, 'ratio import/xmllint'), /^\d+\.\d\dx$/);
  assert.match(value(figures, 'server peak RSS (VmHWM)'), /^\d+ MiB$/);
  assert.match(figures.find((f) => f.metric === 'GET /api/counts/status during import')!.note ?? '', /errors 0$/);
  const table = formatTable(figures);
  assert.match(table, /ratio import\/sha256sum/);
  process.stdout.write(table);
});

test('npm run bench, load (small: 3 typists × 5 saves): every entry completes without errors', async () => {
  const figures = await runBench('load', { small: true });
  assert.equal(value(figures, 'errors'), '0');
  assert.equal(value(figures, 'entries submitted'), '6');
  assert.match(figures.find((f) => f.metric === 'entries submitted')!.note ?? '', /complete at end 3\/3/);
  assert.match(value(figures, 'draft latency'), /^p50 .* ms, p99 .* ms$/);
  process.stdout.write(formatTable(figures));
});

test('bench render (small: a synthetic kieskring of 2 municipalities): 510c + PDF + ODT + CSV + zips complete and are figured', async () => {
  const { benchRender, syntheticKieskring } = await import('../../bench/render.ts');
  const k = syntheticKieskring(2);
  assert.deepEqual(k, syntheticKieskring(2), 'same seed, same numbers');
  assert.deepEqual(checkEntry(countsToForm(k.municipalities[0]!.counts, k.lists)).filter((c) => c.severity === 'error'), []);
  const rows = await benchRender({ synthetic: 2 });
  assert.match(rows.find((r) => r.metric === 'kieskring')!.note ?? '', /^2 municipalities, 32 lists, 1067 candidates$/);
  for (const metric of ['510c', 'O 3 PDF (Typst)', 'O 3 ODT', 'CSV', 'zips (2)', 'sum of stages', 'renderDocuments (all 6 files)']) {
    assert.match(value(rows, metric), /^\d+(\.\d)? ms$/, metric);
  }
  assert.match(rows.find((r) => r.metric === 'reference: SHA-256 of the 6 files')!.note ?? '', /^renderDocuments = \d+\.\dx of it$/);
});

test('npm run bench, documents (small: Lelystad through the server): the files are made from the click to "klaar", beside their floor', async () => {
  const figures = await runBench('documents', { small: true });
  assert.match(value(figures, 'click to "klaar" (server job)'), /^\d+(\.\d)? ms$/);
  assert.match(figures.find((f) => f.metric === 'click to "klaar" (server job)')?.note ?? '', /^floor: SHA-256 of the 6 files/);
  assert.match(value(figures, 'again'), /^\d+(\.\d)? ms$/);
});

test('bench render, the whole country (small: 3 kieskringen): files of every kieskring, aggregation and the cost per municipality', async () => {
  const rows = await runBench('render', { small: true });
  assert.equal(value(rows, 'country'), '3 kieskringen');
  assert.match(rows.find((r) => r.metric === 'country: files of every kieskring')?.note ?? '', /ms per municipality/);
  assert.match(rows.find((r) => r.metric === 'one O 3 PDF of 6 municipalities')?.note ?? '', /each one from \d+ to 6/);
});
