/**
 * `uitslag seats` against the Kiesraad's real results since 2017 (../shared/data/seats: TK, EP,
 * PS, WS, ER and the GR councils): for every file the command must print the file itself, i.e.
 * exactly the official AantalZetels for every region, and ask for lots nowhere (no official
 * result in these files needed them). Plus the TK2021 figures of the proces-verbaal
 * (national.md §1.4) and the command's own behaviour (type, --seats, lots, exit codes).
 */
import { runBin } from '../support/bin.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_LOTS, EXIT_OK, EXIT_USAGE, runCli, type CliEnv } from '../../src/cli/commands.ts';
import { allocateRegion, parseSeatsFile, type SeatsRegion } from '../../src/cli/seatsFile.ts';
import { formatMixed, frac } from '../../src/domain/seats/fraction.ts';
import { SHARED } from '../support/paths.ts';

const DIR = path.join(SHARED, 'data', 'seats');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.csv'))
  .sort();

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env: CliEnv = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    now: () => new Date('2026-01-01T00:00:00Z'),
    randomBytes: () => {
      throw new Error('not used');
    },
    untilStopped: () => Promise.resolve(),
  };
  const code = await runCli(args, env);
  return { code, stdout, stderr };
}

function regionsOf(file: string): readonly SeatsRegion[] {
  const p = parseSeatsFile(readFileSync(path.join(DIR, file), 'utf8'));
  assert.ok(p.ok, p.ok ? '' : p.message);
  return p.value.regions;
}

describe('uitslag seats: every official result since 2017', () => {
  it('finds the files', () => {
    assert.ok(FILES.length >= 47, `only ${FILES.length} files in ${DIR}`);
    for (const t of ['TK', 'EP', 'PS', 'WS', 'GR', 'ER']) assert.ok(FILES.some((f) => f.startsWith(`uitslag_${t}`)), t);
  });

  let regions = 0;
  for (const file of FILES) {
    it(file, async () => {
      const r = await cli(['seats', path.join(DIR, file)]);
      assert.equal(r.stderr, '', 'no differences, no lots');
      assert.equal(r.code, EXIT_OK);
      assert.equal(r.stdout, readFileSync(path.join(DIR, file), 'utf8'), 'the official AantalZetels for every region');
      regions += regionsOf(file).length;
    });
  }
  it('covers every region (over 700 councils, provinces, water boards, islands, TK and EP)', () => {
    assert.ok(regions >= 700, `${regions} regions`);
  });
});

