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
  segment: 'gemeente' | 'stembureau';
}

export function unitWords(kind: UnitKind | undefined | null): UnitWords {
  if (kind === 'stembureau') return { kind, one: 'stembureau', many: 'stembureaus', One: 'Stembureau', Many: 'Stembureaus', segment: 'stembureau' };
  if (kind === 'kieskring') return { kind, one: 'kieskring', many: 'kieskringen', One: 'Kieskring', Many: 'Kieskringen', segment: 'gemeente' };
  return { kind: 'gemeente', one: 'gemeente', many: 'gemeenten', One: 'Gemeente', Many: 'Gemeenten', segment: 'gemeente' };
}

/** The unit kind of an election: polling stations for a gemeente installation. */
export function unitKindOf(e: Election | null | undefined): UnitKind {
  return isGemeente(e) ? 'stembureau' : 'gemeente';
}

/** The screen of one reporting unit (code '0034' or 'SB3'). */
export function unitPath(code: string, suffix = ''): string {
  const segment = /^SB\d+$/.test(code) ? 'stembureau' : 'gemeente';
  return `/steminvoer/${segment}/${encodeURIComponent(code)}${suffix}`;
}
