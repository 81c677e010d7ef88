/**
 * The CSV "OSV 4-3 Tellingsoverzicht" (domain.md §8.3): UTF-8 with BOM, `;` separated, non-empty
 * cells in double quotes (a quote inside doubled), empty cells bare, LF line ends, no final newline.
 *
 * Rows (as in the reference osv4-3_telling_tk2025_gemeente_westmaasenwaal.csv, which the
 * Kiesraad's converter makes from a 510b + 230b):
 *   Verkiezing / Datum / Gebied / Nummer, an empty row,
 *   Lijstnummer;Aanduiding;Volgnummer;Naam kandidaat;Totaal;<one column per reporting unit>,
 *   Gebiednummer (polling-station number n / municipality code), Postcode (polling stations only),
 *   the statistics rows (STAT_ROWS), then per list a row and a row per candidate.
 * The Totaal column holds the total count (TotalVotes), not a sum of the columns: a municipality's
 * Z is known only at municipality level (the TK2025 510b gives Cast 0 per polling station).
 * A statistic absent from a count (e.g. 'geldige stempassen' at HSB level) is an empty cell.
 * Reasons beyond the 16 reference rows (postal reasons, 'kwijtgeraakte stembiljetten') get a row
 * labelled with the reason code when present in any count, after "andere verklaring".
 */

import { ballotsFound, orderReasons, sumCounts, uncountedValue, type VoteCounts } from '../domain/counts.ts';
import { municipalityCode, municipalityTitle, type Candidate, type CandidateLists } from '../domain/election.ts';
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
  /** "Nummer", e.g. "0668" / "5". */
  readonly areaNumber: string;
  readonly candidateLists: CandidateLists;
  readonly total: VoteCounts;
  readonly columns: readonly CsvColumn[];
  /** Whether to write the Postcode row (polling stations). */
  readonly postcodeRow: boolean;
}

type Cell = string | number | null;

const num = (n: number | null): Cell => n;
const reason = (r: string) => (c: VoteCounts) => num(uncountedValue(c, r));

/** The statistics rows of the reference CSV, in order: label and value. */
export const STAT_ROWS: readonly (readonly [label: string, value: (c: VoteCounts) => Cell, reason: string | null])[] = [
  ['opgeroepenen', (c) => c.cast, null],
  ['geldige stempas', reason('geldige stempassen'), 'geldige stempassen'],
  ['geldig volmachtbewijs', reason('geldige volmachtbewijzen'), 'geldige volmachtbewijzen'],
  ['geldige kiezerspas', reason('geldige kiezerspassen'), 'geldige kiezerspassen'],
  ['toegelaten kiezers', reason('toegelaten kiezers'), 'toegelaten kiezers'],
  ['geldige stembiljetten', (c) => c.totalCounted, null],
  ['blanco stembiljetten', (c) => c.rejected.blanco, null],
  ['ongeldige stembiljetten', (c) => c.rejected.ongeldig, null],
  ['aangetroffen stembiljetten', (c) => ballotsFound(c), null],
  ['meer stembiljetten dan toegelaten kiezers', reason('meer getelde stembiljetten'), 'meer getelde stembiljetten'],
  ['minder stembiljetten dan toegelaten kiezers', reason('minder getelde stembiljetten'), 'minder getelde stembiljetten'],
  ['kiezers met stembiljet hebben niet gestemd', reason('meegenomen stembiljetten'), 'meegenomen stembiljetten'],
  ['er zijn te weinig stembiljetten uitgereikt', reason('te weinig uitgereikte stembiljetten'), 'te weinig uitgereikte stembiljetten'],
  ['er zijn te veel stembiljetten uitgereikt', reason('te veel uitgereikte stembiljetten'), 'te veel uitgereikte stembiljetten'],
  ['geen verklaring', reason('geen verklaring'), 'geen verklaring'],
  ['andere verklaring', reason('andere verklaring'), 'andere verklaring'],
];

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
  for (const [label, value] of STAT_ROWS) rows.push([null, label, null, null, ...all.map(value)]);
  const covered = new Set(STAT_ROWS.map((r) => r[2]).filter((r): r is string => r !== null));
  const extra = orderReasons(all.flatMap((c) => c.uncounted.map((u) => u.reason))).filter((r) => !covered.has(r));
  for (const r of extra) rows.push([null, r, null, null, ...all.map(reason(r))]);

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
  });
}

export interface HsbCsvInput {
  readonly electionName: string;
  readonly electionDate: string;
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  readonly municipalities: readonly MunicipalityCounts[];
}

/**
 * The HSB's CSV: municipalities as columns (by code; Gebiednummer = 4-digit code), no Postcode
 * row, Totaal = the kieskring sum (as in the 510c TotalVotes). Gebied "Kieskring <name>" (as the
 * reporting units of the Kiesraad's 510d name the kieskringen), Nummer = kieskring number.
 */
export function osv43CsvHsb(input: HsbCsvInput): Buffer {
  const code = (c: number | string) => (typeof c === 'number' ? municipalityCode(c) : c.padStart(4, '0'));
  const munis = [...input.municipalities].sort((a, b) => Number(code(a.code)) - Number(code(b.code)));
  return osv43Csv({
    electionName: input.electionName,
    electionDate: input.electionDate,
    areaTitle: `Kieskring ${input.kieskring.name}`,
    areaNumber: String(input.kieskring.number),
    candidateLists: input.candidateLists,
    total: sumCounts(munis.map((m) => m.counts)),
    columns: munis.map((m) => ({ number: code(m.code), name: m.name, counts: m.counts })),
    postcodeRow: false,
  });
}
