/**
 * The data-entry structure, declared once (docs/entry.md, the guide's step 8): which fields a unit's
 * form has, how a field id reads, what a field is called, and the sections the entry screen walks
 * through ("Kiezers en stemmen", "Verschillen", then one page per list). The server serves the shape,
 * the entry screen, the differences view and the check panels all read it from here; nothing else
 * parses a field id or names a field.
 */

import type { CheckResult } from './checks.ts';
import {
  candidateFieldId,
  DIFFERENCE_SCALARS,
  listFieldId,
  REQUIRED_SCALARS,
  SCALAR_FIELDS,
  type EntryForm,
  type FieldId,
  type Num,
  type ScalarKey,
} from './entry.ts';

/** The group a scalar belongs to on the paper PV: voters (Z-D), votes (E-H) or the differences (I-P3). */
export type ScalarGroup = 'kiezers' | 'stemmen' | 'verschillen';

const KIEZERS: readonly ScalarKey[] = ['Z', 'A', 'B', 'C', 'D'];
const STEMMEN: readonly ScalarKey[] = ['E', 'F', 'G', 'H'];

export function scalarGroup(key: ScalarKey): ScalarGroup {
  if (KIEZERS.includes(key)) return 'kiezers';
  if (STEMMEN.includes(key)) return 'stemmen';
  return 'verschillen';
}

export function isScalarKey(id: string): id is ScalarKey {
  return SCALAR_FIELDS.some((f) => f.key === id);
}

export function isDifferenceField(id: FieldId): boolean {
  return (DIFFERENCE_SCALARS as readonly string[]).includes(id);
}

/** What the entry form of a unit looks like: served by the server, read by the entry screen. */
export interface FormShape {
  readonly unitKind?: 'gemeente' | 'stembureau' | 'kieskring';
  /** The election's rule set (src/domain/ruleSets.ts) whose fields the form has. */
  readonly rules?: string;
  readonly scalars: readonly {
    readonly key: ScalarKey;
    readonly label: string;
    /** Must be typed (0 included) before the entry can be completed. */
    readonly required: boolean;
    readonly section: ScalarGroup;
  }[];
  readonly lists: readonly {
    readonly listNumber: number;
    readonly name: string;
    readonly candidates: readonly { readonly position: number; readonly name: string }[];
  }[];
}

/**
 * The form shape of a unit: the scalars of the election (`scalarKeys`, in form order; all by
 * default), which of them may stay empty for this kind of unit (`optional`), and the lists with
 * their display names.
 */
export function buildFormShape(input: {
  readonly lists: FormShape['lists'];
  readonly optional?: readonly ScalarKey[];
  readonly scalarKeys?: readonly ScalarKey[];
  readonly unitKind?: FormShape['unitKind'];
  readonly rules?: string;
}): FormShape {
  const optional = input.optional ?? [];
  const keys = input.scalarKeys ?? SCALAR_FIELDS.map((f) => f.key);
  return {
    ...(input.unitKind !== undefined ? { unitKind: input.unitKind } : {}),
    ...(input.rules !== undefined ? { rules: input.rules } : {}),
    scalars: SCALAR_FIELDS.filter((f) => keys.includes(f.key)).map((f) => ({
      key: f.key,
      label: f.label,
      required: REQUIRED_SCALARS.includes(f.key) && !optional.includes(f.key),
      section: scalarGroup(f.key),
    })),
    lists: input.lists,
  };
}

// ---------------------------------------------------------------------------------------------
// Field ids
// ---------------------------------------------------------------------------------------------

/** A field id read: a scalar ('Z'), a list total ('list.3') or a candidate ('list.3.7'). */
export type FieldRef =
  | { readonly kind: 'scalar'; readonly key: ScalarKey }
  | { readonly kind: 'list'; readonly listNumber: number }
  | { readonly kind: 'candidate'; readonly listNumber: number; readonly position: number };

const LIST_FIELD = /^list\.(\d+)(?:\.(\d+))?$/;

/** The one reader of field ids (null for anything that is not a field id). */
export function parseFieldId(id: FieldId): FieldRef | null {
  if (isScalarKey(id)) return { kind: 'scalar', key: id };
  const m = LIST_FIELD.exec(id);
  if (!m) return null;
  const listNumber = Number(m[1]);
  return m[2] === undefined ? { kind: 'list', listNumber } : { kind: 'candidate', listNumber, position: Number(m[2]) };
}

export function isCandidateField(id: FieldId): boolean {
  return parseFieldId(id)?.kind === 'candidate';
}

/** The value of a field in a form (null when empty or when the form has no such field). */
export function fieldValue(form: EntryForm, id: FieldId): Num {
  const ref = parseFieldId(id);
  if (ref === null) return null;
  if (ref.kind === 'scalar') return form.scalars[ref.key] ?? null;
  const l = form.lists.find((x) => x.listNumber === ref.listNumber);
  if (!l) return null;
  return ref.kind === 'list' ? l.total : (l.candidates[ref.position - 1] ?? null);
}

