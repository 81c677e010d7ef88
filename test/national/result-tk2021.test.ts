/**
 * The national result of TK2021 recomputed from the published files (national.md §6.3): the
 * official `Totaaltelling_TK2021.eml.xml` (510d) and `Resultaat_TK2021.eml.xml` (520) byte for
 * byte, from the 510d's kieskring blocks plus the 20 candidate lists and the 110a; the 7 shared
 * kieskring 510c files against the 510d's blocks; both written files valid against the XSD;
 * `bin/uitslag result` end to end.
 */
import { runBin } from '../support/bin.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeResult, type NamedBytes } from '../../src/cli/resultCommand.ts';
import { normalizeCounts, type VoteCounts } from '../../src/domain/counts.ts';
import { nationalResult } from '../../src/domain/seats/national.ts';
import { partiesOf } from '../../src/domain/seats/persons.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { readEml510dBlocks } from '../../src/eml/eml510d.ts';
import { writeEml520 } from '../../src/eml/resultwrite.ts';
import { eml } from '../support/paths.ts';
import { xsdErrors } from '../support/xsd.ts';

const DIR = eml('tk2021');
const OFFICIAL_510D = readFileSync(path.join(DIR, 'Totaaltelling_TK2021.eml.xml'));
const OFFICIAL_520 = readFileSync(path.join(DIR, 'Resultaat_TK2021.eml.xml'));
const CREATED_510D = '2021-03-23T20:05:40.173';
const CREATED_520 = '2021-03-23T20:11:35.240';

function file(name: string): NamedBytes {
  return { name, bytes: readFileSync(path.join(DIR, name)) };
}
const folder = readdirSync(DIR)
  .filter((n) => n.endsWith('.xml'))
  .sort()
  .map(file);
const kieskringLists = folder
  .filter((f) => f.name.startsWith('Kandidatenlijsten_'))
  .map((f) => {
    const r = readCandidateLists(f.bytes);
    assert.ok(r.ok);
    return { kieskring: Number(r.value.contestId), lists: r.value };
  });

function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `first difference at byte ${i}:\n${a.subarray(Math.max(0, i - 200), i + 80).toString()}\n---\n${b.subarray(Math.max(0, i - 200), i + 80).toString()}`;
}

describe('TK2021 from the 510d kieskring blocks, the 230b files and the 110a', () => {
  let files: readonly NamedBytes[] = [];
  before(async () => {
    const r = await computeResult({
      definition: file('Verkiezingsdefinitie_TK2021.eml.xml'),
      folder,
      counts: [file('Totaaltelling_TK2021.eml.xml')],
      createdAt: CREATED_520,
      countCreatedAt: CREATED_510D,
    });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.value.kind, 'written');
    if (r.value.kind === 'written') files = r.value.files;
  });

  it('Resultaat_TK2021.eml.xml (520) is byte-identical to the official file', () => {
    const f = files.find((x) => x.name === 'Resultaat_TK2021.eml.xml');
    assert.ok(f);
    assert.ok(f.bytes.equals(OFFICIAL_520), firstDifference(f.bytes, OFFICIAL_520));
  });
  it('Totaaltelling_TK2021.eml.xml (510d) is byte-identical to the official file', () => {
    const f = files.find((x) => x.name === 'Totaaltelling_TK2021.eml.xml');
    assert.ok(f);
    assert.equal(f.bytes.length, OFFICIAL_510D.length);
    assert.ok(f.bytes.equals(OFFICIAL_510D), firstDifference(f.bytes, OFFICIAL_510D));
  });
  it('both are valid against the Kiesraad XSD', () => {
    assert.deepEqual(xsdErrors(files.find((x) => x.name.startsWith('Totaaltelling'))!.bytes, '510-count-kiesraad-strict.xsd'), []);
    assert.deepEqual(xsdErrors(files.find((x) => x.name.startsWith('Resultaat'))!.bytes, '520-result-kiesraad-strict.xsd'), []);
  });
});

