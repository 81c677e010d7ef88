import type { Committee, ElectionDefinition, Region, RegionCategory } from '../domain/election.ts';
import { ok, type Result } from '../domain/result.ts';
import { EML_NS, KR_NS, requireEmlKind } from './kind.ts';
import { attributeValue, childElements, readXmlTree, TreeReader } from './xml.ts';

/** The real 110a files are about 100 KB. */
export const MAX_110A_BYTES = 10 * 1024 * 1024;

const CATEGORIES: readonly RegionCategory[] = ['STAAT', 'KIESKRING', 'GEMEENTE'];

/** The committee of a region's own level, preferred when a region has several. */
const OWN_COMMITTEE: Record<RegionCategory, string> = { STAAT: 'CSB', KIESKRING: 'HSB', GEMEENTE: 'PSB' };

/**
 * Read an election definition (EML 110a, `Verkiezingsdefinitie_<id>.eml.xml`). Refuses another EML kind
 * with a message naming what was found, and a file that lacks a required part or holds an invalid one.
 */
export function readElectionDefinition(
  bytes: Buffer,
  options: { maxBytes?: number } = {},
): Result<ElectionDefinition> {
  const kind = requireEmlKind(bytes, '110a');
  if (!kind.ok) return kind;
  const tree = readXmlTree(bytes, { maxBytes: options.maxBytes ?? MAX_110A_BYTES });
  if (!tree.ok) return tree;

  const r = new TreeReader('eml.invalid', 'de verkiezingsdefinitie');
  const election = r.child(r.child(tree.value.root, EML_NS, 'ElectionEvent'), EML_NS, 'Election');
  const ident = r.child(election, EML_NS, 'ElectionIdentifier');
  const id = r.attr(ident, 'Id');
  const name = r.text(ident, EML_NS, 'ElectionName');
  const category = r.text(ident, EML_NS, 'ElectionCategory');
  const subcategory = r.text(ident, KR_NS, 'ElectionSubcategory');
  const electionDate = r.date(r.text(ident, KR_NS, 'ElectionDate'), 'de verkiezingsdatum', ident?.line ?? 0);
  const nominationText = r.optionalText(ident, KR_NS, 'NominationDate');
  const nominationDate =
    nominationText === null ? null : r.date(nominationText, 'de dag van kandidaatstelling', ident?.line ?? 0);
  const numberOfSeats = r.integer(r.text(election, KR_NS, 'NumberOfSeats'), 'het aantal zetels', election?.line ?? 0, 1);
  const preferenceThreshold = r.integer(
    r.text(election, KR_NS, 'PreferenceThreshold'),
    'de voorkeurdrempel',
    election?.line ?? 0,
  );

  const electionTree = r.child(election, KR_NS, 'ElectionTree');
  const regions: Region[] = [];
  const seen = new Set<string>();
  for (const el of electionTree ? childElements(electionTree, KR_NS, 'Region') : []) {
    const category = regionCategory(r, attributeValue(el, 'RegionCategory'), el.line);
    const numberText = attributeValue(el, 'RegionNumber')?.trim();
    let number: number;
    if (numberText === undefined || numberText === '') {
      if (category === 'STAAT') {
        // TK2023 writes the one STAAT without a number; TK2021 numbers it 1.
        number = 1;
      } else {
        r.problem(
          `In de verkiezingsdefinitie ontbreekt het regionummer van een ${category.toLowerCase()} (regel ${el.line}).`,
          `Region without RegionNumber at line ${el.line}`,
        );
        number = 0;
      }
    } else {
      number = r.integer(numberText, 'een regionummer', el.line, 1);
    }
    const key = `${category}:${number}`;
    if (seen.has(key)) {
      r.problem(
        `In de verkiezingsdefinitie staat ${category.toLowerCase()} ${number} twee keer (regel ${el.line}).`,
        `duplicate region ${key}`,
      );
    }
    seen.add(key);
    const superiorText = attributeValue(el, 'SuperiorRegionNumber')?.trim();
    const superiorCategoryText = attributeValue(el, 'SuperiorRegionCategory');
    const committees: Committee[] = childElements(el, KR_NS, 'Committee').map((c) => ({
      category: r.attr(c, 'CommitteeCategory'),
      name: attributeValue(c, 'CommitteeName')?.trim() || null,
    }));
    const committee = committees.find((c) => c.category === OWN_COMMITTEE[category]) ?? committees[0];
    regions.push({
      number,
      category,
      name: r.text(el, KR_NS, 'RegionName'),
      superiorNumber: superiorText ? r.integer(superiorText, 'een hoger regionummer', el.line, 1) : null,
      superiorCategory:
        superiorCategoryText === undefined ? null : regionCategory(r, superiorCategoryText, el.line),
      committeeCategory: committee?.category ?? null,
      committeeName: committee?.name ?? null,
      committees,
    });
  }
  if (electionTree && regions.length === 0) {
    r.problem('De verkiezingsdefinitie bevat geen gebieden (kr:Region).', 'empty ElectionTree');
  }

  if (r.failure) return r.failure;
  return ok({
    id,
    name,
    category,
    subcategory,
    electionDate,
    nominationDate,
    numberOfSeats,
    preferenceThreshold,
    regions,
  });
}

function regionCategory(r: TreeReader, value: string | undefined, line: number): RegionCategory {
  const v = value?.trim() ?? '';
  if ((CATEGORIES as readonly string[]).includes(v)) return v as RegionCategory;
  r.problem(
    `De verkiezingsdefinitie bevat een gebied van de soort "${v}" (regel ${line}); alleen STAAT, KIESKRING en GEMEENTE worden ondersteund.`,
    `unsupported RegionCategory ${JSON.stringify(v)} at line ${line}`,
  );
  return 'GEMEENTE';
}
