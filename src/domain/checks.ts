/**
 * The checks on one entry of a municipality's totals (docs/entry.md), run on the server after each
 * save. Errors (F.*) point at a mistake on paper or in typing; warnings (W.*) at something unusual
 * but possible. Every check has a code, the fields it marks and a plain Dutch explanation.
 */

import {
  candidateFieldId,
  emptyRequiredFields,
  type EntryForm,
  type FieldId,
  formsEqual,
  invalidFields,
  listFieldId,
  type ScalarKey,
} from './entry.ts';
import { listSumMessage, validVotesMessage } from './sums.ts';

export type Severity = 'error' | 'warning';

export interface CheckResult {
  readonly code: string;
  readonly severity: Severity;
  /** Every field involved (marked on the form). */
  readonly fields: readonly FieldId[];
  /**
   * The few fields a typist should look at first, where `fields` is long (F.202: E, not every list
   * total; F.402: the list total, not every candidate). Absent: `fields`.
   */
  readonly named?: readonly FieldId[];
  /** Dutch, for the user. */
  readonly message: string;
}

/** The fields a check names to the typist (see `CheckResult.named`). */
export function namedFields(c: CheckResult): readonly FieldId[] {
  return c.named ?? c.fields;
}

export interface CheckContext {
  /** Other municipalities' completed results, for W.210 (identical results). */
  readonly others?: readonly { readonly name: string; readonly form: EntryForm }[];
  /**
   * Required scalars this kind of unit may leave empty: ['Z'] for a polling station (its PV has no
   * number of eligible voters; W.205 is then not given, W.206 only for a typed Z). Absent: the HSB rules.
   */
  readonly optionalScalars?: readonly ScalarKey[];
}

const fmt = (n: number): string => n.toLocaleString('nl-NL');