describe('TK2021 elected candidates and list groups (national.md §1.4)', () => {
  it('43 by preference votes, 107 in list order; the P 12 divisions of CDA, D66, PvdA and SP', async () => {
    const blocks = await readEml510dBlocks(OFFICIAL_510D);
    assert.ok(blocks.ok);
    const counts = new Map([...blocks.value.kieskringen].map(([k, b]) => [k, b.counts]));
    const r = nationalResult({ category: 'TK', seats: 150, kieskringen: kieskringLists, counts });
    assert.ok(r.ok && r.value.kind === 'result');
    const parties = r.value.result.parties;
    const elected = parties.flatMap((p) => p.result?.elected ?? []);
    assert.equal(elected.length, 150);
    assert.equal(elected.filter((e) => e.ranking === 1).length, 43);
    const division = (n: number) =>
      [...parties.find((p) => p.party.listNumber === n)!.result!.listSeats]
        .filter(([, s]) => s > 0)
        .map(([k, s]) => `${k}:${s}`)
        .join(' ');
    assert.equal(division(3), 'kk1:1 kk2:1 kk3:1 kk4:2 kk7:2 kk8:1 kk10:1 kk11:1 kk14:1 kk15:1 kk17:1 kk18:1 kk19:1');
    assert.equal(division(4), 'kk1:1 kk2:1 kk3:1 kk4:1 kk6:1 kk7:2 kk8:2 kk9:2 kk10:2 kk11:1 kk12:1 kk13:1 kk14:1 kk15:2 kk17:2 kk18:2 kk19:1');
    assert.equal(division(7), 'kk2:1 kk4:1 kk7:1 kk8:1 kk11:1 kk14:1 kk15:1 kk18:1 kk19:1');
    assert.equal(division(6), 'set1:2 set2:2 set3:1 set4:1 set5:3');
    // P 16: PvdA's Nijboer had most votes in kieskring 1 (no seat there) and sits for kieskring 4
    const pvda = parties.find((p) => p.party.listNumber === 7)!;
    const nijboer = pvda.party.persons.find((p) => p.candidate.lastName === 'Nijboer')!;
    assert.equal(pvda.result!.elected.find((e) => e.person === nijboer.key)?.list, 'kk4');
    // three elected who would not have been in list order: Bouchallikh, Westerveld (GL), Koekkoek (Volt)
    const names = (n: number) => {
      const p = parties.find((x) => x.party.listNumber === n)!;
      const byKey = new Map(p.party.persons.map((x) => [x.key, x.candidate.lastName]));
      return p.result!.elected.filter((e) => e.ranking === 1).map((e) => byKey.get(e.person));
    };
    assert.ok(names(5).includes('Bouchallikh') && names(5).includes('Westerveld'));
    assert.ok(names(17).includes('Koekkoek'));
  });
});

describe('the 7 kieskring 510c files against the 510d', () => {
  it('each 510c total, without geldige kiezerspassen, is the 510d block; only HSB12 Cast differs (voters abroad)', async () => {
    const blocks = await readEml510dBlocks(OFFICIAL_510D);
    assert.ok(blocks.ok);
    const tellingen = folder.filter((f) => f.name.startsWith('Telling_TK2021_kieskring_'));
    assert.equal(tellingen.length, 7);
    const counts = new Map([...blocks.value.kieskringen].map(([k, b]) => [k, b.counts]));
    for (const f of tellingen) {
      const r = await readEml510(f.bytes);
      assert.ok(r.ok);
      const k = Number(r.value.header.contest.id);
      const total = r.value.total!;
      const mapped: VoteCounts = { ...total, uncounted: total.uncounted.filter((u) => u.reason !== 'geldige kiezerspassen') };
      const block: VoteCounts = blocks.value.kieskringen.get(k)!.counts;
      if (k === 12) {
        assert.equal(total.cast, 356481);
        assert.equal(block.cast, 449253);
        assert.deepEqual(normalizeCounts({ ...mapped, cast: block.cast }), normalizeCounts(block));
      } else {
        assert.deepEqual(normalizeCounts(mapped), normalizeCounts(block), f.name);
      }
      counts.set(k, mapped);
    }
    // the 520 does not depend on Cast: with the 510c totals for the 7 kieskringen it is the same file
    const r = nationalResult({ category: 'TK', seats: 150, kieskringen: kieskringLists, counts });
    assert.ok(r.ok && r.value.kind === 'result');
    const staat = { id: '1', name: 'Nederland' };
    const out = writeEml520(
      {
        creationDateTime: CREATED_520,
        election: { id: 'TK2021', name: 'Tweede Kamer der Staten-Generaal 2021', category: 'TK', subcategory: 'TK', date: '2021-03-17' },
        domain: staat,
      },
      r.value.result,
    );
    assert.ok(out.equals(OFFICIAL_520));
  });
  it('persons and ShortCodes: 1,582 persons on 20,909 list positions', () => {
    const parties = partiesOf(kieskringLists);
    assert.equal(parties.length, 37);
    assert.equal(parties.reduce((a, p) => a + p.persons.length, 0), 1582);
    assert.equal(parties.reduce((a, p) => a + p.persons.reduce((b, q) => b + q.placements.length, 0), 0), 20909);
    const codes = parties.flatMap((p) => p.persons.map((q) => q.shortCode));
    assert.equal(new Set(codes).size, codes.length, 'unique');
    for (const c of ['YeşilgözZegerD', 'MichonDerkzIJM', 'BeukeringHMJTG', 'BosmaM1', 'VosTG1']) assert.ok(codes.includes(c), c);
  });
});

