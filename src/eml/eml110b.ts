/**
 * Read the polling stations of one municipality from an EML 110b ("Election Event (polling stations)",
 * schema 110b-electionevent-kiesraad-strict.xsd). No I/O; the server decides what to do with them.
 *
 * Structure (the parts read; everything else, e.g. newer extension elements, is ignored):
 *
 *   EML Id="110b"
 *     ManagingAuthority/AuthorityIdentifier Id="0034"          the municipality
 *     ElectionEvent/Election+                                  one per election; the installation's is chosen by Id
 *       ElectionIdentifier Id="TK2021" / kr:ElectionDate
 *       Contest (exactly one for the chosen election; ContestIdentifier Id="geen")
 *         ReportingUnit/ReportingUnitIdentifier Id="0034"      the municipality again
 *         MaxVotes                                              the municipality's eligible voters (informative)
 *         PollingPlace+ Channel="polling"|"postal"
 *           PhysicalLocation
 *             Address
 *               Locality/xal:LocalityName                       the polling station's name
 *               Locality/xal:PostalCode/xal:PostalCodeNumber    optional postcode
 *               (or the deprecated xal:Address: one line of free text, used as the name; no postcode)
 *             PollingStation Id="12"                            the number (the element's text, the station's
 *                                                               number of voters, is not used)
 *
 * All or nothing, like the CSV import: every station problem is collected with the line of its
 * PollingPlace (duplicated number, bad or missing number, empty or too long name, bad postcode);
 * another EML kind, another election, another municipality and structural problems are refused
 * with one message.
 */
import {
  MAX_CSV_STATIONS,
  stationErrorsMessage,
  validateStationRows,
  type CsvLineError,
  type PollingStationInput,
  type StationRowInput,
} from '../domain/pollingStations.ts';
import { fail, ok, type Failure, type Result } from '../domain/result.ts';
import { detectEmlKind, EML_NS, emlKindName, KR_NS, XAL_NS } from './kind.ts';
import { attributeValue, childElements, firstChild, readXmlTree, textContent, TreeReader, type XmlElement } from './xml.ts';

/** A 110b of a large municipality (a few hundred stations) is well below this. */
export const MAX_110B_BYTES = 10 * 1024 * 1024;

export interface PollingStations110b {
  readonly electionId: string;
  readonly electionDate: string;
  /** The municipality's 4-digit code, e.g. '0034', and its name as written in the file. */
  readonly municipalityCode: string;
  readonly municipalityName: string;
  /** MaxVotes of the contest (the municipality's eligible voters), null when not a number. Informative only. */
  readonly eligibleVoters: number | null;
  /** By number. */
  readonly stations: PollingStationInput[];
}

/** What the installation expects: its election and its municipality. */
export interface Expected110b {
  readonly electionId: string;
  readonly electionDate: string;
  /** '0034'. */
  readonly municipalityCode: string;
  readonly municipalityName: string;
}

/** Station problems, by line (the same shape as the CSV import's failure). */
export interface Eml110bFailure {
  readonly ok: false;
  readonly code: 'polling_station.eml110b';
  readonly message: string;
  readonly detail?: string;
  readonly lines: readonly CsvLineError[];
}

const WHAT = 'het stembureaubestand (EML 110b)';

function stationsFail(message: string, lines: CsvLineError[], detail?: string): Eml110bFailure {
  return { ok: false, code: 'polling_station.eml110b', message, lines, ...(detail !== undefined ? { detail } : {}) };
}

/** Does this upload look like XML (first character after an optional BOM and white space is '<')? */
export function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c;
}

/**
 * Read the polling stations of `expected`'s municipality and election from a 110b. Failures:
 * xml.* (not well-formed, DOCTYPE, ...), eml.not_eml, eml.wrong_kind, eml.invalid (structure),
 * polling_station.eml110b_election / _municipality (another election or municipality), and
 * polling_station.eml110b (station problems, with `lines`).
 */
