/** The entry screen's value store and field-text reading, outside the browser. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildFormShape } from '../../src/domain/entryStructure.ts';
import { emptyForm, SCALAR_FIELDS } from '../../src/domain/entry.ts';
import { INVALID_NUMBER_MESSAGE, parseFieldText, TOO_LARGE_MESSAGE } from '../../src/ui/entry/fieldText.ts';
import { FormStore, storeKeyOf } from '../../src/ui/entry/formStore.ts';

const shape = buildFormShape({
  lists: [
    { listNumber: 1, name: 'A', candidates: [{ position: 1, name: 'x' }, { position: 2, name: 'y' }] },
    { listNumber: 3, name: 'B', candidates: [{ position: 1, name: 'z' }] },
  ],
  scalarKeys: ['Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'],
});

test('field text: whole numbers and empty are read, anything else is refused as typed', () => {
  assert.deepEqual(parseFieldText(''), { ok: true, value: null });
  assert.deepEqual(parseFieldText('  '), { ok: true, value: null });
  assert.deepEqual(parseFieldText('0'), { ok: true, value: 0 });
  assert.deepEqual(parseFieldText(' 0012 '), { ok: true, value: 12 });
  assert.deepEqual(parseFieldText('999999999'), { ok: true, value: 999_999_999 });
  assert.deepEqual(parseFieldText('0000000000001'), { ok: true, value: 1 }, 'leading zeros do not count as digits');
  assert.deepEqual(parseFieldText('1234567890'), { ok: false, message: TOO_LARGE_MESSAGE });
  for (const bad of ['1,5', '-3', '12.000', 'twaalf', '1e3', '+4', '٣', '1 000']) {
    assert.deepEqual(parseFieldText(bad), { ok: false, message: INVALID_NUMBER_MESSAGE }, bad);
  }
});

test('property: every count up to 9 digits round-trips through its text; every other text is refused or empty', () => {
  fc.assert(fc.property(fc.nat({ max: 999_999_999 }), (n) => assert.deepEqual(parseFieldText(String(n)), { ok: true, value: n })));
  fc.assert(
    fc.property(fc.string(), (t) => {
      const r = parseFieldText(t);
      if (r.ok && r.value !== null) assert.equal(String(r.value), t.trim().replace(/^0+(?=.)/, ''));
      if (r.ok && r.value === null) assert.equal(t.trim(), '');
    }),
  );
});

test('the store: values by field id, subscriptions per list, running sums, the form as the API takes it', () => {
  const store = new FormStore(shape, null);
  assert.equal(store.get('Z'), null);
  assert.equal(store.has('P1'), false, 'a field the election does not have');
  assert.equal(store.has('list.1.3'), false);
  let listCalls = 0;
  let allCalls = 0;
  store.subscribe('list.1', () => listCalls++);
  store.subscribe('*', () => allCalls++);
  store.set('list.1', 10);
  store.set('list.1.1', 7);
  store.set('list.1.1', 7); // unchanged: no notification
  store.set('Z', 100);
  store.set('P1', 5); // not on this form: ignored
  assert.equal(listCalls, 2);
  assert.equal(allCalls, 3);
  assert.equal(store.dirty, true);
  assert.deepEqual(store.listState(1), { total: 10, sum: 7, empty: 1 });
  assert.deepEqual(store.emptyCandidateFields(), ['list.1.2', 'list.3.1']);
  store.invalid.set('list.3.1', 'x');
  assert.deepEqual(store.emptyCandidateFields(), ['list.1.2'], 'a field with an invalid text is not emptied to 0');
  const form = store.toForm();
  assert.deepEqual(Object.keys(form.scalars), SCALAR_FIELDS.map((f) => f.key), 'every scalar of the API form');
  assert.equal(form.scalars.P1, null);
  assert.equal(form.scalars.Z, 100);
  assert.deepEqual(form.lists, [
    { listNumber: 1, total: 10, candidates: [7, null] },
    { listNumber: 3, total: null, candidates: [null] },
  ]);
  assert.equal(storeKeyOf('Z'), 'scalars');
  assert.equal(storeKeyOf('list.3.1'), 'list.3');
});

test('the store starts from a saved draft', () => {
  const draft = emptyForm({ affiliations: [{ listNumber: 1, candidates: [{}, {}] }, { listNumber: 3, candidates: [{}] }] } as never);
  const store = new FormStore(shape, { ...draft, scalars: { ...draft.scalars, D: 42 }, lists: [{ listNumber: 1, total: 3, candidates: [1, 2] }, draft.lists[1]!] });
  assert.equal(store.get('D'), 42);
  assert.deepEqual(store.listState(1), { total: 3, sum: 3, empty: 0 });
  assert.equal(store.dirty, false);
});
