/**
 * The CSV "OSV 4-3 Tellingsoverzicht" (docs/files.md): UTF-8 with BOM, `;` separated, non-empty
 * cells in double quotes (a quote inside doubled), empty cells bare, LF line ends, no final newline.
 *
 * Rows (as in the reference osv4-3_telling_tk2025_gemeente_westmaasenwaal.csv, which the
 * Kiesraad's converter makes from a 510b + 230b):
 *   Verkiezing / Datum / Gebied / Nummer, an empty row,
 *   Lijstnummer;Aanduiding;Volgnummer;Naam kandidaat;Totaal;<one column per reporting unit>,
 *   Gebiednummer (polling-station number n / municipality code), Postcode (polling stations only),
 *   the statistics rows (statRows), then per list a row and a row per candidate.
 * The Totaal column holds the total count (TotalVotes), not a sum of the columns: a municipality's
 * Z is known only at municipality level (the TK2025 510b gives Cast 0 per polling station).
 *
 * The CSV shows what the level's EML carries (the Kiesraad's converter makes it from the EML): the
 * statistics rows are opgeroepenen, a row per admission reason the EML writes (A..D), the four
 * ballot rows, then a row per other reason the EML writes (I..O, and for TK2021 the postal
 * reasons), in the order of the election's rule set (src/domain/ruleSets.ts). So a kieskring CSV
 * has no 'geldige stempas' and no 'toegelaten kiezers' row (as the real TK2023 kieskring CSVs of
 * Amsterdam and Lelystad), and a TK2023 CSV has no postal rows. Rows of reasons the real CSVs never
 * show (TK2021's postal reasons) are labelled with the reason code.
 */

import { ballotsFound, sumCounts, uncountedValue, type UncountedReason, type VoteCounts } from '../domain/counts.ts';
import { municipalityCode, municipalityTitle, type Candidate, type CandidateLists } from '../domain/election.ts';
import { reasonsWritten, ruleSetFor, type ElectionRuleSet, type Level } from '../domain/ruleSets.ts';
import { listNameFor510, type MunicipalityCounts, type PollingStationCounts } from '../eml/eml510write.ts';

export interface CsvColumn {
  /** Gebiednummer: the polling-station number, or the 4-digit municipality code. */
  readonly number: string;
  readonly name: string;
  /** Postcode row value (polling stations). */
  readonly postcode?: string | null;
  readonly counts: VoteCounts;
}

export interface Osv43Input {
  readonly electionName: string;
  /** yyyy-mm-dd */
  readonly electionDate: string;
  /** "Gebied", e.g. "Gemeente West Maas en Waal" / "Kieskring Lelystad". */
  readonly areaTitle: string;
  /** "Nummer", e.g. "0668" / "HSB5". */
  readonly areaNumber: string;
  readonly candidateLists: CandidateLists;
  readonly total: VoteCounts;
  readonly columns: readonly CsvColumn[];
  /** Whether to write the Postcode row (polling stations). */
  readonly postcodeRow: boolean;
  /** The election's rules and the level whose EML the CSV shows (which reason rows, in which order). */
  readonly rules: ElectionRuleSet;
  readonly level: Level;
}

type Cell = string | number | null;

/** The row label of each reason (the real CSVs' words; the postal reasons, never in a real CSV, by their code). */
export const REASON_ROW_LABELS: Readonly<Record<UncountedReason, string>> = {
  'geldige stempassen': 'geldige stempas',
  'geldige volmachtbewijzen': 'geldig volmachtbewijs',
  'geldige kiezerspassen': 'geldige kiezerspas',
  'toegelaten kiezers': 'toegelaten kiezers',
  'meer getelde stembiljetten': 'meer stembiljetten dan toegelaten kiezers',
  'minder getelde stembiljetten': 'minder stembiljetten dan toegelaten kiezers',
  'meegenomen stembiljetten': 'kiezers met stembiljet hebben niet gestemd',
  'te weinig uitgereikte stembiljetten': 'er zijn te weinig stembiljetten uitgereikt',
  'te veel uitgereikte stembiljetten': 'er zijn te veel stembiljetten uitgereikt',
  'geen verklaring': 'geen verklaring',
  'andere verklaring': 'andere verklaring',
  'kwijtgeraakte stembiljetten': 'kwijtgeraakte stembiljetten',
  'te veel briefstembiljetten': 'te veel briefstembiljetten',
  'geen briefstembiljetten': 'geen briefstembiljetten',
};

/** The reasons whose rows come before the ballot rows (A..D); every other reason comes after them. */
const ADMISSION_REASONS: ReadonlySet<string> = new Set(['geldige stempassen', 'geldige volmachtbewijzen', 'geldige kiezerspassen', 'toegelaten kiezers']);

type StatRow = readonly [label: string, value: (c: VoteCounts) => Cell];

/** The four ballot rows (E, F, G, H). */
const BALLOT_ROWS: readonly StatRow[] = [
  ['geldige stembiljetten', (c) => c.totalCounted],
  ['blanco stembiljetten', (c) => c.rejected.blanco],
  ['ongeldige stembiljetten', (c) => c.rejected.ongeldig],
  ['aangetroffen stembiljetten', (c) => ballotsFound(c)],
];

/** The statistics rows for the reasons a file writes (as `reasonsWritten` gives them), in order. */
export function statRows(reasons: readonly UncountedReason[]): StatRow[] {
  // A reason written into the EML is 0 in a block that lacks it; the CSV shows the same number.
  const row = (r: UncountedReason): StatRow => [REASON_ROW_LABELS[r], (c) => uncountedValue(c, r) ?? 0];
  return [
    ['opgeroepenen', (c) => c.cast],
    ...reasons.filter((r) => ADMISSION_REASONS.has(r)).map(row),
    ...BALLOT_ROWS,
    ...reasons.filter((r) => !ADMISSION_REASONS.has(r)).map(row),
  ];
}

