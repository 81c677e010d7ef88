/**
 * The election model as read from EML 110a (definition) and 230b (candidate lists).
 * Pure data; readers live in src/eml/.
 */

export type RegionCategory = 'STAAT' | 'KIESKRING' | 'GEMEENTE';

export interface Region {
  /**
   * As in the 110a: municipality numbers are NOT zero-padded there (e.g. 14). The one STAAT region
   * may be written without a number (TK2023); it is then 1, as TK2021 numbers it.
   */
  readonly number: number;
  readonly category: RegionCategory;
  readonly name: string;
  readonly superiorNumber: number | null;
  readonly superiorCategory: RegionCategory | null;
  /**
   * e.g. 'CSB', 'HSB', 'PSB'; null when the region has no committee element. A region can have more than
   * one (kieskring 12 's-Gravenhage has the CSB and its HSB): this is the one of the region's own level
   * (STAAT: CSB, KIESKRING: HSB, GEMEENTE: PSB) if present, else the first; all are in `committees`.
   */
  readonly committeeCategory: string | null;
  readonly committeeName: string | null;
  /** All kr:Committee elements of the region, in file order (as read from a 110a). */
  readonly committees?: readonly Committee[];
}

export interface Committee {
  readonly category: string;
  readonly name: string | null;
}

export interface ElectionDefinition {
  /** ElectionIdentifier@Id, e.g. 'TK2021'. */
  readonly id: string;
  readonly name: string;
  /** e.g. 'TK'. */
  readonly category: string;
  readonly subcategory: string;
  /** ISO date yyyy-mm-dd. */
  readonly electionDate: string;
  readonly nominationDate: string | null;
  readonly numberOfSeats: number;
  readonly preferenceThreshold: number;
  readonly regions: readonly Region[];
}

/** EML's GenderType male / female / unknown; 'unknown' (the X marker) is read as 'x'. null: not given. */
export type Gender = 'male' | 'female' | 'x' | null;

export interface Candidate {
  /** CandidateIdentifier@Id: the position on the list (1-based). */
  readonly position: number;
  readonly initials: string;
  readonly firstName: string | null;
  readonly prefix: string | null;
  readonly lastName: string;
  readonly gender: Gender;
  readonly locality: string | null;
  /** ISO country code for a candidate living abroad (xal:CountryNameCode, e.g. 'BE'); null or absent otherwise. */
  readonly countryCode?: string | null;
}

export interface Affiliation {
  /** AffiliationIdentifier@Id: the list number; numbers have gaps. */
  readonly listNumber: number;
  /** May be empty (a list without a registered appellation). */
  readonly registeredName: string;
  readonly type: string;
  readonly publishGender: boolean;
  readonly belongsToSet: number | null;
  readonly candidates: readonly Candidate[];
}

export interface CandidateLists {
  readonly electionId: string;
  readonly electionName: string;
  readonly electionCategory: string;
  readonly electionDate: string;
  /** ContestIdentifier@Id: the kieskring number as a string, e.g. '5'. */
  readonly contestId: string;
  readonly contestName: string;
  readonly affiliations: readonly Affiliation[];
}

/** The 4-digit, zero-padded municipality code used in 510 files and certificates ('0014'). */
export function municipalityCode(regionNumber: number): string {
  return String(regionNumber).padStart(4, '0');
}

export function kieskringen(def: ElectionDefinition): Region[] {
  return def.regions.filter((r) => r.category === 'KIESKRING');
}

/** The municipalities (GEMEENTE regions, incl. openbare lichamen 9001-9003) of a kieskring, by number. */
export function municipalitiesOf(def: ElectionDefinition, kieskringNumber: number): Region[] {
  return def.regions
    .filter(
      (r) =>
        r.category === 'GEMEENTE' && r.superiorCategory === 'KIESKRING' && r.superiorNumber === kieskringNumber,
    )
    .sort((a, b) => a.number - b.number);
}

/** 'Gemeente X' or, for the openbare lichamen 9001-9003, 'Openbaar lichaam X'. */
export function municipalityTitle(region: Pick<Region, 'number' | 'name'>): string {
  return region.number >= 9001 && region.number <= 9003
    ? `Openbaar lichaam ${region.name}`
    : `Gemeente ${region.name}`;
}

/** Display name of a candidate as on the lists: "Rutte, M. (Mark)" / "Ark, T. van (Tamara)". */
export function candidateDisplayName(c: Candidate): string {
  const prefix = c.prefix ? ` ${c.prefix}` : '';
  const first = c.firstName ? ` (${c.firstName})` : '';
  return `${c.lastName}, ${c.initials}${prefix}${first}`;
}

/**
 * File-name form of a name: spaces become '_', apostrophes are dropped
 * ("'s-Gravenhage" -> "s-Gravenhage", "West Maas en Waal" -> "West_Maas_en_Waal").
 */
export function fileNamePart(name: string): string {
  return name.replace(/['’]/g, '').replace(/,/g, '').replace(/\s+/g, '_');
}
