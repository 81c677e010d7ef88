/**
 * The kind of installation, behind one object per kind. An installation serves one stemgebied:
 *
 * - an HSB (hoofdstembureau): stemgebied a kieskring, its reporting units the municipalities of the
 *   kieskring (code '0034'); it imports the gemeenten' public keys and their signed 510b count files,
 *   and writes the 510c with the PV O 3;
 * - a gemeente: stemgebied a municipality, its reporting units its own polling stations (code
 *   'SB<n>'); it keeps its polling stations and its number of eligible voters, and writes the 510b
 *   with its PV for the HSB;
 * - the CSB (centraal stembureau): stemgebied STAAT, its reporting units the kieskringen (code
 *   'HSB<n>', as in the 510d); it imports the HSBs' keys and 510c files and writes the result
 *   (src/server/csb.ts).
 *
 * What differs between them is read from these objects, not by testing the kind where it is used.
 * Where the CSB shares the HSB's way today (its own key, the phase 1 reminders, the documents list),
 * its object says so.
 */
import { municipalityTitle } from './election.ts';
import type { ScalarKey } from './entry.ts';
import { pollingStationNumberOf } from './pollingStations.ts';

/** The category of the stemgebied as stored for the installation (election.stemgebied_category). */
export type StemgebiedCategory = 'KIESKRING' | 'GEMEENTE' | 'STAAT';

/** What the units of the entry engine are: municipalities (HSB), polling stations (gemeente) or kieskringen (CSB). */
export type UnitKind = 'gemeente' | 'stembureau' | 'kieskring';

/** The Dutch words for a kind of reporting unit. */
export interface UnitWords {
  /** 'gemeente' / 'stembureau' / 'kieskring' */
  readonly one: string;
  /** 'gemeenten' / 'stembureaus' / 'kieskringen' */
  readonly many: string;
  /** 'Gemeente' / 'Stembureau' / 'Kieskring' (column headers, titles) */
  readonly One: string;
  /** 'Gemeenten' / 'Stembureaus' / 'Kieskringen' */
  readonly Many: string;
}

export interface UnitSpec {
  readonly kind: UnitKind;
  readonly words: UnitWords;
  /** A unit's code: '0034', 'SB3', 'HSB5'. */
  readonly code: RegExp;
  /** The scalars a unit's form may leave empty (a polling station's PV has no Z; a kieskring's 510c no A-D). */
  readonly optionalScalars: readonly ScalarKey[];
}

/** The reporting units, per kind. */
export const UNITS: { readonly [K in UnitKind]: UnitSpec & { readonly kind: K } } = {
  gemeente: {
    kind: 'gemeente',
    words: { one: 'gemeente', many: 'gemeenten', One: 'Gemeente', Many: 'Gemeenten' },
    code: /^\d{4}$/,
    optionalScalars: [],
  },
  stembureau: {
    kind: 'stembureau',
    words: { one: 'stembureau', many: 'stembureaus', One: 'Stembureau', Many: 'Stembureaus' },
    code: /^SB\d+$/,
    optionalScalars: ['Z'],
  },
  kieskring: {
    kind: 'kieskring',
    words: { one: 'kieskring', many: 'kieskringen', One: 'Kieskring', Many: 'Kieskringen' },
    code: /^HSB\d+$/,
    // A kieskring's 510c carries neither A nor D (national.md §3.2); B and C only as its municipalities had them.
    optionalScalars: ['A', 'B', 'C', 'D'],
  },
};

/** An answer for a unit code that is not one of the installation's units (404). */
export interface UnitNotFound {
  readonly code: 'polling_station.not_found' | 'region.not_found';
  readonly message: string;
}

