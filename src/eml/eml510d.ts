/**
 * Reading the kieskring blocks of a CSB's EML 510d (`Totaaltelling_<ID>.eml.xml`). Its
 * TotalVotes identifies candidates by ShortCode only, which the 510 reader (eml510read.ts) does
 * not accept; the ReportingUnitVotes `HSB<k>` carry the list positions as well. The TotalVotes is
 * the sum of the blocks, so it is left out before reading, and the counts of each kieskring are
 * those of its block.
 */
import type { VoteCounts } from '../domain/counts.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { readEml510, type Eml510Header } from './eml510read.ts';

const OPEN = Buffer.from('<TotalVotes>');
const CLOSE = Buffer.from('</TotalVotes>');

export interface Eml510dBlocks {
  readonly header: Eml510Header;
  /** Counts per kieskring number, with the block's text (e.g. "Kieskring Groningen"). */
  readonly kieskringen: ReadonlyMap<number, { readonly name: string; readonly counts: VoteCounts }>;
}

export async function readEml510dBlocks(bytes: Buffer): Promise<Result<Eml510dBlocks>> {
  const start = bytes.indexOf(OPEN);
  const end = start < 0 ? -1 : bytes.indexOf(CLOSE, start);
  const body = start < 0 || end < 0 ? bytes : Buffer.concat([bytes.subarray(0, start), bytes.subarray(end + CLOSE.length)]);
  const r = await readEml510(body);
  if (!r.ok) return r;
  if (r.value.header.kind !== '510d') return fail('eml_soort', `Dit is geen totaaltelling (EML 510d) maar een ${r.value.header.kind}.`);
  const kieskringen = new Map<number, { name: string; counts: VoteCounts }>();
  for (const u of r.value.units) {
    const m = /^HSB([1-9]\d*)$/.exec(u.id);
    if (!m) return fail('eml_structuur', `Onbekend gebied in de totaaltelling: ${u.id} (verwacht HSB<kieskring>).`);
    kieskringen.set(Number(m[1]), { name: u.name, counts: u.counts });
  }
  return ok({ header: r.value.header, kieskringen });
}
