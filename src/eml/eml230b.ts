import type { Affiliation, Candidate, CandidateLists, Gender } from '../domain/election.ts';
import { ok, type Result } from '../domain/result.ts';
import { EML_NS, KR_NS, requireEmlKind, XAL_NS, XNL_NS } from './kind.ts';
import { attributeValue, childElements, firstChild, readXmlTree, textContent, TreeReader, type XmlElement } from './xml.ts';

/** The real 230b files are about 450 KB. */
export const MAX_230B_BYTES = 20 * 1024 * 1024;

/**
 * Read the candidate lists of one kieskring (EML 230b, `Kandidatenlijsten_<id>_<Kieskring>.eml.xml`):
 * the lists in file order, each with its candidates in file order. Whether the file belongs to this
 * election and kieskring is checked by `checkCandidateListsMatch` (src/domain/imports.ts).
 */
export function readCandidateLists(bytes: Buffer, options: { maxBytes?: number } = {}): Result<CandidateLists> {
  const kind = requireEmlKind(bytes, '230b');
  if (!kind.ok) return kind;
  const tree = readXmlTree(bytes, { maxBytes: options.maxBytes ?? MAX_230B_BYTES });
  if (!tree.ok) return tree;

  const r = new TreeReader('eml.invalid', 'het kandidatenlijstbestand');
  const list = r.child(tree.value.root, EML_NS, 'CandidateList');
  const election = r.child(list, EML_NS, 'Election');
  const ident = r.child(election, EML_NS, 'ElectionIdentifier');
  const electionId = r.attr(ident, 'Id');
  const electionName = r.text(ident, EML_NS, 'ElectionName');
  const electionCategory = r.text(ident, EML_NS, 'ElectionCategory');
  const electionDate = r.date(r.text(ident, KR_NS, 'ElectionDate'), 'de verkiezingsdatum', ident?.line ?? 0);
  const contest = r.child(election, EML_NS, 'Contest');
  const contestIdent = r.child(contest, EML_NS, 'ContestIdentifier');
  const contestId = r.attr(contestIdent, 'Id');
  const contestName = r.text(contestIdent, EML_NS, 'ContestName');

  const affiliations = contest ? childElements(contest, EML_NS, 'Affiliation').map((a) => readAffiliation(r, a)) : [];
  if (contest && affiliations.length === 0) {
    r.problem('Het kandidatenlijstbestand bevat geen kandidatenlijsten.', 'no Affiliation');
  }

  if (r.failure) return r.failure;
  return ok({ electionId, electionName, electionCategory, electionDate, contestId, contestName, affiliations });
}

function readAffiliation(r: TreeReader, el: XmlElement): Affiliation {
  const ident = r.child(el, EML_NS, 'AffiliationIdentifier');
  const listNumber = r.integer(r.attr(ident, 'Id'), 'een lijstnummer', ident?.line ?? el.line, 1);
  // RegisteredName may be empty (a list without an appellation) or even absent.
  const registeredName = r.optionalText(ident, EML_NS, 'RegisteredName') ?? '';
  const listData = r.child(el, KR_NS, 'ListData');
  const publishGender = listData ? booleanAttr(r, listData, 'PublishGender', listNumber) : false;
  const setText = listData ? attributeValue(listData, 'BelongsToSet')?.trim() : undefined;
  const candidates = childElements(el, EML_NS, 'Candidate').map((c) => readCandidate(r, c, listNumber));
  if (candidates.length === 0) {
    r.problem(`Lijst ${listNumber} in het kandidatenlijstbestand heeft geen kandidaten (regel ${el.line}).`, 'no Candidate');
  }
  return {
    listNumber,
    registeredName,
    type: r.text(el, EML_NS, 'Type'),
    publishGender,
    belongsToSet: setText ? r.integer(setText, 'BelongsToSet', listData!.line, 1) : null,
    candidates,
  };
}

function booleanAttr(r: TreeReader, el: XmlElement, local: string, listNumber: number): boolean {
  const v = r.attr(el, local);
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  if (v !== '') {
    r.problem(
      `In het kandidatenlijstbestand is ${local} van lijst ${listNumber} geen ja/nee-waarde: "${v}" (regel ${el.line}).`,
      `bad boolean ${local}=${v}`,
    );
  }
  return false;
}

function readCandidate(r: TreeReader, el: XmlElement, listNumber: number): Candidate {
  const ident = r.child(el, EML_NS, 'CandidateIdentifier');
  const position = r.integer(r.attr(ident, 'Id'), `een kandidaatnummer op lijst ${listNumber}`, el.line, 1);
  const person = r.child(r.child(el, EML_NS, 'CandidateFullName'), XNL_NS, 'PersonName');
  const initialsLine = person
    ? childElements(person, XNL_NS, 'NameLine').find((n) => attributeValue(n, 'NameType') === 'Initials')
    : undefined;
  const address = firstChild(el, EML_NS, 'QualifyingAddress');
  const country = address ? firstChild(address, XAL_NS, 'Country') : undefined;
  const localityParent = country ?? address;
  const locality = localityParent ? firstChild(localityParent, XAL_NS, 'Locality') : undefined;
  return {
    position,
    initials: initialsLine ? textContent(initialsLine).trim() : '',
    firstName: r.optionalText(person, XNL_NS, 'FirstName'),
    prefix: r.optionalText(person, XNL_NS, 'NamePrefix'),
    lastName: r.text(person, XNL_NS, 'LastName'),
    gender: gender(r, r.optionalText(el, EML_NS, 'Gender'), el.line),
    locality: r.optionalText(locality, XAL_NS, 'LocalityName'),
    countryCode: r.optionalText(country, XAL_NS, 'CountryNameCode'),
  };
}

/** EML's GenderType: male, female, unknown (the latter is the 'X' marker). */
function gender(r: TreeReader, value: string | null, line: number): Gender {
  switch (value) {
    case null:
      return null;
    case 'male':
      return 'male';
    case 'female':
      return 'female';
    case 'unknown':
      return 'x';
    default:
      r.problem(
        `In het kandidatenlijstbestand staat een onbekend geslacht: "${value}" (regel ${line}).`,
        `bad Gender ${value}`,
      );
      return null;
  }
}