/** Candidate name as in the CSV: "<prefix> <last name>, <initials>" ("de Graaf, J.L."). */
export function csvCandidateName(c: Candidate): string {
  const last = c.prefix ? `${c.prefix} ${c.lastName}` : c.lastName;
  return c.initials ? `${last}, ${c.initials}` : last;
}

function cell(v: Cell): string {
  if (v === null || v === '') return '';
  return `"${String(v).replace(/"/g, '""')}"`;
}

const BOM = '\uFEFF';

/** Build the CSV from explicit inputs. */
export function osv43Csv(input: Osv43Input): Buffer {
  const rows: Cell[][] = [];
  const all = [input.total, ...input.columns.map((c) => c.counts)];
  rows.push(['Verkiezing', null, input.electionName]);
  rows.push(['Datum', null, input.electionDate]);
  rows.push(['Gebied', null, input.areaTitle]);
  rows.push(['Nummer', null, input.areaNumber]);
  rows.push([]);
  rows.push(['Lijstnummer', 'Aanduiding', 'Volgnummer', 'Naam kandidaat', 'Totaal', ...input.columns.map((c) => c.name)]);
  rows.push(['Gebiednummer', null, null, null, null, ...input.columns.map((c) => c.number)]);
  if (input.postcodeRow) rows.push(['Postcode', null, null, null, null, ...input.columns.map((c) => c.postcode ?? null)]);
  for (const [label, value] of statRows(reasonsWritten(input.rules, input.level, all))) rows.push([null, label, null, null, ...all.map(value)]);

  for (const aff of input.candidateLists.affiliations) {
    const perUnit = all.map((c) => c.lists.find((l) => l.listNumber === aff.listNumber));
    rows.push([aff.listNumber, listNameFor510(aff), null, null, ...perUnit.map((l) => l?.total ?? 0)]);
    for (const cand of aff.candidates) {
      rows.push([
        null,
        null,
        cand.position,
        csvCandidateName(cand),
        ...perUnit.map((l) => l?.candidates.find((c) => c.position === cand.position)?.votes ?? 0),
      ]);
    }
  }
  return Buffer.from(BOM + rows.map((r) => r.map(cell).join(';')).join('\n'), 'utf8');
}

/** Column name of a polling station: its name without a leading "Stembureau "/"Briefstembureau ". */
export function pollingStationColumnName(name: string): string {
  return name.replace(/^(?:(?:Stembureau|Briefstembureau) )+/, '');
}

export interface GemeenteCsvInput {
  readonly electionName: string;
  readonly electionDate: string;
  readonly municipality: { readonly code: number | string; readonly name: string };
  readonly candidateLists: CandidateLists;
  /** The municipality totals (as in the 510b TotalVotes). */
  readonly total: VoteCounts;
  readonly pollingStations: readonly PollingStationCounts[];
  /** The election's rules (default: chosen from the candidate lists' category and the election date). */
  readonly rules?: ElectionRuleSet;
}

/** The gemeente's CSV: polling stations as columns (by number), with a Postcode row. */
export function osv43CsvGemeente(input: GemeenteCsvInput): Buffer {
  const code = typeof input.municipality.code === 'number' ? municipalityCode(input.municipality.code) : input.municipality.code.padStart(4, '0');
  const stations = [...input.pollingStations].sort((a, b) => a.number - b.number);
  return osv43Csv({
    electionName: input.electionName,
    electionDate: input.electionDate,
    areaTitle: municipalityTitle({ number: Number(code), name: input.municipality.name }),
    areaNumber: code,
    candidateLists: input.candidateLists,
    total: input.total,
    columns: stations.map((s) => ({
      number: String(s.number),
      name: pollingStationColumnName(s.name),
      postcode: s.postcode,
      counts: s.counts,
    })),
    postcodeRow: true,
    rules: input.rules ?? ruleSetFor({ category: input.candidateLists.electionCategory, date: input.electionDate }),
    level: 'gemeente510b',
  });
}

export interface HsbCsvInput {
  readonly electionName: string;
  readonly electionDate: string;
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  readonly municipalities: readonly MunicipalityCounts[];
  /** The election's rules (default: chosen from the candidate lists' category and the election date). */
  readonly rules?: ElectionRuleSet;
}

/**
 * The HSB's CSV (as the real TK2023 kieskring CSVs of Amsterdam and Lelystad): municipalities as
 * columns (by code; Gebiednummer = 4-digit code), no Postcode row, Totaal = the kieskring sum (as
 * in the 510c TotalVotes), Gebied "Kieskring <name>", Nummer "HSB<kieskring number>", the
 * statistics rows of the 510c.
 */
export function osv43CsvHsb(input: HsbCsvInput): Buffer {
  const code = (c: number | string) => (typeof c === 'number' ? municipalityCode(c) : c.padStart(4, '0'));
  const munis = [...input.municipalities].sort((a, b) => Number(code(a.code)) - Number(code(b.code)));
  return osv43Csv({
    electionName: input.electionName,
    electionDate: input.electionDate,
    areaTitle: `Kieskring ${input.kieskring.name}`,
    areaNumber: `HSB${input.kieskring.number}`,
    candidateLists: input.candidateLists,
    total: sumCounts(munis.map((m) => m.counts)),
    columns: munis.map((m) => ({ number: code(m.code), name: m.name, counts: m.counts })),
    postcodeRow: false,
    rules: input.rules ?? ruleSetFor({ category: input.candidateLists.electionCategory, date: input.electionDate }),
    level: 'hsb510c',
  });
}
