/**
 * Words that follow the installation kind: an HSB installation (stemgebied = a kieskring, its
 * reporting units are municipalities) or a gemeente installation (stemgebied = a municipality,
 * its reporting units are polling stations). One place, so every screen says the same.
 */
import { municipalityTitle } from '../domain/election.ts';
import type { Election, Stemgebied, UnitKind } from './api.ts';

export function isGemeente(e: Election | null | undefined): boolean {
  return e?.stemgebied.category === 'GEMEENTE';
}

/** A CSB installation (centraal stembureau): the stemgebied is the STAAT, the units are the kieskringen. */
export function isCsb(e: Election | null | undefined): boolean {
  return e?.stemgebied.category === 'STAAT';
}

/** The kind of installation: a gemeente, a hoofdstembureau (HSB) or the centraal stembureau (CSB). */
export type Installation = 'gemeente' | 'hsb' | 'csb';

export function installationOf(e: Election | null | undefined): Installation {
  return isGemeente(e) ? 'gemeente' : isCsb(e) ? 'csb' : 'hsb';
}

/** A kieskring at the CSB: unit code 'HSB5'. */
export function isKieskringCode(code: string): boolean {
  return /^HSB\d+$/.test(code);
}

/**
 * Where a unit's entry is claimed, saved and submitted: a kieskring through the CSB's routes (its form
 * has that kieskring's lists), any other unit through /api/counts.
 */
export function entryBase(code: string): string {
  return isKieskringCode(code) ? `/api/csb/counts/${encodeURIComponent(code)}` : `/api/counts/${encodeURIComponent(code)}`;
}

/** The form shape of a unit's entry form. */
export function formShapePath(code: string): string {
  return isKieskringCode(code) ? `${entryBase(code)}/form-shape` : '/api/counts/form-shape';
}

/** 'Gemeente Almere' / 'Openbaar lichaam Bonaire' (codes 9001-9003), or 'Kieskring 5 Lelystad'. */
export function stemgebiedLabel(s: Stemgebied): string {
  if (s.category === 'GEMEENTE') return municipalityLabel(s.code, s.name);
  if (s.category === 'STAAT') return `${s.name}, centraal stembureau`;
  return `Kieskring ${s.number} ${s.name}`;
}

/** 'Gemeente Almere', or 'Openbaar lichaam Bonaire' for the openbare lichamen (codes 9001-9003). */
export function municipalityLabel(code: string, name: string): string {
  return municipalityTitle({ number: Number(code), name });
}

/** Who runs this installation: 'Gemeente Almere' or 'Hoofdstembureau Lelystad'. */
export function authorityLabel(s: Stemgebied): string {
  if (s.category === 'STAAT') return 'Centraal stembureau';
  return s.category === 'GEMEENTE' ? municipalityLabel(s.code, s.name) : `Hoofdstembureau ${s.name}`;
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
  if (kind === 'stembureau') return { kind, one: 'stembureau', many: 'stembureaus', One: 'Stembureau', Many: 'Stembureaus', segment: 'stembureau' };
  if (kind === 'kieskring') return { kind, one: 'kieskring', many: 'kieskringen', One: 'Kieskring', Many: 'Kieskringen', segment: 'kieskring' };
  return { kind: 'gemeente', one: 'gemeente', many: 'gemeenten', One: 'Gemeente', Many: 'Gemeenten', segment: 'gemeente' };
}

/** The unit kind of an election: polling stations for a gemeente installation, kieskringen for the CSB. */
export function unitKindOf(e: Election | null | undefined): UnitKind {
  return isGemeente(e) ? 'stembureau' : isCsb(e) ? 'kieskring' : 'gemeente';
}

/** The screen of one reporting unit (code '0034', 'SB3' or 'HSB5'). */
export function unitPath(code: string, suffix = ''): string {
  const segment = /^SB\d+$/.test(code) ? 'stembureau' : isKieskringCode(code) ? 'kieskring' : 'gemeente';
  return `/steminvoer/${segment}/${encodeURIComponent(code)}${suffix}`;
}
