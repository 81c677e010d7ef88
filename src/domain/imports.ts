import { kieskringen, municipalitiesOf, type CandidateLists, type ElectionDefinition } from './election.ts';
import { fail, ok, type Result } from './result.ts';

/**
 * Checks on imported election data (phase 1, domain.md §4). Pure: the readers in src/eml/ turn files
 * into data; these decide whether the data fits this installation.
 */

export type ImportCheckError =
  | 'import.definition_invalid'
  | 'import.other_election'
  | 'import.unknown_kieskring'
  | 'import.other_kieskring'
  | 'import.duplicate_list'
  | 'import.duplicate_candidate';

/** Sanity of an election definition: one STAAT, kieskringen each with municipalities, seats > 0. */
export function checkElectionDefinition(def: ElectionDefinition): Result<void, ImportCheckError> {
  const bad = (message: string, detail?: string) => fail('import.definition_invalid' as const, message, detail);
  if (def.numberOfSeats <= 0) return bad('De verkiezingsdefinitie vermeldt geen aantal zetels groter dan 0.');
  const staat = def.regions.filter((r) => r.category === 'STAAT');
  if (staat.length !== 1) {
    return bad(
      `De verkiezingsdefinitie moet precies één gebied van de soort STAAT bevatten, maar bevat er ${staat.length}.`,
    );
  }
  const kk = kieskringen(def);
  if (kk.length === 0) return bad('De verkiezingsdefinitie bevat geen kieskringen.');
  const numbers = new Set<number>();
  for (const k of kk) {
    if (numbers.has(k.number)) return bad(`De verkiezingsdefinitie bevat kieskring ${k.number} twee keer.`);
    numbers.add(k.number);
    if (municipalitiesOf(def, k.number).length === 0) {
      return bad(`Kieskring ${k.number} (${k.name}) heeft in de verkiezingsdefinitie geen gemeenten.`);
    }
  }
  const municipalityNumbers = new Set<number>();
  for (const r of def.regions) {
    if (r.category !== 'GEMEENTE') continue;
    if (municipalityNumbers.has(r.number)) {
      return bad(`De verkiezingsdefinitie bevat gemeente ${r.number} (${r.name}) twee keer.`);
    }
    municipalityNumbers.add(r.number);
    if (r.superiorCategory !== 'KIESKRING' || r.superiorNumber === null || !numbers.has(r.superiorNumber)) {
      return bad(
        `Gemeente ${r.number} (${r.name}) hoort in de verkiezingsdefinitie niet bij een bestaande kieskring.`,
        `superior ${r.superiorCategory} ${r.superiorNumber}`,
      );
    }
  }
  return ok(undefined);
}

/**
 * Does a candidate lists file (EML 230b) belong to this election and this installation's kieskring?
 * Also refuses a list number that occurs twice, or a candidate position that occurs twice on a list.
 */
export function checkCandidateListsMatch(
  def: ElectionDefinition,
  kieskringNumber: number,
  lists: CandidateLists,
): Result<void, ImportCheckError> {
  const own = kieskringen(def).find((k) => k.number === kieskringNumber);
  if (!own) {
    return fail(
      'import.unknown_kieskring',
      `Kieskring ${kieskringNumber} komt niet voor in de verkiezingsdefinitie ${def.id}.`,
    );
  }
  const expected = `${def.id} (${def.name}, ${def.electionDate})`;
  const found = `${lists.electionId} (${lists.electionName}, ${lists.electionDate})`;
  if (lists.electionId !== def.id || lists.electionDate !== def.electionDate || lists.electionCategory !== def.category) {
    return fail(
      'import.other_election',
      `Dit kandidatenlijstbestand hoort bij verkiezing ${found}, maar deze installatie is voor verkiezing ${expected}.`,
      `id ${lists.electionId}/${def.id}, date ${lists.electionDate}/${def.electionDate}, category ${lists.electionCategory}/${def.category}`,
    );
  }
  if (lists.contestId !== String(kieskringNumber)) {
    return fail(
      'import.other_kieskring',
      `Dit kandidatenlijstbestand hoort bij kieskring ${lists.contestId} (${lists.contestName}), maar deze installatie is voor kieskring ${own.number} (${own.name}).`,
    );
  }
  if (lists.contestName !== own.name) {
    return fail(
      'import.other_kieskring',
      `Dit kandidatenlijstbestand noemt kieskring ${lists.contestId} "${lists.contestName}", maar in de verkiezingsdefinitie heet kieskring ${own.number} "${own.name}".`,
    );
  }
  const listNumbers = new Set<number>();
  for (const a of lists.affiliations) {
    if (listNumbers.has(a.listNumber)) {
      return fail('import.duplicate_list', `Lijstnummer ${a.listNumber} komt twee keer voor in het kandidatenlijstbestand.`);
    }
    listNumbers.add(a.listNumber);
    const positions = new Set<number>();
    for (const c of a.candidates) {
      if (positions.has(c.position)) {
        return fail(
          'import.duplicate_candidate',
          `Op lijst ${a.listNumber} komt kandidaatnummer ${c.position} twee keer voor in het kandidatenlijstbestand.`,
        );
      }
      positions.add(c.position);
    }
  }
  return ok(undefined);
}
