/**
 * Reading an OSV 4-3 CSV (the Kiesraad's "Tellingsoverzicht") back in tests: a strict parser of the
 * dialect (BOM, ';', quoted non-empty cells with doubled quotes, bare empty cells, LF, no final
 * newline), and the numbers of a kieskring CSV as counts per municipality with candidate lists in
 * the CSV's shape, so a real CSV without its 230b/510c (HSB Lelystad, TK2023) can be written again
 * and compared byte for byte.
 */
import assert from 'node:assert/strict';
import { isUncountedReason, type UncountedEntry, type VoteCounts } from '../../src/domain/counts.ts';
import type { CandidateLists } from '../../src/domain/election.ts';
import { REASON_ROW_LABELS } from '../../src/reports/csv.ts';

/** Rows of cells; an empty cell is null. Asserts the dialect. */
export function parseOsv43(buf: Buffer): (string | null)[][] {
  const s = buf.toString('utf8');
  assert.ok(s.startsWith('\uFEFF'), 'BOM');
  assert.ok(!s.endsWith('\n'), 'no final newline');
  assert.ok(!s.includes('\r'), 'LF line ends');
  return s
    .slice(1)
    .split('\n')
    .map((line) => {
      if (line === '') return [];
      const cells: (string | null)[] = [];
      let i = 0;
      for (;;) {
        if (line[i] === '"') {
          let v = '';
          i++;
          for (;;) {
            const q = line.indexOf('"', i);
            assert.ok(q >= 0, line);
            v += line.slice(i, q);
            if (line[q + 1] === '"') {
              v += '"';
              i = q + 2;
            } else {
              i = q + 1;
              break;
            }
          }
          assert.notEqual(v, '', `an empty cell is bare, not "": ${line}`);
          cells.push(v);
        } else cells.push(null);
        if (i >= line.length) break;
        assert.equal(line[i], ';', line);
        i++;
      }
      return cells;
    });
}

export interface KieskringCsv {
  readonly electionName: string;
  readonly electionDate: string;
  readonly area: string;
  readonly number: string;
  /** The statistics rows' labels, in order. */
  readonly statLabels: readonly string[];
  /** Candidate lists in the CSV's shape: name as "<last name incl. prefix>, <initials>" split at the last ", ". */
  readonly lists: CandidateLists;
  readonly municipalities: readonly { readonly code: string; readonly name: string; readonly counts: VoteCounts }[];
}

const LABEL_TO_REASON = new Map(Object.entries(REASON_ROW_LABELS).map(([reason, label]) => [label, reason]));

