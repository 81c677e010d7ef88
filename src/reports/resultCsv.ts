/**
 * The CSV of the result that the centraal stembureau determines (issue 10, docs/csb.md): our own
 * layout, in the form of the OSV 4-3 CSV (csv.ts): UTF-8 with BOM, `;` separated, non-empty cells in
 * double quotes (a quote inside doubled), empty cells bare, LF line ends, no final newline; a text
 * that starts like a formula is neutralised.
 *
 *   Verkiezing / Datum / Gebied / Zetels / Kiesdeler (exact: "69485 17/25") / Voorkeurdrempel,
 *   an empty row,
 *   Lijstnummer;Aanduiding;Stemmen;Volle zetels;Restzetels;Zetels   (every list, in number order)
 *   an empty row,
 *   Lijstnummer;Aanduiding;Naam kandidaat;Woonplaats;Stemmen;Gekozen;Kieskringen
 *     every elected candidate per list in the 520's order; Gekozen is 'voorkeurstemmen' (P 15) or
 *     'lijstvolgorde' (P 17/P 18); Kieskringen names the list of the party on which the candidate
 *     is placed (P 16/P 18) by its kieskringen ("1-19": a set of identical lists).
 */
import { formatMixed, mul, type Fraction } from '../domain/seats/fraction.ts';
import { electedInOrder, type NationalResult } from '../domain/seats/national.ts';
import { neutraliseSpreadsheetCell } from '../domain/text.ts';
import { listNameFor510 } from '../eml/eml510write.ts';
import { csvCandidateName } from './csv.ts';

export interface ResultCsvInput {
  readonly electionName: string;
  /** yyyy-mm-dd */
  readonly electionDate: string;
  /** The STAAT region, e.g. "Nederland". */
  readonly areaName: string;
  /** The preference threshold as a part of the kiesdeler (1/4 for TK: seats/parameters.ts). */
  readonly preferenceThreshold: Fraction;
}

type Cell = string | number | null;

function cell(v: Cell): string {
  if (v === null || v === '') return '';
  const text = typeof v === 'number' ? String(v) : neutraliseSpreadsheetCell(v);
  return `"${text.replace(/"/g, '""')}"`;
}

const BOM = '\uFEFF';

/** "1-19", "5", "1-4, 6": kieskring numbers as ranges. */
export function kieskringRanges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const out: string[] = [];
  let start: number | undefined;
  let prev: number | undefined;
  for (const n of [...sorted, Number.NaN]) {
    if (start !== undefined && prev !== undefined && n === prev + 1) {
      prev = n;
      continue;
    }
    if (start !== undefined && prev !== undefined) out.push(start === prev ? String(start) : `${start}-${prev}`);
    start = n;
    prev = n;
  }
  return out.join(', ');
}

export function resultCsv(result: NationalResult, input: ResultCsvInput): Buffer {
  const a = result.allocation;
  const rows: Cell[][] = [];
  rows.push(['Verkiezing', null, input.electionName]);
  rows.push(['Datum', null, input.electionDate]);
  rows.push(['Gebied', null, input.areaName]);
  rows.push(['Zetels', null, a.totalSeats]);
  rows.push(['Kiesdeler', null, formatMixed(a.quota)]);
  rows.push(['Voorkeurdrempel', null, formatMixed(mul(a.quota, input.preferenceThreshold))]);
  rows.push([]);
  rows.push(['Lijstnummer', 'Aanduiding', 'Stemmen', 'Volle zetels', 'Restzetels', 'Zetels']);
  result.parties.forEach((p, i) => {
    const l = a.lists[i];
    rows.push([p.party.listNumber, listNameFor510(p.party.affiliation), p.votes, l?.fullSeats ?? 0, l?.residualSeats ?? 0, p.seats]);
  });
  rows.push([]);
  rows.push(['Lijstnummer', 'Aanduiding', 'Naam kandidaat', 'Woonplaats', 'Stemmen', 'Gekozen', 'Kieskringen']);
  for (const p of result.parties) {
    if (p.result === null) continue;
    const kieskringenOf = new Map(p.lists.map((l) => [l.key, l.kieskringen]));
    const persons = new Map(p.party.persons.map((x) => [x.key, x]));
    for (const e of electedInOrder(p)) {
      const c = persons.get(e.person)?.candidate;
      rows.push([
        p.party.listNumber,
        listNameFor510(p.party.affiliation),
        c ? csvCandidateName(c) : e.person,
        c?.locality ?? null,
        p.personVotes.get(e.person) ?? e.votes,
        e.ranking === 1 ? 'voorkeurstemmen' : 'lijstvolgorde',
        kieskringRanges(kieskringenOf.get(e.list) ?? []),
      ]);
    }
  }
  return Buffer.from(BOM + rows.map((r) => r.map(cell).join(';')).join('\n'), 'utf8');
}
