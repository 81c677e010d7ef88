import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EML, eml } from '../support/paths.ts';
import { detectEmlKind, emlKindName, requireEmlKind } from '../../src/eml/kind.ts';

/** The kind each real file should be, by its file name. */
function expectedKind(file: string): string {
  const name = path.basename(file);
  if (name.startsWith('Verkiezingsdefinitie_')) return '110a';
  if (name.startsWith('Kandidatenlijsten_')) return '230b';
  if (/^Telling_[^_]+_gemeente_/.test(name)) return '510b';
  if (/^Telling_[^_]+_kieskring_/.test(name)) return '510c';
  if (name.startsWith('Totaaltelling_')) return '510d';
  if (name.startsWith('Resultaat_')) return '520';
  throw new Error(`unexpected file ${name}`);
}

test('detects the kind of every real file from its root element', () => {
  const files = readdirSync(EML, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.eml.xml'));
  assert.ok(files.length >= 35, `found only ${files.length} files`);
  const seen = new Set<string>();
  for (const f of files) {
    const r = detectEmlKind(readFileSync(path.join(EML, f)));
    assert.ok(r.ok, `${f}: ${JSON.stringify(r)}`);
    assert.equal(r.value.id, expectedKind(f), f);
    assert.equal(r.value.schemaVersion, '5');
    seen.add(r.value.id);
  }
  assert.deepEqual([...seen].sort(), ['110a', '230b', '510b', '510c', '510d', '520']);
});

test('detection reads only up to the root start tag', () => {
  const head = readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml')).subarray(0, 600);
  // The rest would be refused by a full parse (ill-formed, far too long), but is never read.
  const big = Buffer.concat([head, Buffer.alloc(50 * 1024 * 1024, '<')]);
  const start = Date.now();
  const r = detectEmlKind(big);
  assert.deepEqual(r, { ok: true, value: { id: '230b', schemaVersion: '5' } });
  assert.ok(Date.now() - start < 1000);
});

test('refuses a wrong kind naming what was expected and what was found', () => {
  const r = requireEmlKind(readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml')), '110a');
  assert.deepEqual(r, {
    ok: false,
    code: 'eml.wrong_kind',
    message: 'Dit is geen verkiezingsdefinitie (EML 110a) maar een kandidatenlijstbestand (EML 230b).',
    detail: 'expected EML 110a, found 230b',
  });
  const c = requireEmlKind(readFileSync(eml('tk2021', 'Resultaat_TK2021.eml.xml')), '510b');
  assert.equal(!c.ok && c.message, 'Dit is geen telbestand van een gemeente (EML 510b) maar een uitslagbestand (EML 520).');
  assert.ok(requireEmlKind(readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml')), '110a').ok);
  assert.equal(emlKindName('999'), 'EML-bestand van soort 999');
});

test('refuses what is not EML, and EML without a kind', () => {
  const html = detectEmlKind(Buffer.from('<html><body/></html>'));
  assert.equal(!html.ok && html.code, 'eml.not_eml');
  assert.equal(!html.ok && html.message, 'Dit is geen EML-bestand (het hoofdelement is <html>).');
  // The right name in the wrong namespace is not EML either.
  const wrongNs = detectEmlKind(Buffer.from('<EML xmlns="urn:other" Id="110a"/>'));
  assert.equal(!wrongNs.ok && wrongNs.code, 'eml.not_eml');
  const noId = detectEmlKind(Buffer.from('<EML xmlns="urn:oasis:names:tc:evs:schema:eml" SchemaVersion="5"/>'));
  assert.equal(!noId.ok && noId.code, 'eml.kind_unknown');
  const notXml = detectEmlKind(Buffer.from('PK\u0003\u0004'));
  assert.equal(!notXml.ok && notXml.code, 'xml.not_xml');
  const doctype = detectEmlKind(Buffer.from('<!DOCTYPE EML [<!ENTITY a "b">]><EML Id="110a"/>'));
  assert.equal(!doctype.ok && doctype.code, 'xml.doctype');
});