/** A field's name for people: "D: Toegelaten kiezers (A + B + C)", "Lijst 1 VVD: totaal", "Lijst 1 VVD: 1. Rutte, M. (Mark)". */
export function fieldLabel(shape: Pick<FormShape, 'lists'> | null, id: FieldId): string {
  const ref = parseFieldId(id);
  if (ref === null) return id;
  if (ref.kind === 'scalar') {
    const f = SCALAR_FIELDS.find((x) => x.key === ref.key)!;
    return `${f.key}: ${f.label}`;
  }
  const list = shape?.lists.find((l) => l.listNumber === ref.listNumber);
  const listName = list && list.name !== '' ? `Lijst ${ref.listNumber} ${list.name}` : `Lijst ${ref.listNumber}`;
  if (ref.kind === 'list') return `${listName}: totaal`;
  const c = list?.candidates.find((k) => k.position === ref.position);
  return `${listName}: ${ref.position}.${c ? ` ${c.name}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Sections of the entry screen
// ---------------------------------------------------------------------------------------------

/** 'kiezers' ("Kiezers en stemmen"), 'verschillen', or 'lijst-<n>' (one page per list). */
export type SectionId = string;

export interface EntrySection {
  readonly id: SectionId;
  /** As the sidebar and the page heading show it. */
  readonly title: string;
  /** Short form for the sidebar ("Lijst 3"). */
  readonly short: string;
  readonly fields: readonly FieldId[];
  /** The list of a list page; null for the other sections. */
  readonly listNumber: number | null;
}

export function listSectionId(listNumber: number): SectionId {
  return `lijst-${listNumber}`;
}

/** The sections in the order of the paper PV. A section without fields (no difference fields) is left out. */
export function entrySections(shape: Pick<FormShape, 'scalars' | 'lists'>): EntrySection[] {
  const group = (g: ScalarGroup[]) => shape.scalars.filter((s) => g.includes(s.section)).map((s) => s.key);
  const out: EntrySection[] = [
    { id: 'kiezers', title: 'Kiezers en stemmen', short: 'Kiezers en stemmen', fields: group(['kiezers', 'stemmen']), listNumber: null },
    { id: 'verschillen', title: 'Verschillen tussen toegelaten kiezers en getelde stembiljetten', short: 'Verschillen', fields: group(['verschillen']), listNumber: null },
  ];
  for (const l of shape.lists) {
    out.push({
      id: listSectionId(l.listNumber),
      title: `Lijst ${l.listNumber}${l.name !== '' ? ` ${l.name}` : ''}`,
      short: `Lijst ${l.listNumber}`,
      fields: [listFieldId(l.listNumber), ...l.candidates.map((c) => candidateFieldId(l.listNumber, c.position))],
      listNumber: l.listNumber,
    });
  }
  return out.filter((s) => s.fields.length > 0);
}

/** The section a field is entered in. */
export function sectionOfField(id: FieldId): SectionId | null {
  const ref = parseFieldId(id);
  if (ref === null) return null;
  if (ref.kind === 'scalar') return scalarGroup(ref.key) === 'verschillen' ? 'verschillen' : 'kiezers';
  return listSectionId(ref.listNumber);
}

/**
 * The state a section shows in the sidebar: 'fout' or 'waarschuwing' when a check of the last
 * "Invoer afronden" marks one of its fields, else 'leeg' (nothing typed), 'bezig' (some required
 * field still empty) or 'klaar'.
 */
export type SectionStatus = 'leeg' | 'bezig' | 'klaar' | 'fout' | 'waarschuwing';

export const SECTION_STATUS_LABELS: Record<SectionStatus, string> = {
  leeg: 'nog leeg',
  bezig: 'niet compleet',
  klaar: 'ingevuld',
  fout: 'bevat een fout',
  waarschuwing: 'bevat een waarschuwing',
};

export function sectionStatus(
  section: EntrySection,
  value: (id: FieldId) => Num,
  required: (id: FieldId) => boolean,
  checks: readonly CheckResult[] = [],
): SectionStatus {
  const mine = (c: CheckResult) => c.fields.some((f) => section.fields.includes(f));
  if (checks.some((c) => c.severity === 'error' && c.code !== 'F.101' && mine(c))) return 'fout';
  if (checks.some((c) => c.severity === 'warning' && mine(c))) return 'waarschuwing';
  const values = section.fields.map(value);
  if (values.every((v) => v === null)) return 'leeg';
  return section.fields.every((f, i) => values[i] !== null || !required(f)) ? 'klaar' : 'bezig';
}

/** Is this field one the typist must fill in (given the shape: a polling station's Z is not)? */
export function isRequiredField(shape: Pick<FormShape, 'scalars'>, id: FieldId): boolean {
  const ref = parseFieldId(id);
  if (ref === null) return false;
  if (ref.kind !== 'scalar') return true;
  return shape.scalars.find((s) => s.key === ref.key)?.required ?? false;
}
