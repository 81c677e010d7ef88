/**
 * The polling stations of a gemeente installation and the municipality's number of eligible voters
 * (set-up, phase 1). Every change is validated by src/domain/pollingStations.ts and stored
 * (src/server/store/pollingStations.ts) with its audit record in one transaction. A polling station with entries (count_units not 'empty') is never
 * deleted or renumbered.
 */
import { z } from 'zod';
import {
  checkPollingStation,
  pollingStationCode,
  type PollingStationInput,
} from '../domain/pollingStations.ts';
import { writeAudit } from './audit.ts';
import type { AppContext } from './context.ts';
import { ApiError, type SessionUser } from './http.ts';
import { actorOf, currentPhase, eligibleVoters, requireGemeente } from './state.ts';
import { codesWithEntries, deleteEmptyStationUnits, deleteEmptyUnit, unitHasEntries } from './store/counts.ts';
import {
  deleteAllPollingStations,
  deletePollingStationRow,
  insertPollingStation,
  readPollingStation,
  readPollingStations,
  updatePollingStationRow,
  writeEligibleVoters,
  type PollingStation,
} from './store/pollingStations.ts';

export type { PollingStation };

/** All polling stations by number (empty for an HSB installation). */
export function pollingStations(ctx: AppContext): PollingStation[] {
  return readPollingStations(ctx.db);
}

export function pollingStation(ctx: AppContext, number: number): PollingStation | null {
  return readPollingStation(ctx.db, number);
}

/** Has this polling station a draft or an entry? */
export function stationHasEntries(ctx: AppContext, number: number): boolean {
  return unitHasEntries(ctx.db, pollingStationCode(number));
}

