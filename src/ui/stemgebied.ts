/**
 * Words that follow the installation kind (src/domain/installation.ts): an HSB installation
 * (stemgebied = a kieskring, its reporting units are municipalities), a gemeente installation
 * (stemgebied = a municipality, its reporting units are polling stations) or the CSB (stemgebied =
 * STAAT, its reporting units are kieskringen). One place, so every screen says the same.
 */
import { municipalityTitle } from '../domain/election.ts';
import { CSB, HSB, installationOf, UNITS, type Installation } from '../domain/installation.ts';
import { path, type Election, type Stemgebied, type UnitKind } from './api.ts';

/** The kind of installation of this election (an HSB's before an election is imported). */
export function installationOfElection(e: Election | null | undefined): Installation {
  return e ? installationOf(e.stemgebied.category) : HSB;
}

export function isGemeente(e: Election | null | undefined): boolean {
  return installationOfElection(e).phase1.pollingStations;
}

/** A CSB installation (centraal stembureau): the stemgebied is the STAAT, the units are the kieskringen. */
export function isCsb(e: Election | null | undefined): boolean {
  return installationOfElection(e) === CSB;
}

/** The kind of installation in short, for the menus: a gemeente, a hoofdstembureau (HSB) or the centraal stembureau (CSB). */
export type InstallationKind = 'gemeente' | 'hsb' | 'csb';

export function installationKindOf(e: Election | null | undefined): InstallationKind {
  return isGemeente(e) ? 'gemeente' : isCsb(e) ? 'csb' : 'hsb';
}

/** A kieskring at the CSB: unit code 'HSB5'. */
export function isKieskringCode(code: string): boolean {
  return UNITS.kieskring.code.test(code);
}

/**
 * Where a unit's entry is claimed, saved and submitted: a kieskring through the CSB's routes (its form
 * has that kieskring's lists), any other unit through /api/counts.
 */
export function entryPaths(code: string) {
  return isKieskringCode(code)
    ? {
        claim: path('/api/csb/counts/:code/claim', { code }),
        draft: path('/api/csb/counts/:code/draft', { code }),
        submit: path('/api/csb/counts/:code/submit', { code }),
      }
    : {
        claim: path('/api/counts/:code/claim', { code }),
        draft: path('/api/counts/:code/draft', { code }),
        submit: path('/api/counts/:code/submit', { code }),
      };
}

/** The form shape of a unit's entry form. */
export function formShapePath(code: string) {
  return isKieskringCode(code) ? path('/api/csb/counts/:code/form-shape', { code }) : path('/api/counts/form-shape', {});
}

/** 'Gemeente Almere' / 'Openbaar lichaam Bonaire' (codes 9001-9003), or 'Kieskring 5 Lelystad'. */
export function stemgebiedLabel(s: Stemgebied): string {
  return installationOf(s.category).stemgebiedLabel(s);
}

/** 'Gemeente Almere', or 'Openbaar lichaam Bonaire' for the openbare lichamen (codes 9001-9003). */
export function municipalityLabel(code: string, name: string): string {
  return municipalityTitle({ number: Number(code), name });
}

/** Who runs this installation: 'Gemeente Almere' or 'Hoofdstembureau Lelystad'. */
export function authorityLabel(s: Stemgebied): string {
  return installationOf(s.category).authorityLabel(s);
}

export interface UnitWords {
  kind: UnitKind;
  /** 'gemeente' / 'stembureau' */
  one: string;
  /** 'gemeenten' / 'stembureaus' */
  many: string;
  /** 'Gemeente' / 'Stembureau' (column headers, titles) */
  One: string;
  /** 'Gemeenten' / 'Stembureaus' */
  Many: string;
  /** the route segment of a unit's screens */
  segment: 'gemeente' | 'stembureau' | 'kieskring';
}

export function unitWords(kind: UnitKind | undefined | null): UnitWords {
  const k = kind ?? 'gemeente';
  return { kind: k, ...UNITS[k].words, segment: k };
}

/** The unit kind of an election: polling stations for a gemeente installation, kieskringen for the CSB. */
export function unitKindOf(e: Election | null | undefined): UnitKind {
  return installationOfElection(e).unit.kind;
}

/** The screen of one reporting unit (code '0034', 'SB3' or 'HSB5'). */
export function unitPath(code: string, suffix = ''): string {
  const segment = UNITS.stembureau.code.test(code) ? 'stembureau' : isKieskringCode(code) ? 'kieskring' : 'gemeente';
  return `/steminvoer/${segment}/${encodeURIComponent(code)}${suffix}`;
}
