import { z } from 'zod';
import { municipalityCode } from '../domain/election.ts';
import { formatHash } from '../domain/hashcode.ts';
import { installationOf, type Installation } from '../domain/installation.ts';
import type { Phase } from '../domain/phases.ts';
import { ruleSetFor, type ElectionRuleSet } from '../domain/ruleSets.ts';
import type { AppContext } from './context.ts';
import { ApiError, type SessionUser } from './http.ts';
import type { Actor } from './audit.ts';
import {
  ELECTION_FIELDS,
  listAndCandidateCounts,
  loadCandidateListsFile,
  loadElection,
  type CandidateListsFileRow,
  type ElectionRow,
} from './store/election.ts';
import { readEligibleVoters } from './store/pollingStations.ts';
import { storedPhase } from './store/users.ts';

export type { CandidateListsFileRow, ElectionRow } from './store/election.ts';
export { definitionOf } from './store/election.ts';

export function actorOf(u: SessionUser): Actor {
  return { id: u.id, username: u.username, role: u.role };
}

export function currentPhase(ctx: AppContext): Phase {
  return storedPhase(ctx.db) ?? 1;
}

/** The election row (cached until the election tables change, src/server/db/electionCache.ts; frozen). */
export function electionRow(ctx: AppContext): ElectionRow | undefined {
  return loadElection(ctx.db);
}

export function requireElection(ctx: AppContext): ElectionRow {
  const e = electionRow(ctx);
  if (!e) throw new ApiError(409, 'election.none', 'Er is nog geen verkiezingsdefinitie geïmporteerd.');
  return e;
}

export const GemeenteStemgebied = z
  .object({
    category: z.literal('GEMEENTE'),
    number: z.number().int(),
    /** 4-digit code, '0034'. */
    code: z.string(),
    name: z.string(),
    kieskring: z.object({ number: z.number().int(), name: z.string() }).readonly(),
  })
  .readonly();
export type GemeenteStemgebied = z.output<typeof GemeenteStemgebied>;

export const KieskringStemgebied = z.object({ category: z.literal('KIESKRING'), number: z.number().int(), name: z.string() }).readonly();
export type KieskringStemgebied = z.output<typeof KieskringStemgebied>;

/** The centraal stembureau's stemgebied: the STAAT region of the 110a (1, 'Nederland'). */
export const StaatStemgebied = z.object({ category: z.literal('STAAT'), number: z.number().int(), name: z.string() }).readonly();
export type StaatStemgebied = z.output<typeof StaatStemgebied>;

/** The installation's stemgebied: a kieskring (HSB), a municipality (gemeente) or the STAAT (CSB). */
export const Stemgebied = z.discriminatedUnion('category', [KieskringStemgebied, GemeenteStemgebied, StaatStemgebied]);
export type Stemgebied = z.output<typeof Stemgebied>;

/** The rules of the imported election (src/domain/ruleSets.ts), chosen from its category and date. */
export function electionRules(e: Pick<ElectionRow, 'category' | 'election_date'>): ElectionRuleSet {
  return ruleSetFor({ category: e.category, date: e.election_date });
}

export function stemgebiedOf(e: ElectionRow): Stemgebied {
  if (e.stemgebied_category === 'GEMEENTE' && e.municipality_number !== null && e.municipality_name !== null) {
    return {
      category: 'GEMEENTE',
      number: e.municipality_number,
      code: municipalityCode(e.municipality_number),
      name: e.municipality_name,
      kieskring: { number: e.kieskring_number, name: e.kieskring_name },
    };
  }
  if (e.stemgebied_category === 'STAAT') return { category: 'STAAT', number: e.kieskring_number, name: e.kieskring_name };
  return { category: 'KIESKRING', number: e.kieskring_number, name: e.kieskring_name };
}

/**
 * The kind of this installation (HSB, gemeente or CSB: src/domain/installation.ts), from its imported
 * election; before an election is imported, an HSB's (as the checks here always assumed).
 */
export function installation(ctx: AppContext): Installation {
  return installationOf(electionRow(ctx)?.stemgebied_category ?? 'KIESKRING');
}

/** The gemeente's stemgebied, or 409 for an HSB installation (or none yet). */
export function requireGemeente(ctx: AppContext, what = 'Dit'): GemeenteStemgebied {
  const s = stemgebiedOf(requireElection(ctx));
  if (s.category !== 'GEMEENTE') {
    throw new ApiError(409, 'stemgebied.not_gemeente', `${what} kan alleen in de installatie van een gemeente.`);
  }
  return s;
}

/** The municipality's number of eligible voters (gemeente installation), null when not entered yet. */
export function eligibleVoters(ctx: AppContext): { count: number; updatedAt: string } | null {
  return readEligibleVoters(ctx.db);
}

/** Is this installation's election a practice run ("OEFENING")? */
export function isPractice(ctx: AppContext): boolean {
  return electionRow(ctx)?.practice === 1;
}

/** The imported 230b's file (cached as the election row; frozen). */
export function candidateListsFile(ctx: AppContext): CandidateListsFileRow | undefined {
  return loadCandidateListsFile(ctx.db);
}

/** The imported election as the API shows it (GET /api/election and the imports' answers). */
export const ElectionDto = z.object({
  ...ELECTION_FIELDS,
  stemgebied: Stemgebied,
  rules: z.object({ id: z.string(), description: z.string() }),
  practice: z.boolean(),
  definition: z.object({ fileName: z.string(), hash: z.string(), importedAt: z.string() }),
  candidateLists: z
    .object({ fileName: z.string(), hash: z.string(), importedAt: z.string(), lists: z.number().int(), candidates: z.number().int() })
    .nullable(),
});

export function electionDto(ctx: AppContext): z.input<typeof ElectionDto> | null {
  const e = electionRow(ctx);
  if (!e) return null;
  const cl = candidateListsFile(ctx);
  const counts = listAndCandidateCounts(ctx.db);
  return {
    id: e.election_id,
    name: e.name,
    category: e.category,
    subcategory: e.subcategory,
    electionDate: e.election_date,
    nominationDate: e.nomination_date,
    numberOfSeats: e.number_of_seats,
    preferenceThreshold: e.preference_threshold,
    stemgebied: stemgebiedOf(e),
    rules: { id: electionRules(e).id, description: electionRules(e).description },
    practice: e.practice === 1,
    definition: { fileName: e.definition_file_name, hash: formatHash(e.definition_hash), importedAt: e.imported_at },
    candidateLists: cl
      ? {
          fileName: cl.file_name,
          hash: formatHash(cl.hash),
          importedAt: cl.imported_at,
          lists: counts.lists,
          candidates: counts.candidates,
        }
      : null,
  };
}
