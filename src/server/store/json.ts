/**
 * JSON columns, read through their schema (issue 14: one store module per aggregate).
 *
 * The database keeps a few values as JSON text (a unit's double-entry state, a PV's details, an
 * upload's context, an audit record's details). A store module reads such a column with
 * `readJson(schema, text, where)`: the schema is the one place that says what the column holds, and a
 * value that does not match it means a corrupt database or a writer's bug, never a user's mistake.
 * That throws `CorruptRow` (the server answers 500 and logs it); no route sees an unchecked value.
 *
 * Where the stores live: `src/server/store/<aggregate>.ts` owns every SQL statement on its tables
 * (see docs/architecture in the README's layout table). Other server modules call the store's
 * functions; the transaction around one user action stays with the caller (house rule 3).
 */
import type { z } from 'zod';

/** A stored value that its schema refuses: a bug or a damaged database, not a user error. */
export class CorruptRow extends Error {
  override name = 'CorruptRow';
  constructor(
    readonly where: string,
    readonly issues: string,
  ) {
    super(`Onverwachte inhoud in de database (${where}): ${issues}`);
  }
}

/** Parse a JSON column and check it against its schema. */
export function readJson<S extends z.ZodType>(schema: S, text: string, where: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CorruptRow(where, `geen geldige JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new CorruptRow(
      where,
      r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(waarde)'}: ${i.message}`)
        .join('; '),
    );
  }
  return r.data;
}

/** The text a JSON column stores; the schema checks the value before it is written. */
export function writeJson<S extends z.ZodType>(schema: S, value: z.input<S>, where: string): string {
  const r = schema.safeParse(value);
  if (!r.success) throw new CorruptRow(where, r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(waarde)'}: ${i.message}`).join('; '));
  return JSON.stringify(value);
}
