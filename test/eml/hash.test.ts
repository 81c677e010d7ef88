import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import { formatHash } from '../../src/domain/hashcode.ts';
import { emlHash, sha256Hex } from '../../src/eml/hash.ts';

const LELYSTAD_230B = eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml');
const DEF_TK2021 = eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml');

function hashOf(bytes: Buffer | string) {
  const r = emlHash(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

test('sha256Hex is lower-case hex SHA-256', () => {
  assert.equal(sha256Hex(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('an already canonical file (230b) hashes over its canonical form, which equals its raw hash', () => {
  const bytes = readFileSync(LELYSTAD_230B);
  const h = hashOf(bytes);
  assert.equal(h.canonical, true);
  assert.equal(h.hex, createHash('sha256').update(bytes).digest('hex'));
  // The hash as users see and compare it (the published file's SHA-256).
  assert.equal(
    formatHash(h.hex),
    'B410 BB27 0373 4D00 F096 71AB 3CA9 60A4 D9A4 5979 B7D1 FDA6 F3BA 4E20 EB01 29B7',
  );
});

test('the same content written differently hashes the same when the file carries ds:CanonicalizationMethod', () => {
  const original = readFileSync(LELYSTAD_230B, 'utf8');
  const reformatted =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    original
      .replace('<AuthorityAddress></AuthorityAddress>', '<AuthorityAddress/>')
      .replace(
        '<kr:ListData BelongsToSet="1" PublicationLanguage="nl" PublishGender="true"></kr:ListData>',
        "<kr:ListData PublishGender='true' BelongsToSet=\"1\"  PublicationLanguage=\"nl\" />",
      )
      .replace('<RegisteredName>VVD</RegisteredName>', '<RegisteredName>&#86;VD</RegisteredName>') +
    '\n';
  assert.notEqual(sha256Hex(Buffer.from(reformatted)), sha256Hex(Buffer.from(original)));
  assert.deepEqual(hashOf(reformatted), hashOf(original));
  // A real change does change the hash.
  assert.notEqual(hashOf(original.replace('<xnl:LastName>Rutte<', '<xnl:LastName>Rütte<')).hex, hashOf(original).hex);
});

test('a file without ds:CanonicalizationMethod (the pretty-printed 110a) hashes raw', () => {
  const bytes = readFileSync(DEF_TK2021);
  assert.deepEqual(hashOf(bytes), {
    hex: '50e84ea4bb3b8d3cbfbab1df34ba5babfe4e965193440eb3d2239823784af1d6',
    canonical: false,
  });
  // Also when it is in fact XML with another element named like it in another namespace.
  const other = '<a xmlns:x="urn:x"><x:CanonicalizationMethod/></a>';
  assert.deepEqual(hashOf(other), { hex: sha256Hex(Buffer.from(other)), canonical: false });
  // Any file without the word is hashed raw, XML or not.
  assert.deepEqual(hashOf('not xml'), { hex: sha256Hex(Buffer.from('not xml')), canonical: false });
});

const DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';

test('the C14N variant without comments drops comments from the hashed form', () => {
  const method = '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>';
  const withComment = hashOf(`<a ${DS}>${method}<!-- note --><b/></a>`);
  const without = hashOf(`<a ${DS}>${method}<b></b></a>`);
  assert.deepEqual(withComment, without);
  assert.equal(without.canonical, true);
  assert.equal(without.hex, sha256Hex(Buffer.from(`<a ${DS}>${method.replace('/>', '></ds:CanonicalizationMethod>')}<b></b></a>`)));
  // With comments (the EML default) the comment counts.
  const methodWith = `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"/>`;
  assert.notDeepEqual(hashOf(`<a ${DS}>${methodWith}<!-- note --><b/></a>`), hashOf(`<a ${DS}>${methodWith}<b/></a>`));
});

test('refuses an unknown canonicalization method, and a broken file that carries one', () => {
  const unknown = emlHash(
    Buffer.from(`<a ${DS}><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></a>`),
  );
  assert.equal(!unknown.ok && unknown.code, 'eml.c14n_algorithm');
  const bytes = readFileSync(LELYSTAD_230B);
  const truncated = emlHash(bytes.subarray(0, bytes.length - 10));
  assert.equal(!truncated.ok && truncated.code, 'xml.truncated');
  const tooLarge = emlHash(bytes, { maxBytes: 1000 });
  assert.equal(!tooLarge.ok && tooLarge.code, 'xml.too_large');
});