describe('TK2021 as in the proces-verbaal (national.md §1.4)', () => {
  const [region] = regionsOf('uitslag_TK20210317_Nederland.csv');
  const r = allocateRegion(region!, 'TK', null);
  assert.equal(r.kind, 'allocated');
  const a = r.kind === 'allocated' ? r.allocation : null!;

  it('kiesdeler 69 485 17/25, 139 full seats, 11 residual seats', () => {
    assert.equal(a.totalVotes, 10422852n);
    assert.deepEqual(a.quota, frac(1737142, 25));
    assert.equal(formatMixed(a.quota), '69485 17/25');
    assert.equal(a.lists.reduce((s, l) => s + l.fullSeats, 0), 139);
    assert.equal(a.steps.length, 11);
  });
  it('the residual seats in order, with their averages', () => {
    const expected: [string, string][] = [
      ['SP', '69263.44'],
      ['VVD', '69064.55'],
      ['D66', '68080.91'],
      ['GROENLINKS', '67163.50'],
      ['VVD', '67033.24'],
      ['Partij voor de Dieren', '66625.00'],
      ['Partij van de Arbeid', '66354.67'],
      ['PVV', '66146.00'],
      ['CDA', '66040.07'],
      ['Forum voor Democratie', '65385.38'],
      ['D66', '65244.21'],
    ];
    a.steps.forEach((s, i) => {
      assert.equal(s.kind, 'residual');
      if (s.kind !== 'residual') return;
      assert.ok(s.listId.startsWith(expected[i]![0]), `${i + 1}: ${s.listId}`);
      // rounded half up to cents, as printed
      const cents = (s.value.n * 100n * 2n + s.value.d) / (2n * s.value.d);
      assert.equal(`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, expected[i]![1], s.listId);
      assert.equal(s.byLot, false);
    });
  });
  it('CODE ORANJE, below the kiesdeler, is excluded by P 7(2)', () => {
    const below = a.lists.filter((l) => l.belowResidualThreshold && l.votes > 0n).map((l) => l.id);
    assert.ok(below.includes('CODE ORANJE'));
    assert.ok(a.lists.filter((l) => !l.belowResidualThreshold).every((l) => l.votes * 25n >= 1737142n));
  });
});

describe('real exhaustion: Enkhuizen GR2022', () => {
  it('the blank list of one candidate gets one seat, not the two its votes are worth', () => {
    const region = regionsOf('uitslag_GR20220316_Gemeente.csv').find((r) => r.code === 'G0388')!;
    const blanco = region.lines.find((l) => l.fields[3]!.startsWith('Blanco'))!;
    assert.equal(blanco.candidates, 1);
    const limited = allocateRegion(region, 'GR', null);
    const unlimited = allocateRegion({ ...region, lines: region.lines.map((l) => ({ ...l, candidates: null })) }, 'GR', null);
    assert.ok(limited.kind === 'allocated' && unlimited.kind === 'allocated');
    const seatsOf = (r: typeof limited, id: string) => (r.kind === 'allocated' ? r.allocation.lists.find((l) => l.id === id)!.seats : -1);
    assert.equal(seatsOf(limited, blanco.fields[3]!), 1);
    assert.equal(seatsOf(unlimited, blanco.fields[3]!), 2);
  });
});

describe('bin/uitslag seats', () => {
  let work: string;
  before(() => (work = mkdtempSync(path.join(tmpdir(), 'uitslag-seats-'))));
  after(() => rmSync(work, { recursive: true, force: true }));

  const bin = (args: string[]) => runBin(args, work);

  it('computes empty AantalZetels from --seats and --type, as the official file has them', async () => {
    const official = readFileSync(path.join(DIR, 'uitslag_PS20190320_Limburg.csv'), 'utf8');
    const blank = official.replace(/;\d+;\n/g, ';;\n');
    assert.notEqual(blank, official);
    writeFileSync(path.join(work, 'limburg.csv'), blank);
    const r = await bin(['seats', 'limburg.csv', '--type', 'PS', '--seats', '47']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, official);
    // without --seats the number of seats is unknown; without --type the file name does not say it
    assert.equal((await cli(['seats', path.join(work, 'limburg.csv'), '--type', 'PS'])).code, 1);
    assert.equal((await cli(['seats', path.join(work, 'limburg.csv')])).code, EXIT_USAGE);
  });

  it('names the tie and exits 3 when lots must be drawn', async () => {
    const file = path.join(work, 'uitslag_GR20260318_Gemeente.csv');
    writeFileSync(
      file,
      'Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;\n' +
        'Ergens;G9999;1;Partij A;350;;\n' +
        'Ergens;G9999;1;Partij B;350;;\n' +
        'Ergens;G9999;1;Partij C;300;;\n' +
        'Elders;G9998;2;X;600;;\n' +
        'Elders;G9998;2;Y;400;;\n',
    );
    const r = await bin(['seats', 'uitslag_GR20260318_Gemeente.csv', '--seats', '10']);
    assert.equal(r.code, EXIT_LOTS);
    assert.equal(
      r.stdout,
      'Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;\n' +
        'Ergens;G9999;1;Partij A;350;;\n' +
        'Ergens;G9999;1;Partij B;350;;\n' +
        'Ergens;G9999;1;Partij C;300;;\n' +
        'Ergens;G9999;Loting;Partij A|Partij B;;1;\n' +
        'Elders;G9998;2;X;600;6;\n' +
        'Elders;G9998;2;Y;400;4;\n',
    );
    assert.match(r.stderr, /Ergens \(G9999\): loting nodig tussen Partij A, Partij B om 1 zetel/);
  });

  it('reports where the file\'s AantalZetels differ, and refuses a broken file', async () => {
    const file = path.join(work, 'uitslag_GR20260318_Anders.csv');
    writeFileSync(file, 'Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;\nX;G1;1;P;600;5;\nX;G1;1;Q;400;5;\n');
    const r = await cli(['seats', file]);
    assert.equal(r.code, EXIT_OK);
    assert.match(r.stderr, /wijkt af van AantalZetels in het bestand: P 5 -> 6; Q 5 -> 4/);
    writeFileSync(file, 'Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;\nX;G1;1;P;zes;5;\n');
    const bad = await cli(['seats', file]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Regel 2: ongeldig aantal stemmen "zes"/);
  });
});