describe('computeResult refuses incomplete input', () => {
  // three kieskringen only, to keep it quick
  const some = folder.filter((f) => /Kandidatenlijsten_TK2021_(Groningen|Arnhem|Nijmegen)\./.test(f.name));
  it('missing counts of a kieskring', async () => {
    assert.equal(some.length, 3);
    const missing = await computeResult({
      definition: file('Verkiezingsdefinitie_TK2021.eml.xml'),
      folder: some,
      counts: [file('Telling_TK2021_kieskring_Groningen.eml.xml')],
      createdAt: CREATED_520,
    });
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.message : '', /^De telling ontbreekt van kieskring 6, 7\.$/);
  });
  it('counts without candidate lists', async () => {
    const r = await computeResult({
      definition: file('Verkiezingsdefinitie_TK2021.eml.xml'),
      folder: some.filter((f) => f.name.includes('Groningen')),
      counts: ['Groningen', 'Lelystad'].map((k) => file(`Telling_TK2021_kieskring_${k}.eml.xml`)),
      createdAt: CREATED_520,
    });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /^De kandidatenlijsten ontbreken van kieskring 5\.$/);
  });
  it('another kind of file', async () => {
    const wrongKind = await computeResult({
      definition: file('Verkiezingsdefinitie_TK2021.eml.xml'),
      folder: some,
      counts: [file('Resultaat_TK2021.eml.xml')],
      createdAt: CREATED_520,
    });
    assert.equal(wrongKind.ok, false);
    assert.match(!wrongKind.ok ? wrongKind.message : '', /geen totaaltelling/);
  });
});

describe('bin/uitslag result', () => {
  let work: string;
  before(() => (work = mkdtempSync(path.join(tmpdir(), 'uitslag-result-'))));
  after(() => rmSync(work, { recursive: true, force: true }));

  const bin = (args: string[]) => runBin(args, work);

  it('writes both files, prints the seats and the elected, and never overwrites', async () => {
    const args = [
      'result',
      '--definition',
      path.join(DIR, 'Verkiezingsdefinitie_TK2021.eml.xml'),
      '--candidate-lists',
      DIR,
      '--counts',
      path.join(DIR, 'Totaaltelling_TK2021.eml.xml'),
      '--out',
      'uit',
      '--created-at',
      CREATED_520,
      '--count-created-at',
      CREATED_510D,
    ];
    const r = await bin(args);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Kiesdeler: 69485 17\/25/);
    assert.match(r.stdout, /^1;VVD;2279130;32;2;34$/m);
    assert.match(r.stdout, /Rutte, M\. \(voorkeurstemmen\)/);
    assert.ok(readFileSync(path.join(work, 'uit', 'Resultaat_TK2021.eml.xml')).equals(OFFICIAL_520));
    assert.ok(readFileSync(path.join(work, 'uit', 'Totaaltelling_TK2021.eml.xml')).equals(OFFICIAL_510D));
    const again = await bin(args);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /bestaat al en wordt niet overschreven/);
  });
});