export function readPollingStations110b(
  bytes: Uint8Array,
  expected: Expected110b,
  options: { maxBytes?: number } = {},
): Result<PollingStations110b> | Eml110bFailure {
  const kind = detectEmlKind(bytes);
  if (!kind.ok) return kind;
  if (kind.value.id !== '110b') {
    return fail(
      'eml.wrong_kind',
      `Dit is geen stembureaubestand (EML 110b) maar een ${emlKindName(kind.value.id)}.`,
      `expected EML 110b, found ${kind.value.id}`,
    );
  }
  const tree = readXmlTree(bytes, { maxBytes: options.maxBytes ?? MAX_110B_BYTES });
  if (!tree.ok) return tree;
  const root = tree.value.root;

  const r = new TreeReader('eml.invalid', WHAT);
  const authority = r.child(r.child(root, EML_NS, 'ManagingAuthority'), EML_NS, 'AuthorityIdentifier');
  const authorityId = r.attr(authority, 'Id');
  const authorityName = authority ? textContent(authority).replace(/\s+/g, ' ').trim() : '';
  const event = r.child(root, EML_NS, 'ElectionEvent');
  if (r.failure) return r.failure;

  // Another municipality: the managing authority is the municipality whose stations these are.
  if (authorityId !== expected.municipalityCode) {
    return wrongMunicipality(authorityId, authorityName, expected, authority!.line);
  }

  // The installation's election among the file's elections (a 110b may cover several).
  const elections = childElements(event!, EML_NS, 'Election');
  const found: string[] = [];
  let election: XmlElement | undefined;
  for (const el of elections) {
    const id = attributeValue(firstChild(el, EML_NS, 'ElectionIdentifier') ?? el, 'Id')?.trim() ?? '';
    found.push(id);
    if (id === expected.electionId) election = el;
  }
  if (!election) {
    return fail(
      'polling_station.eml110b_election',
      `Dit stembureaubestand is voor een andere verkiezing (${found.filter((x) => x !== '').join(', ') || 'onbekend'}), ` +
        `niet voor ${expected.electionId}.`,
      `ElectionIdentifier Id ${JSON.stringify(found)}, expected ${expected.electionId}`,
    );
  }
  const ident = r.child(election, EML_NS, 'ElectionIdentifier');
  const electionDate = r.date(r.text(ident, KR_NS, 'ElectionDate'), 'de verkiezingsdatum', ident?.line ?? 0);
  if (r.failure) return r.failure;
  if (electionDate !== expected.electionDate) {
    return fail(
      'polling_station.eml110b_election',
      `Dit stembureaubestand is voor ${expected.electionId} met verkiezingsdatum ${electionDate} (regel ${ident!.line}), ` +
        `maar deze verkiezing is op ${expected.electionDate}.`,
      `kr:ElectionDate ${electionDate}, expected ${expected.electionDate}`,
    );
  }

  const contests = childElements(election, EML_NS, 'Contest');
  if (contests.length !== 1) {
    return fail(
      'eml.invalid',
      contests.length === 0
        ? `In ${WHAT} ontbreekt het verplichte onderdeel Contest (in Election, regel ${election.line}).`
        : `${capitalised(WHAT)} bevat ${contests.length} onderdelen Contest voor ${expected.electionId} (regel ${election.line}); verwacht is er één.`,
      `${contests.length} Contest elements in Election ${expected.electionId}`,
    );
  }
  const contest = contests[0]!;
  const unit = r.child(r.child(contest, EML_NS, 'ReportingUnit'), EML_NS, 'ReportingUnitIdentifier');
  const unitId = r.attr(unit, 'Id');
  const maxVotesText = r.text(contest, EML_NS, 'MaxVotes');
  if (r.failure) return r.failure;
  if (unitId !== expected.municipalityCode) {
    return wrongMunicipality(unitId, textContent(unit!).replace(/\s+/g, ' ').trim(), expected, unit!.line);
  }
  const eligibleVoters = /^\d{1,15}$/.test(maxVotesText) ? Number(maxVotesText) : null;

  const places = childElements(contest, EML_NS, 'PollingPlace');
  if (places.length === 0) {
    return stationsFail(`${capitalised(WHAT)} bevat geen stembureaus (PollingPlace).`, [], 'no PollingPlace');
  }
  const rows: StationRowInput[] = places.map((place) => {
    const read = readPlace(place);
    return read.ok ? { line: place.line, ...read.value } : { line: place.line, problem: read.message };
  });
  const { stations, errors } = validateStationRows(rows);
  if (errors.length > 0) return stationsFail(stationErrorsMessage(errors), errors);
  if (stations.length > MAX_CSV_STATIONS) {
    return stationsFail(`Het bestand bevat te veel stembureaus (ten hoogste ${MAX_CSV_STATIONS.toLocaleString('nl-NL')}).`, []);
  }
  return ok({
    electionId: expected.electionId,
    electionDate,
    municipalityCode: authorityId,
    municipalityName: authorityName,
    eligibleVoters,
    stations,
  });
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function wrongMunicipality(id: string, name: string, expected: Expected110b, line: number): Failure {
  const named = name !== '' ? `${name} (${id})` : id;
  return fail(
    'polling_station.eml110b_municipality',
    `Dit stembureaubestand is van gemeente ${named} (regel ${line}), niet van ${expected.municipalityName} (${expected.municipalityCode}).`,
    `authority ${id}, expected ${expected.municipalityCode}`,
  );
}

/** The raw parts of one PollingPlace; a structural problem as a message without the line (the caller adds it). */
function readPlace(place: XmlElement): Result<{ numberText: string; nameText: string; postcodeText: string | null }> {
  const location = firstChild(place, EML_NS, 'PhysicalLocation');
  if (!location) return fail('eml.invalid', 'PhysicalLocation ontbreekt.');
  const station = firstChild(location, EML_NS, 'PollingStation');
  if (!station) return fail('eml.invalid', 'PollingStation (met het nummer van het stembureau) ontbreekt.');
  const numberText = attributeValue(station, 'Id') ?? '';
  const address = firstChild(location, EML_NS, 'Address');
  if (!address) return fail('eml.invalid', `Stembureau ${numberText.trim() || '?'}: Address ontbreekt.`);
  const locality = firstChild(address, EML_NS, 'Locality');
  if (locality) {
    const nameEl = firstChild(locality, XAL_NS, 'LocalityName');
    const pcEl = firstChild(locality, XAL_NS, 'PostalCode');
    const pcNumber = pcEl ? firstChild(pcEl, XAL_NS, 'PostalCodeNumber') : undefined;
    return ok({
      numberText,
      nameText: nameEl ? textContent(nameEl) : '',
      postcodeText: pcNumber ? textContent(pcNumber) : null,
    });
  }
  const free = firstChild(address, XAL_NS, 'Address');
  if (free) return ok({ numberText, nameText: textContent(free), postcodeText: null });
  return fail('eml.invalid', `Stembureau ${numberText.trim() || '?'}: Locality (met de naam van het stembureau) ontbreekt.`);
}