/** The numbers of a kieskring-level CSV (municipalities as columns). */
export function readKieskringCsv(buf: Buffer, election: { readonly id: string; readonly category: string }, contest: { readonly id: string; readonly name: string }): KieskringCsv {
  const rows = parseOsv43(buf);
  const head = (i: number, label: string) => {
    assert.equal(rows[i]![0], label);
    return rows[i]![2]!;
  };
  assert.deepEqual(rows[4], []);
  const header = rows[5]!;
  assert.deepEqual(header.slice(0, 5), ['Lijstnummer', 'Aanduiding', 'Volgnummer', 'Naam kandidaat', 'Totaal']);
  const names = header.slice(5) as string[];
  assert.equal(rows[6]![0], 'Gebiednummer');
  const codes = rows[6]!.slice(5) as string[];
  const n = names.length;
  const statLabels: string[] = [];
  const blocks = names.map(() => ({ cast: 0, totalCounted: 0, ongeldig: 0, blanco: 0, uncounted: [] as UncountedEntry[], lists: [] as VoteCounts['lists'][number][] }));
  let r = 7;
  for (; rows[r]![0] === null && rows[r]![1] !== null; r++) {
    const label = rows[r]![1]!;
    statLabels.push(label);
    const values = rows[r]!.slice(5).map(Number);
    assert.equal(values.length, n);
    values.forEach((v, i) => {
      const b = blocks[i]!;
      if (label === 'opgeroepenen') b.cast = v;
      else if (label === 'geldige stembiljetten') b.totalCounted = v;
      else if (label === 'blanco stembiljetten') b.blanco = v;
      else if (label === 'ongeldige stembiljetten') b.ongeldig = v;
      else if (label === 'aangetroffen stembiljetten') assert.equal(v, b.totalCounted + b.blanco + b.ongeldig, 'aangetroffen = E + F + G');
      else {
        const reason = LABEL_TO_REASON.get(label);
        assert.ok(reason !== undefined && isUncountedReason(reason), `unknown row ${label}`);
        b.uncounted.push({ reason, count: v });
      }
    });
  }
  const affiliations: { listNumber: number; registeredName: string; candidates: { position: number; initials: string; lastName: string }[] }[] = [];
  for (; r < rows.length; r++) {
    const row = rows[r]!;
    const values = row.slice(5).map(Number);
    assert.equal(values.length, n, `row ${r + 1}`);
    if (row[0] !== null) {
      const listNumber = Number(row[0]);
      affiliations.push({ listNumber, registeredName: row[1]!, candidates: [] });
      values.forEach((v, i) => blocks[i]!.lists.push({ listNumber, total: v, candidates: [] }));
    } else {
      const position = Number(row[2]);
      const name = row[3]!;
      const k = name.lastIndexOf(', ');
      affiliations.at(-1)!.candidates.push(k < 0 ? { position, initials: '', lastName: name } : { position, initials: name.slice(k + 2), lastName: name.slice(0, k) });
      values.forEach((v, i) => (blocks[i]!.lists.at(-1)!.candidates as { position: number; votes: number }[]).push({ position, votes: v }));
    }
  }
  return {
    electionName: head(0, 'Verkiezing'),
    electionDate: head(1, 'Datum'),
    area: head(2, 'Gebied'),
    number: head(3, 'Nummer'),
    statLabels,
    lists: {
      electionId: election.id,
      electionName: head(0, 'Verkiezing'),
      electionCategory: election.category,
      electionDate: head(1, 'Datum'),
      contestId: contest.id,
      contestName: contest.name,
      affiliations: affiliations.map((a) => ({
        listNumber: a.listNumber,
        registeredName: a.registeredName,
        type: '',
        publishGender: false,
        belongsToSet: null,
        candidates: a.candidates.map((c) => ({ ...c, firstName: null, prefix: null, gender: null, locality: null })),
      })),
    },
    municipalities: blocks.map((b, i) => ({
      code: codes[i]!,
      name: names[i]!,
      counts: { cast: b.cast, totalCounted: b.totalCounted, rejected: { ongeldig: b.ongeldig, blanco: b.blanco }, uncounted: b.uncounted, lists: b.lists },
    })),
  };
}

/**
 * The real TK2023 Amsterdam CSV disagrees with the official 510c in exactly two cells: in
 * Amsterdam's CSV, list 7 (Forum voor Democratie) candidates 2 and 3 have 128 and 1445 votes, the
 * official Telling_TK2023_kieskring_Amsterdam.eml.xml (TotalVotes and the Amsterdam block) 125 and
 * 1448 (the list total 8672 is the same). The CSV is made from the 510c, so ours carries the 510c's
 * numbers; everything else is byte for byte the Kiesraad's file.
 */
export const AMSTERDAM_CSV_KNOWN_DIFFERENCES = [
  { line: 384, official: ';;"2";"Jansen, F.J.H.";"128";"128"', from510c: ';;"2";"Jansen, F.J.H.";"125";"125"' },
  { line: 385, official: ';;"3";"van Meijeren, G.F.C.";"1445";"1445"', from510c: ';;"3";"van Meijeren, G.F.C.";"1448";"1448"' },
] as const;

/** Lines of official CSVs that disagree with their official 510c, by file name. */
export const OFFICIAL_CSV_KNOWN_DIFFERENCES: Readonly<Record<string, readonly { line: number; official: string; from510c: string }[]>> = {
  'osv4_3_telling_tk2023_kieskring_amsterdam.csv': AMSTERDAM_CSV_KNOWN_DIFFERENCES,
};

/** An official CSV with its known wrong lines as the 510c has them (asserting they are as known). */
export function officialCsvAsIn510c(fileName: string, official: Buffer): Buffer {
  const known = OFFICIAL_CSV_KNOWN_DIFFERENCES[fileName] ?? [];
  if (known.length === 0) return official;
  const lines = official.toString('utf8').split('\n');
  for (const d of known) {
    assert.equal(lines[d.line - 1], d.official, `line ${d.line} of the official ${fileName}`);
    lines[d.line - 1] = d.from510c;
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}