/** Run every check. Empty or invalid fields are reported first (F.101 / F.100). */
export function checkEntry(form: EntryForm, ctx: CheckContext = {}): CheckResult[] {
  const out: CheckResult[] = [];
  const invalid = invalidFields(form);
  if (invalid.length > 0) {
    out.push({
      code: 'F.100',
      severity: 'error',
      fields: invalid,
      message: 'Vul alleen hele getallen van 0 of meer in (geen letters, komma’s of negatieve getallen).',
    });
    return out;
  }
  const optional = ctx.optionalScalars ?? [];
  const empty = emptyRequiredFields(form, optional);
  if (empty.length > 0) {
    out.push({
      code: 'F.101',
      severity: 'error',
      fields: empty,
      message: `Er ${empty.length === 1 ? 'is 1 veld' : `zijn ${empty.length} velden`} nog leeg. Vul ook een 0 in waar het aantal nul is.`,
    });
  }

  const s = form.scalars;
  const val = (k: ScalarKey): number | null => s[k];
  const v0 = (k: ScalarKey): number => s[k] ?? 0;
  const A = val('A'), B = val('B'), C = val('C'), D = val('D');
  const E = val('E'), F = val('F'), G = val('G'), H = val('H'), Z = val('Z');
  const I = v0('I'), J = v0('J');

  if (A !== null && B !== null && C !== null && D !== null && A + B + C !== D) {
    out.push({
      code: 'F.201',
      severity: 'error',
      fields: ['A', 'B', 'C', 'D'],
      message: `Het aantal toegelaten kiezers (D = ${fmt(D)}) is niet gelijk aan stempassen + volmachtbewijzen + kiezerspassen (A + B + C = ${fmt(A + B + C)}).`,
    });
  }

  const listTotals = form.lists.map((l) => l.total ?? 0);
  const sumLists = listTotals.reduce((a, b) => a + b, 0);
  if (sumLists > 0 && (E === null || E === 0)) {
    out.push({
      code: 'F.204',
      severity: 'error',
      fields: ['E'],
      message: 'Er zijn stemmen op lijsten ingevuld, maar het totaal aantal geldige stemmen (E) is leeg of 0.',
    });
  } else if (E !== null && form.lists.every((l) => l.total !== null) && sumLists !== E) {
    out.push({
      code: 'F.202',
      severity: 'error',
      fields: ['E', ...form.lists.map((l) => listFieldId(l.listNumber))],
      named: ['E'],
      message: validVotesMessage(E, sumLists),
    });
  }

  if (E !== null && F !== null && G !== null && H !== null && E + F + G !== H) {
    out.push({
      code: 'F.203',
      severity: 'error',
      fields: ['E', 'F', 'G', 'H'],
      message: `Het aantal aangetroffen stembiljetten (H = ${fmt(H)}) is niet gelijk aan geldige + blanco + ongeldige stemmen (E + F + G = ${fmt(E + F + G)}).`,
    });
  }

  for (const l of form.lists) {
    const sumCand = l.candidates.reduce<number>((a, b) => a + (b ?? 0), 0);
    const total = l.total;
    if (sumCand > 0 && (total === null || total === 0)) {
      out.push({
        code: 'F.401',
        severity: 'error',
        fields: [listFieldId(l.listNumber)],
        message: `Lijst ${l.listNumber}: er zijn stemmen op kandidaten ingevuld, maar het lijsttotaal is leeg of 0.`,
      });
    } else if (total !== null && l.candidates.every((c) => c !== null) && sumCand !== total) {
      out.push({
        code: 'F.402',
        severity: 'error',
        fields: [listFieldId(l.listNumber), ...l.candidates.map((_, i) => candidateFieldId(l.listNumber, i + 1))],
        named: [listFieldId(l.listNumber)],
        message: listSumMessage(l.listNumber, total, sumCand),
      });
    }
  }

  if (D !== null && H !== null) {
    // A municipality's totals add up its polling stations, so both I and J may be non-zero (as in the
    // official TK2021 files); F.306/F.308 apply only when the other one is 0, F.312 always.
    if (H > D && J === 0 && I !== H - D) {
      out.push({
        code: 'F.306',
        severity: 'error',
        fields: ['I'],
        message: `Er zijn ${fmt(H - D)} stembiljetten meer geteld dan kiezers toegelaten; vul dat aantal in bij "meer getelde stembiljetten" (I).`,
      });
    } else if (H < D && I === 0 && J !== D - H) {
      out.push({
        code: 'F.308',
        severity: 'error',
        fields: ['J'],
        message: `Er zijn ${fmt(D - H)} stembiljetten minder geteld dan kiezers toegelaten; vul dat aantal in bij "minder getelde stembiljetten" (J).`,
      });
    } else if (D !== H - I + J) {
      out.push({
        code: 'F.312',
        severity: 'error',
        fields: ['D', 'H', 'I', 'J'],
        message: `Toegelaten kiezers (D = ${fmt(D)}) is niet gelijk aan aangetroffen stembiljetten − meer getelde + minder getelde (H − I + J = ${fmt(H - I + J)}).`,
      });
    }
  }

  if (H !== null && H > 0) {
    if (F !== null && F * 100 >= 3 * H) {
      out.push({
        code: 'W.201',
        severity: 'warning',
        fields: ['F'],
        message: `Het aantal blanco stemmen (${fmt(F)}) is 3% of meer van het aantal aangetroffen stembiljetten. Controleer of dit klopt.`,
      });
    }
    if (G !== null && G * 100 >= 3 * H) {
      out.push({
        code: 'W.202',
        severity: 'warning',
        fields: ['G'],
        message: `Het aantal ongeldige stemmen (${fmt(G)}) is 3% of meer van het aantal aangetroffen stembiljetten. Controleer of dit klopt.`,
      });
    }
    if (D !== null) {
      const diff = Math.abs(D - H);
      if (diff * 100 >= 2 * H && diff >= 15) {
        out.push({
          code: 'W.203',
          severity: 'warning',
          fields: ['D', 'H'],
          message: `Het verschil tussen toegelaten kiezers en aangetroffen stembiljetten (${fmt(diff)}) is groot: 2% of meer en minstens 15. Controleer of dit klopt.`,
        });
      }
    }
  } else {
    out.push({
      code: 'W.204',
      severity: 'warning',
      fields: ['H'],
      message: 'Het aantal aangetroffen stembiljetten is leeg of 0. Controleer of dit klopt.',
    });
  }

  if (optional.includes('Z') && (Z === null || Z === 0)) {
    // a polling station: no number of eligible voters on its PV, nothing to warn about
  } else if (Z === null || Z === 0) {
    out.push({
      code: 'W.205',
      severity: 'warning',
      fields: ['Z'],
      message: 'Het aantal kiesgerechtigden is leeg of 0. Neem het aantal over van het proces-verbaal van de gemeente.',
    });
  } else if (D !== null && Z < D) {
    out.push({
      code: 'W.206',
      severity: 'warning',
      fields: ['Z', 'D'],
      message: `Er zijn meer kiezers toegelaten (${fmt(D)}) dan er kiesgerechtigden zijn (${fmt(Z)}). Controleer beide aantallen.`,
    });
  }

  for (const other of ctx.others ?? []) {
    if (formsEqual(form, other.form)) {
      out.push({
        code: 'W.210',
        severity: 'warning',
        fields: [],
        message: `Deze uitslag is precies gelijk aan die van ${other.name}. Controleer of het juiste proces-verbaal is gebruikt.`,
      });
      break;
    }
  }
  return out;
}

export function hasErrors(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.severity === 'error');
}

export function warningCodes(results: readonly CheckResult[]): string[] {
  return results.filter((r) => r.severity === 'warning').map((r) => r.code);
}

/** Warnings not in `acknowledged` (each warning must be acknowledged before an entry is completed). */
export function unacknowledgedWarnings(results: readonly CheckResult[], acknowledged: readonly string[]): CheckResult[] {
  return results.filter((r) => r.severity === 'warning' && !acknowledged.includes(r.code));
}
