/**
 * The values of one entry while it is typed, outside React: the ~1,100 inputs are uncontrolled, so
 * typing re-renders only what subscribes to the changed part (a list's running sum, the sidebar's
 * section states). Field ids are read by the domain (`parseFieldId`), never here.
 */
import { SCALAR_FIELDS, type EntryForm, type FieldId, type Num, type ScalarKey } from '../../domain/entry.ts';
import { parseFieldId, type FormShape } from '../../domain/entryStructure.ts';

/** The subscription key of a field: its list ('list.3') or 'scalars'. */
export function storeKeyOf(id: FieldId): string {
  const ref = parseFieldId(id);
  return ref === null || ref.kind === 'scalar' ? 'scalars' : `list.${ref.listNumber}`;
}

export class FormStore {
  private readonly scalars = new Map<ScalarKey, Num>();
  private readonly lists = new Map<number, { total: Num; candidates: Num[] }>();
  private readonly subs = new Map<string, Set<() => void>>();
  private readonly versions = new Map<string, number>();
  /** Fields whose text is not a count (kept visible, left out of the draft, blocks finishing). */
  readonly invalid = new Map<FieldId, string>();
  /** Changed since the last save. */
  dirty = false;

  constructor(
    readonly shape: FormShape,
    form: EntryForm | null,
  ) {
    for (const s of shape.scalars) this.scalars.set(s.key, form?.scalars[s.key] ?? null);
    for (const l of shape.lists) {
      const fl = form?.lists.find((x) => x.listNumber === l.listNumber);
      this.lists.set(l.listNumber, { total: fl?.total ?? null, candidates: l.candidates.map((_, i) => fl?.candidates[i] ?? null) });
    }
  }

  get(id: FieldId): Num {
    const ref = parseFieldId(id);
    if (ref === null) return null;
    if (ref.kind === 'scalar') return this.scalars.get(ref.key) ?? null;
    const l = this.lists.get(ref.listNumber);
    if (!l) return null;
    return ref.kind === 'list' ? l.total : (l.candidates[ref.position - 1] ?? null);
  }

  /** Does the form have this field? */
  has(id: FieldId): boolean {
    const ref = parseFieldId(id);
    if (ref === null) return false;
    if (ref.kind === 'scalar') return this.scalars.has(ref.key);
    const l = this.lists.get(ref.listNumber);
    return l !== undefined && (ref.kind === 'list' || (ref.position >= 1 && ref.position <= l.candidates.length));
  }

  set(id: FieldId, v: Num): void {
    const ref = parseFieldId(id);
    if (ref === null || !this.has(id)) return;
    if (this.get(id) === v) return;
    if (ref.kind === 'scalar') this.scalars.set(ref.key, v);
    else {
      const l = this.lists.get(ref.listNumber)!;
      if (ref.kind === 'list') l.total = v;
      else l.candidates[ref.position - 1] = v;
    }
    this.dirty = true;
    this.emit(storeKeyOf(id));
  }

  private emit(key: string): void {
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    this.versions.set('*', (this.versions.get('*') ?? 0) + 1);
    for (const f of this.subs.get(key) ?? []) f();
    for (const f of this.subs.get('*') ?? []) f();
  }

  /** Subscribe to a list ('list.3'), the scalars ('scalars') or every change ('*'). */
  subscribe = (key: string, f: () => void): (() => void) => {
    let set = this.subs.get(key);
    if (!set) this.subs.set(key, (set = new Set()));
    set.add(f);
    return () => void set.delete(f);
  };

  version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  /** A list's typed total, the running sum of its candidates and how many of its fields are empty. */
  listState(n: number): { total: Num; sum: number; empty: number } {
    const l = this.lists.get(n);
    if (!l) return { total: null, sum: 0, empty: 0 };
    let sum = 0;
    let empty = l.total === null ? 1 : 0;
    for (const c of l.candidates) {
      if (c === null) empty++;
      else sum += c;
    }
    return { total: l.total, sum, empty };
  }

  /** Empty candidate fields (not list totals or other fields: those the typist must type). */
  emptyCandidateFields(): FieldId[] {
    const out: FieldId[] = [];
    for (const [n, l] of this.lists) {
      l.candidates.forEach((c, i) => {
        const id = `list.${n}.${i + 1}`;
        if (c === null && !this.invalid.has(id)) out.push(id);
      });
    }
    return out;
  }

  /** The form as the API takes it: every scalar of the form (null where this election has no such field). */
  toForm(): EntryForm {
    return {
      scalars: Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, this.scalars.get(f.key) ?? null])) as EntryForm['scalars'],
      lists: [...this.lists].map(([listNumber, l]) => ({ listNumber, total: l.total, candidates: [...l.candidates] })),
    };
  }
}
