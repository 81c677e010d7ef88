/**
 * The party-level result file of `uitslag seats` (the layout of ../shared/data/seats/, see its
 * README): `;`-separated, a header, every line ending in `;`. Two layouts:
 *   Regio;Code;Type;Partij;AantalStemmen;AantalZetels;            (TK, EP, PS, WS, ER)
 *   Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;  (GR: one block per council)
 * A region is the block of lines with one `Code`; its lists are the `Type=Partij` lines (every
 * line in the GR layout). A list line may carry a seventh field after AantalZetels, without the
 * final `;`: the list's number of candidates, where it limits the seats (P 10; squell's layout, e.g.
 * Enkhuizen GR2022 `Blanco (Segerius, C.H.);716;1;1`). Reading and writing only; the allocation
 * is src/domain/seats.
 */
import { fail, ok, type Result } from '../domain/result.ts';
import { allocateSeats, type DrawnLot, type LotRequired, type SeatAllocation } from '../domain/seats/allocate.ts';
import { seatParameters } from '../domain/seats/parameters.ts';

export const REGION_HEADER = 'Regio;Code;Type;Partij;AantalStemmen;AantalZetels;';
export const COUNCIL_HEADER = 'Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;';
/** The third column of the line that names a needed lot. */
export const LOT_TYPE = 'Loting';

export interface SeatsLine {
  /** The six fields. */
  readonly fields: readonly string[];
  /** A list (party) line, not a total. */
  readonly isList: boolean;
  readonly votes: number;
  /** AantalZetels; null when empty. */
  readonly seats: number | null;
  /** The optional seventh field: the list's number of candidates. */
  readonly candidates: number | null;
}

export interface SeatsRegion {
  readonly name: string;
  readonly code: string;
  readonly lines: readonly SeatsLine[];
}

export interface SeatsFile {
  readonly header: string;
  readonly councilLayout: boolean;
  readonly regions: readonly SeatsRegion[];
}

/** Election type and date from `uitslag_<TYPE><YYYYMMDD>_<name>.csv`; WS (waterschap) is EML category AB. */
export function typeFromFileName(name: string): { fileType: string; category: string; date: string } | null {
  const m = /^uitslag_(TK|EP|PS|WS|GR|ER)(\d{8})_.*\.csv$/.exec(name);
  if (!m) return null;
  return { fileType: m[1]!, category: categoryOfFileType(m[1]!), date: m[2]! };
}

export function categoryOfFileType(t: string): string {
  return t === 'WS' ? 'AB' : t;
}

const COUNT = /^(0|[1-9]\d{0,14})$/;

export function parseSeatsFile(text: string): Result<SeatsFile, 'seats.file'> {
  const bad = (line: number, why: string) => fail('seats.file', `Regel ${line}: ${why}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const header = lines[0];
  if (header !== REGION_HEADER && header !== COUNCIL_HEADER) {
    return fail('seats.file', `De eerste regel moet "${REGION_HEADER}" of "${COUNCIL_HEADER}" zijn.`);
  }
  const councilLayout = header === COUNCIL_HEADER;
  const regions: { name: string; code: string; lines: SeatsLine[] }[] = [];
  const byCode = new Map<string, { name: string; code: string; lines: SeatsLine[] }>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    const fields = (raw.endsWith(';') ? raw.slice(0, -1) : raw).split(';');
    if (fields.length !== (raw.endsWith(';') ? 6 : 7)) return bad(i + 1, 'verwacht zes velden, elk gevolgd door ";" (of zeven, het laatste het aantal kandidaten).');
    const candidatesText = fields[6];
    if (candidatesText !== undefined && !COUNT.test(candidatesText)) return bad(i + 1, `ongeldig aantal kandidaten "${candidatesText}".`);
    const [name, code, type, party, votesText, seatsText] = fields as [string, string, string, string, string, string];
    if (code === '') return bad(i + 1, 'de code ontbreekt.');
    const isList = councilLayout || type === 'Partij';
    if (isList && party === '') return bad(i + 1, 'de partij ontbreekt.');
    if (!COUNT.test(votesText)) return bad(i + 1, `ongeldig aantal stemmen "${votesText}".`);
    if (seatsText !== '' && !COUNT.test(seatsText)) return bad(i + 1, `ongeldig aantal zetels "${seatsText}".`);
    let region = byCode.get(code);
    if (region === undefined) {
      region = { name, code, lines: [] };
      byCode.set(code, region);
      regions.push(region);
    } else if (region.lines.length && regions.at(-1) !== region) {
      return bad(i + 1, `de regels van ${code} staan niet bij elkaar.`);
    }
    region.lines.push({
      fields,
      isList,
      votes: Number(votesText),
      seats: seatsText === '' ? null : Number(seatsText),
      candidates: candidatesText === undefined ? null : Number(candidatesText),
    });
  }
  for (const r of regions) {
    const names = new Set<string>();
    for (const l of r.lines) {
      if (!l.isList) continue;
      if (names.has(l.fields[3]!)) return fail('seats.file', `${r.name} (${r.code}): de partij "${l.fields[3]}" komt twee keer voor.`);
      names.add(l.fields[3]!);
    }
  }
  return ok({ header, councilLayout, regions });
}

export type RegionResult =
  | { readonly kind: 'allocated'; readonly allocation: SeatAllocation }
  | { readonly kind: 'lots'; readonly lot: LotRequired }
  | { readonly kind: 'failed'; readonly message: string };

/** The allocation for one region: `seats` seats, or the sum of the file's AantalZetels. */
export function allocateRegion(region: SeatsRegion, category: string, seats: number | null, lots: readonly DrawnLot[] = []): RegionResult {
  const lists = region.lines.filter((l) => l.isList);
  const total = seats ?? lists.reduce((a, l) => a + (l.seats ?? 0), 0);
  if (total < 1) {
    return { kind: 'failed', message: `${region.name} (${region.code}): het aantal zetels is onbekend (geef --seats op).` };
  }
  const params = seatParameters(category, total);
  if (!params.ok) return { kind: 'failed', message: params.message };
  const r = allocateSeats({
    seats: total,
    lists: lists.map((l) => (l.candidates === null ? { id: l.fields[3]!, votes: l.votes } : { id: l.fields[3]!, votes: l.votes, candidates: l.candidates })),
    parameters: params.value,
    lots,
  });
  if (!r.ok) return { kind: 'failed', message: `${region.name} (${region.code}): ${r.message}` };
  return r.value.kind === 'lots' ? { kind: 'lots', lot: r.value.lot } : { kind: 'allocated', allocation: r.value.allocation };
}

/**
 * The region's lines with AantalZetels as allocated (no seats: empty, or 0 where the file has 0); when lots are needed,
 * the lines with AantalZetels empty and a `Loting` line naming the tied lists and the seats drawn for.
 */
export function formatRegion(region: SeatsRegion, result: RegionResult): string {
  const allocated = result.kind === 'allocated' ? new Map(result.allocation.lists.map((l) => [l.id, l.seats])) : null;
  let out = '';
  for (const l of region.lines) {
    const f = [...l.fields];
    if (l.isList) {
      const s = allocated?.get(f[3]!) ?? 0;
      // no seats: empty, or 0 where the file writes 0
      f[5] = allocated !== null && s > 0 ? String(s) : allocated !== null && f[5] === '0' ? '0' : '';
    }
    out += f.length === 7 ? f.join(';') + '\n' : f.join(';') + ';\n';
  }
  if (result.kind === 'lots') {
    out += `${region.name};${region.code};${LOT_TYPE};${result.lot.between.join('|')};;${result.lot.seats};\n`;
  }
  return out;
}
