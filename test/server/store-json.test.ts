import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { CorruptRow, readJson, writeJson } from '../../src/server/store/json.ts';

const Schema = z.object({ a: z.number().int(), b: z.array(z.string()) });

test('a JSON column that matches its schema is read as its value', () => {
  assert.deepEqual(readJson(Schema, '{"a":3,"b":["x"]}', 't.c'), { a: 3, b: ['x'] });
});

test('a JSON column that does not match its schema is a corrupt row, naming where and what', () => {
  assert.throws(() => readJson(Schema, '{"a":"3","b":[]}', 'count_units.state_json'), (e: unknown) => {
    assert.ok(e instanceof CorruptRow);
    assert.match(e.message, /count_units\.state_json/);
    assert.match(e.message, /a:/);
    return true;
  });
  assert.throws(() => readJson(Schema, '{not json', 't.c'), CorruptRow);
});

test('a value is checked before it is written', () => {
  assert.equal(writeJson(Schema, { a: 1, b: [] }, 't.c'), '{"a":1,"b":[]}');
  assert.throws(() => writeJson(Schema, { a: 1.5, b: [] }, 't.c'), CorruptRow);
});