export const PollingStationDto = z.object({
  number: z.number().int(),
  code: z.string(),
  name: z.string(),
  postcode: z.string().nullable(),
  hasEntries: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const EligibleVoters = z.object({ count: z.number().int(), updatedAt: z.string() });

/** The polling stations screen's data (GET /api/polling-stations, and after an import). */
export const PollingStationsOverview = z.object({
  gemeente: z.object({ code: z.string(), name: z.string() }),
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  editable: z.boolean(),
  eligibleVoters: EligibleVoters.nullable(),
  pollingStations: z.array(PollingStationDto),
});

export function pollingStationDto(ctx: AppContext, p: PollingStation, withEntries?: Set<string>): z.input<typeof PollingStationDto> {
  const code = pollingStationCode(p.number);
  return {
    number: p.number,
    code,
    name: p.name,
    postcode: p.postcode,
    hasEntries: withEntries ? withEntries.has(code) : stationHasEntries(ctx, p.number),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function pollingStationsOverview(ctx: AppContext): z.input<typeof PollingStationsOverview> {
  const gemeente = requireGemeente(ctx, 'Stembureaus beheren');
  const withEntries = codesWithEntries(ctx.db);
  return {
    gemeente: { code: gemeente.code, name: gemeente.name },
    phase: currentPhase(ctx),
    editable: currentPhase(ctx) === 1,
    eligibleVoters: eligibleVoters(ctx),
    pollingStations: pollingStations(ctx).map((p) => pollingStationDto(ctx, p, withEntries)),
  };
}

/** Set-up changes to polling stations: gemeente installation, phase 1. */
export function requireStationSetup(ctx: AppContext): void {
  requireGemeente(ctx, 'Stembureaus beheren');
  const phase = currentPhase(ctx);
  if (phase !== 1) {
    throw new ApiError(
      409,
      'phase.wrong',
      `Stembureaus toevoegen, wijzigen of verwijderen kan alleen in fase 1 (instellen verkiezingsgegevens); nu is fase ${phase} actief.`,
    );
  }
}

function valid(input: { number: unknown; name: string; postcode?: string | null }): PollingStationInput {
  const r = checkPollingStation(input);
  if (!r.ok) throw ApiError.from(422, r);
  return r.value;
}

function refuseWithEntries(ctx: AppContext, number: number, what: string): void {
  if (stationHasEntries(ctx, number)) {
    throw new ApiError(409, 'polling_station.has_entries', `Stembureau ${number} heeft al steminvoer; ${what} kan niet.`);
  }
}

export function addPollingStation(
  ctx: AppContext,
  user: SessionUser,
  input: { number: number; name: string; postcode?: string | null },
  now: Date,
): PollingStation {
  const p = valid(input);
  const at = now.toISOString();
  ctx.db.transaction(() => {
    requireStationSetup(ctx);
    if (pollingStation(ctx, p.number)) {
      throw new ApiError(409, 'polling_station.exists', `Er is al een stembureau met nummer ${p.number}.`);
    }
    insertPollingStation(ctx.db, p, at);
    writeAudit(ctx.db, now, actorOf(user), 'polling_station.add', { number: p.number, name: p.name, postcode: p.postcode });
  }).immediate();
  return pollingStation(ctx, p.number)!;
}

/** Change name/postcode and, when `input.number` differs, the number (only without entries). */
export function updatePollingStation(
  ctx: AppContext,
  user: SessionUser,
  number: number,
  input: { number?: number; name: string; postcode?: string | null },
  now: Date,
): PollingStation {
  const p = valid({ number: input.number ?? number, name: input.name, postcode: input.postcode ?? null });
  const at = now.toISOString();
  ctx.db.transaction(() => {
    requireStationSetup(ctx);
    const before = pollingStation(ctx, number);
    if (!before) throw new ApiError(404, 'polling_station.not_found', `Stembureau ${number} bestaat niet.`);
    if (p.number !== number) {
      refuseWithEntries(ctx, number, 'het nummer wijzigen');
      if (pollingStation(ctx, p.number)) {
        throw new ApiError(409, 'polling_station.exists', `Er is al een stembureau met nummer ${p.number}.`);
      }
      deleteEmptyUnit(ctx.db, pollingStationCode(number));
    }
    updatePollingStationRow(ctx.db, number, p, at);
    writeAudit(ctx.db, now, actorOf(user), 'polling_station.update', {
      number: p.number,
      ...(p.number !== number ? { previousNumber: number } : {}),
      name: p.name,
      postcode: p.postcode,
      previous: { name: before.name, postcode: before.postcode },
    });
  }).immediate();
  return pollingStation(ctx, p.number)!;
}

export function deletePollingStation(ctx: AppContext, user: SessionUser, number: number, now: Date): void {
  ctx.db.transaction(() => {
    requireGemeente(ctx, 'Stembureaus beheren');
    const before = pollingStation(ctx, number);
    if (!before) throw new ApiError(404, 'polling_station.not_found', `Stembureau ${number} bestaat niet.`);
    // The more specific reason first: a station with entries is never deleted (in any phase).
    refuseWithEntries(ctx, number, 'verwijderen');
    requireStationSetup(ctx);
    deletePollingStationRow(ctx.db, number);
    // An 'empty' unit row (all entries deleted earlier) goes too; the entry history stays (append-only).
    deleteEmptyUnit(ctx.db, pollingStationCode(number));
    writeAudit(ctx.db, now, actorOf(user), 'polling_station.delete', { number, name: before.name, postcode: before.postcode });
  }).immediate();
}

/**
 * Replace all polling stations by an imported list (CSV or EML 110b; all or nothing). Refused when any station has
 * entries; when stations exist already, only with `replace`.
 */
export function importPollingStations(
  ctx: AppContext,
  user: SessionUser,
  stations: readonly PollingStationInput[],
  source: { fileName: string; sha256: string; format: 'csv' | 'eml110b' },
  replace: boolean,
  now: Date,
): number {
  const at = now.toISOString();
  ctx.db.transaction(() => {
    requireStationSetup(ctx);
    const existing = pollingStations(ctx);
    if (existing.length > 0 && !replace) {
      throw new ApiError(
        409,
        'polling_station.exists',
        `Er zijn al ${existing.length} stembureaus. Bevestig dat de lijst uit het bestand de bestaande stembureaus vervangt.`,
      );
    }
    const busy = existing.filter((p) => stationHasEntries(ctx, p.number));
    if (busy.length > 0) {
      throw new ApiError(
        409,
        'polling_station.has_entries',
        `Stembureau ${busy.map((p) => p.number).join(', ')} heeft al steminvoer; de lijst kan niet worden vervangen.`,
      );
    }
    deleteAllPollingStations(ctx.db);
    deleteEmptyStationUnits(ctx.db);
    for (const p of stations) insertPollingStation(ctx.db, p, at);
    writeAudit(ctx.db, now, actorOf(user), existing.length > 0 ? 'polling_station.import.replace' : 'polling_station.import', {
      fileName: source.fileName,
      sha256: source.sha256,
      format: source.format,
      count: stations.length,
      numbers: stations.map((p) => p.number),
      ...(existing.length > 0 ? { previousCount: existing.length } : {}),
    });
  }).immediate();
  return stations.length;
}

/** The municipality's number of eligible voters (Z of the gemeente): phases 1 and 2. */
export function setEligibleVoters(ctx: AppContext, user: SessionUser, count: number, now: Date): { count: number; updatedAt: string } {
  const at = now.toISOString();
  ctx.db.transaction(() => {
    requireGemeente(ctx, 'Het aantal kiesgerechtigden van de gemeente invoeren');
    const phase = currentPhase(ctx);
    if (phase === 3) {
      throw new ApiError(409, 'phase.wrong', 'Het aantal kiesgerechtigden kan in fase 3 niet meer worden gewijzigd.');
    }
    const before = eligibleVoters(ctx);
    writeEligibleVoters(ctx.db, count, at, user.id);
    writeAudit(ctx.db, now, actorOf(user), 'gemeente.eligible_voters', {
      count,
      ...(before ? { previous: before.count } : {}),
    });
  }).immediate();
  return eligibleVoters(ctx)!;
}
