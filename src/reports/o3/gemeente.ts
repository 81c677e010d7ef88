/**
 * The gemeente's PV: "Proces-verbaal van de uitslag van de gemeente" (domain.md §9), the
 * municipality's counterpart of the HSB's O 3, with the polling stations where the O 3 has the
 * municipalities (appendix 2: totals and list totals per polling station).
 *
 * It approximates, simplified, the Kiesraad's model Na 31-1 ("Proces-verbaal van een gemeentelijk
 * stembureau": the municipality's totals from the polling stations' results, with the results per
 * polling station as appendix). It is NOT a copy of that official model: same sections and layout
 * as our O 3 (election; session; votes per list and candidate; differences; proxies; objections;
 * members; signatures; appendices), labelled for the gemeente, with the 510b's hash in the footer.
 *
 * The numbers: every polling station's agreed count; the municipality total is their sum with
 * Z = the municipality's number of eligible voters (exactly the 510b's TotalVotes).
 */

import type { CandidateLists } from '../../domain/election.ts';
import { municipalityCode } from '../../domain/election.ts';
import { ok, type Result } from '../../domain/result.ts';
import type { PollingStationCounts } from '../../eml/eml510write.ts';
import type { TypstError } from '../typst.ts';
import { buildO3Model, type O3Error, type O3Labels, type O3Model, type PvTextInput } from './model.ts';
import { gemeentePvOdt } from './odt.ts';
import { pvPdf } from './pdf.ts';

export const GEMEENTE_PV_TITLE = 'Proces-verbaal van de uitslag van de gemeente';

export const GEMEENTE_LABELS: O3Labels = {
  model: 'Gemeente – uitslag (naar model Na 31-1, vereenvoudigd)',
  body: 'het gemeentelijk stembureau',
  emlKind: '510b',
  unitCode: 'Nr.',
  unit: 'Stembureau',
  unitsTitle: 'Stembureaus',
  unitsLower: 'stembureaus',
  perUnit: 'stembureau',
  totalRow: 'Gemeente',
  areaTitleExpr: '" – gemeente " + d.gemeente.code + " " + d.gemeente.name',
  authorExpr: '"Gemeente " + d.gemeente.name',
  subtitleMarkup: 'Gemeente #d.gemeente.name (#d.gemeente.code), kieskring #str(d.kieskring.number) #d.kieskring.name',
  areaRows: '  ([Gemeente], [#d.gemeente.code – #d.gemeente.name]),\n  ([Kieskring], [#str(d.kieskring.number) – #d.kieskring.name]),\n',
};

/** The gemeente's PV; `emlHash` is the 510b's SHA-256 (hex), null for a concept. */
export interface GemeentePvInput extends PvTextInput {
  readonly election: { readonly id: string; readonly name: string; readonly date: string };
  readonly gemeente: { readonly code: number | string; readonly name: string };
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  /** The municipality's Z (its number of eligible voters). */
  readonly eligibleVoters: number;
  readonly pollingStations: readonly PollingStationCounts[];
}

/** Build the gemeente's PV model (the O 3 model shape, with `gemeente` set and polling stations as units). */
export function buildGemeentePvModel(input: GemeentePvInput): Result<O3Model, O3Error> {
  const base = buildO3Model({
    election: input.election,
    kieskring: input.kieskring,
    candidateLists: input.candidateLists,
    municipalities: input.pollingStations.map((s) => ({ code: s.number, name: s.name, counts: s.counts })),
    session: input.session,
    members: input.members,
    objections: input.objections,
    remarks: input.remarks ?? null,
    emlHash: input.emlHash,
    createdAt: input.createdAt,
    level: 'gemeente510b',
    ...(input.auditHead !== undefined ? { auditHead: input.auditHead } : {}),
  });
  if (!base.ok) {
    return base.code === 'o3_geen_gemeenten'
      ? { ...base, message: 'Er zijn geen stembureaus met een telling; het proces-verbaal kan niet worden gemaakt.' }
      : base;
  }
  const m = base.value;
  const code = typeof input.gemeente.code === 'number' ? municipalityCode(input.gemeente.code) : input.gemeente.code.padStart(4, '0');
  const station = (c: string) => String(Number(c));
  return ok({
    ...m,
    title: GEMEENTE_PV_TITLE,
    gemeente: { code, name: input.gemeente.name },
    eligibleVoters: input.eligibleVoters,
    differences: { ...m.differences, municipalities: m.differences.municipalities.map((r) => ({ ...r, code: station(r.code) })) },
    municipalities: m.municipalities.map((r) => ({ ...r, code: station(r.code) })),
  });
}

export function gemeentePvPdf(model: O3Model): Result<Buffer, TypstError> {
  return pvPdf(model, GEMEENTE_LABELS);
}

export function gemeentePvOdtFile(model: O3Model): Promise<Buffer> {
  return gemeentePvOdt(model, GEMEENTE_LABELS);
}
