/**
 * The render worker (src/server/documents.ts): started once and kept for every render (not a fresh
 * thread per render), and what it makes is byte for byte what rendering wholly in this thread makes:
 * the final set (the PDF in the worker, the other files beside it) and a concept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import {
  renderConcept,
  renderDocuments,
  renderInWorker,
  renderWorkersStarted,
  startRenderWorker,
  stopRenderWorker,
  type RenderInput,
} from '../../src/server/documents.ts';
import { municipalityCertificate, testKeyPair } from '../support/counts.ts';
import { PV_DETAILS } from '../support/documents.ts';
import { eml } from '../support/paths.ts';

async function lelystadInput(createdAt: string): Promise<RenderInput> {
  const lists = readCandidateLists(readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml')));
  if (!lists.ok) throw new Error(lists.message);
  const official = await readEml510(readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml')));
  if (!official.ok) throw new Error(official.message);
  const key = await testKeyPair();
  const l = lists.value;
  return {
    election: { id: 'TK2021', name: l.electionName, category: 'TK', subcategory: 'TK', date: l.electionDate },
    kieskring: { number: Number(l.contestId), name: l.contestName },
    candidateLists: l,
    municipalities: official.value.units.map((u) => ({ code: u.id.split('::')[1] ?? u.id, name: u.name, counts: u.counts })),
    pv: PV_DETAILS,
    createdAt,
    key: { privateKeyPem: key.privateKeyPem, certificatePem: municipalityCertificate('0995', 'Lelystad', key) },
  };
}

describe('render worker', () => {
  test('one worker for every render; the same bytes as rendering in this thread', async () => {
    startRenderWorker();
    const input = await lelystadInput('2021-03-19T14:11:10.150Z');
    const stages: string[] = [];
    const a = await renderInWorker('final', input, (stage) => stages.push(stage));
    assert.ok(a.ok, a.ok ? '' : `${a.message} ${a.detail ?? ''}`);
    const concept = await renderInWorker('concept', input, () => {}, 'pdf');
    assert.ok(concept.ok);
    const again = await renderInWorker('final', { ...input, createdAt: '2021-03-19T15:00:00.000Z' }, () => {});
    assert.ok(again.ok);
    assert.equal(renderWorkersStarted(), 1, 'started once (this test file is its own process), then reused');
    assert.ok(stages.includes('pdf') && stages.at(-1) === 'done', stages.join(' '));

    const here = await renderDocuments(input);
    assert.ok(here.ok);
    assert.deepEqual(
      a.value.map((f) => [f.kind, f.fileName]),
      here.value.map((f) => [f.kind, f.fileName]),
    );
    for (const [i, f] of a.value.entries()) assert.ok(f.bytes.equals(here.value[i]?.bytes ?? Buffer.alloc(0)), `${f.kind}: the same bytes`);
    const conceptHere = await renderConcept(input, 'pdf');
    assert.ok(conceptHere.ok);
    assert.ok(concept.value[0]?.bytes.equals(conceptHere.value.bytes), 'concept: the same bytes');
  });

  test('leaving phase 3 during a render: a draining stop lets the render finish; a plain stop (server close) ends it as an internal error', async () => {
    const input = await lelystadInput('2021-03-19T14:11:10.150Z');
    startRenderWorker();
    const drained = renderInWorker('concept', input, () => {}, 'pdf'); // sent to the worker before the stop
    await stopRenderWorker({ drain: true });
    const d = await drained;
    assert.ok(d.ok, d.ok ? '' : `${d.code}: ${d.message}`);
    assert.ok(d.value[0]?.bytes.subarray(0, 5).equals(Buffer.from('%PDF-')), 'a whole PDF');

    startRenderWorker();
    const cut = renderInWorker('concept', input, () => {}, 'pdf');
    await stopRenderWorker();
    const c = await cut;
    assert.equal(c.ok, false, 'the render was cut off');
    assert.equal(!c.ok && c.code, 'documents.internal');
  });
});