export interface Installation {
  readonly category: StemgebiedCategory;
  /** Who runs the installation: 'hoofdstembureau', 'gemeentelijk stembureau', 'centraal stembureau'. */
  readonly body: string;
  /** Phase 2: the reporting units whose counts are entered (twice) or imported. */
  readonly unit: UnitSpec;
  /** The answer for a code that is not one of the units. */
  unitNotFound(code: string): UnitNotFound;
  /** Phase 1: what the installation keeps besides the definition and the candidate lists. */
  readonly phase1: {
    /** The public keys of the gemeenten of the kieskring (an HSB; the CSB is reminded of them as an HSB is, today). */
    readonly municipalityKeys: boolean;
    /** Its own polling stations and the municipality's number of eligible voters (a gemeente). */
    readonly pollingStations: boolean;
    /** The candidate lists and the HSB's public key per kieskring (the CSB). */
    readonly kieskringen: boolean;
  };
  /** The stemgebied in words: 'Kieskring 5 Lelystad', 'Gemeente Almere' / 'Openbaar lichaam Bonaire', 'Nederland, centraal stembureau'. */
  stemgebiedLabel(s: { readonly number: number; readonly name: string }): string;
  /** Who runs it, in words: 'Hoofdstembureau Lelystad', 'Gemeente Almere', 'Centraal stembureau'. */
  authorityLabel(s: { readonly number: number; readonly name: string }): string;
  /** Phase 2: may a unit's count also come from a signed count file (an HSB: a gemeente's 510b; the CSB: a kieskring's 510c)? */
  readonly countImports: boolean;
  /** Phase 3: finalising needs the number of eligible voters (a gemeente). */
  readonly eligibleVoters: boolean;
  /**
   * Phase 3: which documents it writes. 'o3' (an HSB): 510c, PV O 3, the zips for the Kiesraad and the
   * CSB, the CSV; 'gemeente': 510b, its PV, the zip for the HSB, the CSV; 'result' (the CSB): 510d, 520
   * and the result CSV, by Vaststellen uitslag (src/server/csb.ts), not by Bestanden aanmaken.
   */
  readonly documents: 'o3' | 'gemeente' | 'result';
  /** The count file it signs: EML 510c, 510b or 510d. */
  readonly countFile: '510c' | '510b' | '510d';
  /** Whose certificate its own key gets (src/crypto): a hoofdstembureau's (also the CSB's, today) or a gemeente's. */
  readonly keyHolder: 'hoofdstembureau' | 'gemeente';
}

export const HSB: Installation = {
  category: 'KIESKRING',
  body: 'hoofdstembureau',
  unit: UNITS.gemeente,
  unitNotFound: (code) => ({ code: 'region.not_found', message: `Gemeente ${code} hoort niet bij deze kieskring.` }),
  phase1: { municipalityKeys: true, pollingStations: false, kieskringen: false },
  stemgebiedLabel: (s) => `Kieskring ${s.number} ${s.name}`,
  authorityLabel: (s) => `Hoofdstembureau ${s.name}`,
  countImports: true,
  eligibleVoters: false,
  documents: 'o3',
  countFile: '510c',
  keyHolder: 'hoofdstembureau',
};

export const GEMEENTE: Installation = {
  category: 'GEMEENTE',
  body: 'gemeentelijk stembureau',
  unit: UNITS.stembureau,
  unitNotFound: (code) => {
    const n = pollingStationNumberOf(code);
    return {
      code: 'polling_station.not_found',
      message: n === null ? `${code} is geen stembureau van deze gemeente.` : `Stembureau ${n} bestaat niet (meer) in deze gemeente.`,
    };
  },
  phase1: { municipalityKeys: false, pollingStations: true, kieskringen: false },
  stemgebiedLabel: (s) => municipalityTitle(s),
  authorityLabel: (s) => municipalityTitle(s),
  countImports: false,
  eligibleVoters: true,
  documents: 'gemeente',
  countFile: '510b',
  keyHolder: 'gemeente',
};

export const CSB: Installation = {
  category: 'STAAT',
  body: 'centraal stembureau',
  unit: UNITS.kieskring,
  unitNotFound: (code) => ({ code: 'region.not_found', message: `${code} is geen kieskring van deze verkiezing.` }),
  phase1: { municipalityKeys: true, pollingStations: false, kieskringen: true },
  stemgebiedLabel: (s) => `${s.name}, centraal stembureau`,
  authorityLabel: () => 'Centraal stembureau',
  countImports: true,
  eligibleVoters: false,
  documents: 'result',
  countFile: '510d',
  keyHolder: 'hoofdstembureau',
};

export const INSTALLATIONS: { readonly [C in StemgebiedCategory]: Installation } = { KIESKRING: HSB, GEMEENTE: GEMEENTE, STAAT: CSB };

export function installationOf(category: StemgebiedCategory): Installation {
  return INSTALLATIONS[category];
}
