/**
 * Streaming reader of EML 510 count files (510b gemeente, 510c kieskring, 510d CSB).
 *
 * Fed in chunks (Buffer/Uint8Array/string) from a Buffer or a stream; never builds a DOM, so a
 * 70 MB file costs only the numbers it holds. The XML is read by the safe reader of src/eml/xml.ts
 * (which refuses DOCTYPE and with it any entity declaration, unknown entities, processing instructions,
 * other encodings than UTF-8); this reader checks namespaces, the element structure it knows, and
 * numbers; every expected failure is a Result with a Dutch message.
 *
 * Supported: vote blocks whose candidates carry `CandidateIdentifier@Id` (510b, 510c). A 510d as
 * published by the Kiesraad identifies candidates by ShortCode only; such a file is refused with
 * a clear message (not needed by HSB or gemeente).
 */

import { fail, ok, type Failure, type Result } from '../domain/result.ts';
import type { CandidateVotes, ListVotes, UncountedEntry, VoteCounts } from '../domain/counts.ts';
import { CanonicalScanner, isAsciiWhitespace, type FastAttribute, type FastName, type FastScanOutcome } from './fastscan.ts';
import { XmlStreamReader, type XmlAttribute, type XmlErrorCode } from './xml.ts';

export const NS_EML = 'urn:oasis:names:tc:evs:schema:eml';
export const NS_KR = 'http://www.kiesraad.nl/extensions';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';

export type Eml510Kind = '510b' | '510c' | '510d';

export interface Eml510Header {
  readonly kind: Eml510Kind;
  readonly transactionId: string | null;
  readonly authorityId: string;
  readonly authorityName: string;
  readonly issueDate: string | null;
  readonly creationDateTime: string | null;
  readonly canonicalizationMethod: string | null;
  readonly election: {
    readonly id: string;
    readonly name: string | null;
    readonly category: string;
    readonly subcategory: string | null;
    readonly domain: { readonly id: string | null; readonly name: string } | null;
    readonly date: string | null;
  };
  readonly contest: { readonly id: string; readonly name: string | null };
}

export interface ReportingUnitCounts {
  /** ReportingUnitIdentifier@Id, e.g. 'HSB5::0034' or '0668::SB1'. */
  readonly id: string;
  /** The element's text, e.g. 'Almere' or 'Stembureau Gemeentehuis (postcode: 6658 AG)'. */
  readonly name: string;
  readonly counts: VoteCounts;
}

/** The RegisteredName of each list as written in a vote block (in block order). */
export interface ListName {
  readonly listNumber: number;
  readonly name: string;
}

export interface Eml510 {
  readonly header: Eml510Header;
  /** TotalVotes; null when the contest has a single ReportingUnitVotes and no TotalVotes. */
  readonly total: VoteCounts | null;
  readonly units: readonly ReportingUnitCounts[];
  /** List names as written in the first vote block. */
  readonly listNames: readonly ListName[];
}

export interface Eml510Handlers {
  /** Called once, before the first vote block. */
  onHeader?(header: Eml510Header): void;
  onTotal?(counts: VoteCounts): void;
  onUnit?(unit: ReportingUnitCounts): void;
}

export type Eml510ErrorCode = 'eml_xml_ongeldig' | 'eml_doctype' | 'eml_soort' | 'eml_structuur' | 'eml_getal';

const KINDS: readonly string[] = ['510b', '510c', '510d'];

/** Allowed children per parent (keys: EML local name, 'kr:x', 'ds:x'). */
const CHILDREN: Record<string, readonly string[]> = {
  '#root': ['EML'],
  EML: ['TransactionId', 'ManagingAuthority', 'IssueDate', 'kr:CreationDateTime', 'ds:CanonicalizationMethod', 'Count'],
  ManagingAuthority: ['AuthorityIdentifier', 'AuthorityAddress'],
  Count: ['EventIdentifier', 'Election'],
  Election: ['ElectionIdentifier', 'Contests'],
  ElectionIdentifier: ['ElectionName', 'ElectionCategory', 'kr:ElectionSubcategory', 'kr:ElectionDomain', 'kr:ElectionDate'],
  Contests: ['Contest'],
  Contest: ['ContestIdentifier', 'TotalVotes', 'ReportingUnitVotes'],
  ContestIdentifier: ['ContestName'],
  TotalVotes: ['Selection', 'Cast', 'TotalCounted', 'RejectedVotes', 'UncountedVotes'],
  ReportingUnitVotes: [
    'ReportingUnitIdentifier',
    'Selection',
    'Cast',
    'TotalCounted',
    'RejectedVotes',
    'UncountedVotes',
    'kr:ReportingUnitInvestigations',
  ],
  Selection: ['AffiliationIdentifier', 'Candidate', 'ValidVotes'],
  AffiliationIdentifier: ['RegisteredName'],
  Candidate: ['CandidateIdentifier', 'CandidateFullName', 'Gender', 'QualifyingAddress'],
};
/** Elements whose whole subtree is accepted and ignored. */
const SKIP = new Set(['AuthorityAddress', 'kr:ReportingUnitInvestigations', 'CandidateFullName', 'Gender', 'QualifyingAddress', 'CandidateIdentifier']);

/**
 * Every key of CHILDREN (parents and children) as a small number, 0 for any other key, so the check
 * per element is a table lookup (ALLOWED, SKIPPED) instead of three hash lookups of strings.
 */
const ELEMENT_KEYS: readonly string[] = ['', ...new Set([...Object.keys(CHILDREN), ...Object.values(CHILDREN).flat()])];
const ELEMENT_IDS = new Map(ELEMENT_KEYS.map((k, i) => [k, i]));
const ELEMENTS = ELEMENT_KEYS.length;
/** ALLOWED[parent * ELEMENTS + child] = 1 when CHILDREN allows the child in the parent. */
const ALLOWED = new Uint8Array(ELEMENTS * ELEMENTS);
for (const [parent, children] of Object.entries(CHILDREN)) {
  for (const child of children) ALLOWED[elementId(parent) * ELEMENTS + elementId(child)] = 1;
}
/** SKIPPED[id] = 1 for the elements of SKIP. */
const SKIPPED = new Uint8Array(ELEMENTS);
for (const k of SKIP) SKIPPED[elementId(k)] = 1;
const ROOT_ID = elementId('#root');

/** The number of an element key (0: none of CHILDREN's, so allowed nowhere). */
function elementId(key: string): number {
  return ELEMENT_IDS.get(key) ?? 0;
}

/**
 * A start tag as the reading logic sees it: from the safe XML reader (src/eml/xml.ts) or from the
 * canonical-form scanner (src/eml/fastscan.ts); both give the attributes as a list, without namespace
 * declarations.
 */
interface TagView {
  readonly uri: string;
  readonly local: string;
  readonly name: string;
  readonly attributes: readonly XmlAttribute[] | readonly FastAttribute[];
}

function keyOf(uri: string, local: string): string {
  if (uri === NS_EML) return local;
  let byLocal = KEYS.get(uri);
  if (byLocal === undefined) {
    if (KEYS.size > 64) KEYS.clear();
    KEYS.set(uri, (byLocal = new Map()));
  }
  let key = byLocal.get(local);
  if (key === undefined) {
    if (byLocal.size > 256) byLocal.clear();
    key = uri === NS_KR ? `kr:${local}` : uri === NS_DS ? `ds:${local}` : `{${uri}}${local}`;
    byLocal.set(local, key);
  }
  return key;
}
/** Keys built before, by namespace and local name (bounded). */
const KEYS = new Map<string, Map<string, string>>();

/** The value of the attribute with this (unprefixed) qualified name and no namespace, or null. */
function attr(tag: TagView, name: string): string | null {
  for (const a of tag.attributes) if (a.name === name) return a.uri === '' ? a.value : null;
  return null;
}

interface BlockBuilder {
  unitId: string | null;
  unitName: string | null;
  cast: number | null;
  totalCounted: number | null;
  ongeldig: number | null;
  blanco: number | null;
  uncounted: UncountedEntry[];
  lists: { listNumber: number; total: number; candidates: CandidateVotes[] }[];
  names: ListName[];
  // current selection
  selAffiliation: number | null;
  selAffiliationName: string | null;
  selCandidate: number | null;
  selVotes: number | null;
}

function newBlock(): BlockBuilder {
  return {
    unitId: null,
    unitName: null,
    cast: null,
    totalCounted: null,
    ongeldig: null,
    blanco: null,
    uncounted: [],
    lists: [],
    names: [],
    selAffiliation: null,
    selAffiliationName: null,
    selCandidate: null,
    selVotes: null,
  };
}

class Stop extends Error {
  constructor(readonly failure: Failure<Eml510ErrorCode>) {
    super(failure.message);
  }
}

/** Where the reader is, for messages. */
type PositionFn = () => { readonly line: number; readonly column: number };

/**
 * The reading logic of an EML 510 (element structure, header, vote blocks, numbers), fed with events
 * by the safe XML reader (Eml510StreamReader) or by the canonical-form scanner (readEml510Canonical). Throws Stop at
 * the first problem.
 */
class Eml510Core {
  private readonly stack: string[] = ['#root'];
  /** The numbers (elementId) of the keys on `stack`. */
  private readonly ids: number[] = [ROOT_ID];
  /** > 0 inside an ignored subtree. */
  skipDepth = 0;
  private text = '';
  /**
   * The value of the digits that were the whole text so far (fed as bytes by the fast reader, see
   * `onDigits`), or -1. Used instead of parsing `text` when the element closes.
   */
  private digits = -1;
  /** True inside an element whose text is kept. */
  textWanted = false;

  // header
  private kind: Eml510Kind | null = null;
  private transactionId: string | null = null;
  private authorityId: string | null = null;
  private authorityName: string | null = null;
  private issueDate: string | null = null;
  private creationDateTime: string | null = null;
  private c14nMethod: string | null = null;
  private electionId: string | null = null;
  private electionName: string | null = null;
  private electionCategory: string | null = null;
  private electionSubcategory: string | null = null;
  private electionDomain: { id: string | null; name: string } | null = null;
  private electionDomainId: string | null = null;
  private electionDate: string | null = null;
  private contestId: string | null = null;
  private contestName: string | null = null;
  private contests = 0;
  private header: Eml510Header | null = null;

  private block: BlockBuilder | null = null;
  private rejectedReason: string | null = null;
  private uncountedReason: string | null = null;
  private totalSeen = false;
  private unitsSeen = 0;
  private readonly unitIds = new Set<string>();
  private rootClosed = false;

  constructor(
    private readonly handlers: Eml510Handlers,
    private readonly position: PositionFn,
  ) {}

  /** After the last event: the header and how many blocks were read (throws Stop when incomplete). */
  finish(): { header: Eml510Header; total: boolean; units: number } {
    if (!this.rootClosed || this.header === null) {
      this.stop('eml_structuur', 'Het bestand is onvolledig: er ontbreken gegevens of de stemmen.', 'document ended early');
    }
    if (!this.totalSeen && this.unitsSeen === 0) this.stop('eml_structuur', 'Het bestand bevat geen stemmen.', 'no vote block');
    return { header: this.header, total: this.totalSeen, units: this.unitsSeen };
  }

  private where(): string {
    const { line, column } = this.position();
    return `regel ${line}, kolom ${column}`;
  }

  private stop(code: Eml510ErrorCode, message: string, detail?: string): never {
    const { line, column } = this.position();
    throw new Stop(fail(code, message, detail ?? `line ${line}, column ${column}`));
  }

  private unexpected(key: string, parent: string): never {
    const show = (k: string) => `<${k.replace(/^\{[^}]*\}/, '')}>`;
    this.stop(
      'eml_structuur',
      `Onverwacht element ${show(key)} in ${parent === '#root' ? 'het bestand' : show(parent)} (${this.where()}).`,
      `unexpected element ${key} in ${parent} at line ${this.position().line}`,
    );
  }

  private number(s: string, what: string): number {
    const n = s.length;
    if (n > 0 && n <= 15) {
      // Plain digits (the usual case): no trim, no regular expression.
      let v = 0;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
      }
      if (i === n) return v;
    }
    const t = s.trim();
    if (!/^[0-9]{1,15}$/.test(t)) {
      this.stop('eml_getal', `Ongeldig getal bij ${what}: "${t.slice(0, 20)}" (${this.where()}).`, `bad number "${t.slice(0, 40)}"`);
    }
    return Number(t);
  }

  private required(tag: TagView, name: string): string {
    const v = attr(tag, name);
    if (v === null) {
      this.stop('eml_structuur', `Het attribuut ${name} ontbreekt bij <${tag.local}> (${this.where()}).`, `missing @${name} on ${tag.name}`);
    }
    return v;
  }

  /** True when the text of the current element is wanted and nothing of it has come yet (see onDigits). */
  get awaitsText(): boolean {
    return this.textWanted && this.skipDepth === 0 && this.text === '' && this.digits < 0;
  }

  /**
   * The whole text of the current element is 1 to 15 ASCII digits with this value (the fast reader parses
   * them from the bytes: no string). Taken (true) when the element's text is a number and none of it has
   * come yet: the outcome is that of `onText` with those digits. False otherwise: then call `onText`.
   */
  onDigits(value: number): boolean {
    if (!this.numberWanted || !this.awaitsText) return false;
    this.digits = value;
    return true;
  }

  /** True inside an element whose text is a number (ValidVotes, Cast, TotalCounted, RejectedVotes, UncountedVotes). */
  private numberWanted = false;

  onText(t: string): void {
    if (this.skipDepth > 0) return;
    if (this.digits >= 0) throw new Error('text after digits (reader bug)');
    if (this.textWanted) this.text += t;
    else if (t.trim() !== '') {
      this.stop('eml_structuur', `Onverwachte tekst in <${this.stack[this.stack.length - 1]}> (${this.where()}).`, 'unexpected text');
    }
  }

  open(tag: TagView): void {
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    const key = keyOf(tag.uri, tag.local);
    this.openKey(tag, key, elementId(key));
  }

  /** `open` with the tag's key (keyOf) and its number (elementId) known. */
  openKey(tag: TagView, key: string, id: number): void {
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    const ids = this.ids;
    const parent = this.stack[this.stack.length - 1]!;
    if (this.textWanted || ALLOWED[(ids[ids.length - 1] ?? 0) * ELEMENTS + id] === 0) this.unexpected(key, parent);
    this.stack.push(key);
    ids.push(id);
    this.text = '';
    this.digits = -1;
    this.textWanted = false;
    this.numberWanted = false;

    switch (key) {
      // The elements of every selection first (hundreds of thousands of times per file).
      case 'Selection': {
        const b = this.block!;
        if (b.cast !== null || b.totalCounted !== null || b.ongeldig !== null || b.blanco !== null || b.uncounted.length) {
          this.unexpected(key, parent);
        }
        b.selAffiliation = null;
        b.selAffiliationName = null;
        b.selCandidate = null;
        b.selVotes = null;
        break;
      }
      case 'AffiliationIdentifier': {
        const b = this.block!;
        if (b.selAffiliation !== null || b.selCandidate !== null) this.unexpected(key, parent);
        b.selAffiliation = this.number(this.required(tag, 'Id'), 'AffiliationIdentifier');
        break;
      }
      case 'Candidate': {
        const b = this.block!;
        if (b.selAffiliation !== null || b.selCandidate !== null) this.unexpected(key, parent);
        b.selCandidate = -1; // set by CandidateIdentifier (skipped subtree, handled here via open)
        break;
      }
      case 'CandidateIdentifier': {
        const id = attr(tag, 'Id');
        if (id === null) {
          this.stop(
            'eml_structuur',
            `Een kandidaat heeft geen volgnummer (CandidateIdentifier zonder Id, ${this.where()}); dit soort bestand wordt niet ondersteund.`,
            'CandidateIdentifier without Id (ShortCode only)',
          );
        }
        this.block!.selCandidate = this.number(id, 'CandidateIdentifier');
        break;
      }
      case 'ValidVotes':
      case 'Cast':
      case 'TotalCounted':
        this.numberWanted = true;
        this.textWanted = true;
        break;
      case 'EML': {
        const id = attr(tag, 'Id');
        if (id === null || !KINDS.includes(id)) {
          this.stop('eml_soort', `Dit is geen EML 510-telbestand (soort: ${id ?? 'onbekend'}).`, `EML@Id=${id}`);
        }
        this.kind = id as Eml510Kind;
        break;
      }
      case 'AuthorityIdentifier':
        this.authorityId = this.required(tag, 'Id');
        this.textWanted = true;
        break;
      case 'ds:CanonicalizationMethod':
        this.c14nMethod = attr(tag, 'Algorithm');
        break;
      case 'ElectionIdentifier':
        this.electionId = this.required(tag, 'Id');
        break;
      case 'kr:ElectionDomain':
        this.electionDomainId = attr(tag, 'Id');
        this.textWanted = true;
        break;
      case 'Contest':
        this.contests++;
        if (this.contests > 1) {
          this.stop('eml_structuur', 'Het bestand bevat meer dan één Contest; dat wordt niet ondersteund.', 'multiple Contest');
        }
        break;
      case 'ContestIdentifier':
        this.contestId = this.required(tag, 'Id');
        break;
      case 'TotalVotes':
      case 'ReportingUnitVotes':
        this.emitHeader();
        if (key === 'TotalVotes' && (this.totalSeen || this.unitsSeen > 0)) this.unexpected(key, parent);
        this.block = newBlock();
        break;
      case 'ReportingUnitIdentifier':
        if (this.block!.unitId !== null || this.block!.lists.length > 0) this.unexpected(key, parent);
        this.block!.unitId = this.required(tag, 'Id');
        this.textWanted = true;
        break;
      case 'RegisteredName':
      case 'TransactionId':
      case 'IssueDate':
      case 'kr:CreationDateTime':
      case 'ElectionName':
      case 'ElectionCategory':
      case 'kr:ElectionSubcategory':
      case 'kr:ElectionDate':
      case 'ContestName':
        this.textWanted = true;
        break;
      case 'RejectedVotes':
        this.rejectedReason = this.required(tag, 'ReasonCode');
        if (this.rejectedReason !== 'ongeldig' && this.rejectedReason !== 'blanco') {
          this.stop('eml_structuur', `Onbekende reden bij RejectedVotes: "${this.rejectedReason}" (${this.where()}).`, 'bad RejectedVotes@ReasonCode');
        }
        this.numberWanted = true;
        this.textWanted = true;
        break;
      case 'UncountedVotes':
        this.uncountedReason = this.required(tag, 'ReasonCode');
        this.numberWanted = true;
        this.textWanted = true;
        break;
    }
    if (SKIPPED[id] === 1) this.skipDepth = 1;
  }

  close(): void {
    if (this.skipDepth > 1) {
      this.skipDepth--;
      return;
    }
    this.skipDepth = 0;
    const key = this.stack.pop()!;
    this.ids.pop();
    const text = this.text;
    const digits = this.digits;
    this.text = '';
    this.digits = -1;
    this.textWanted = false;
    this.numberWanted = false;
    const b = this.block;
    switch (key) {
      // The elements of every selection first (Candidate and CandidateIdentifier: nothing to do at their end).
      case 'Candidate':
      case 'CandidateIdentifier':
        break;
      case 'ValidVotes':
        if (b!.selVotes !== null) this.unexpected(key, 'Selection');
        b!.selVotes = digits >= 0 ? digits : this.number(text, 'ValidVotes');
        break;
      case 'Selection':
        this.closeSelection(b!);
        break;
      case 'EML':
        this.rootClosed = true;
        break;
      case 'TransactionId':
        this.transactionId = text;
        break;
      case 'AuthorityIdentifier':
        this.authorityName = text;
        break;
      case 'IssueDate':
        this.issueDate = text;
        break;
      case 'kr:CreationDateTime':
        this.creationDateTime = text;
        break;
      case 'ElectionName':
        this.electionName = text;
        break;
      case 'ElectionCategory':
        this.electionCategory = text;
        break;
      case 'kr:ElectionSubcategory':
        this.electionSubcategory = text;
        break;
      case 'kr:ElectionDomain':
        this.electionDomain = { id: this.electionDomainId, name: text };
        break;
      case 'kr:ElectionDate':
        this.electionDate = text;
        break;
      case 'ContestName':
        this.contestName = text;
        break;
      case 'ReportingUnitIdentifier':
        b!.unitName = text;
        break;
      case 'RegisteredName':
        b!.selAffiliationName = text;
        break;
      case 'Cast':
        if (b!.cast !== null) this.unexpected(key, this.stack[this.stack.length - 1]!);
        b!.cast = digits >= 0 ? digits : this.number(text, 'Cast');
        break;
      case 'TotalCounted':
        if (b!.cast === null || b!.totalCounted !== null) this.unexpected(key, this.stack[this.stack.length - 1]!);
        b!.totalCounted = digits >= 0 ? digits : this.number(text, 'TotalCounted');
        break;
      case 'RejectedVotes': {
        const n = digits >= 0 ? digits : this.number(text, `RejectedVotes "${this.rejectedReason}"`);
        if (b!.totalCounted === null || b!.uncounted.length > 0) this.unexpected(key, this.stack[this.stack.length - 1]!);
        if (this.rejectedReason === 'ongeldig') {
          if (b!.ongeldig !== null) this.stop('eml_structuur', `RejectedVotes "ongeldig" komt twee keer voor (${this.where()}).`);
          b!.ongeldig = n;
        } else {
          if (b!.blanco !== null) this.stop('eml_structuur', `RejectedVotes "blanco" komt twee keer voor (${this.where()}).`);
          b!.blanco = n;
        }
        break;
      }
      case 'UncountedVotes': {
        const reason = this.uncountedReason!;
        const n = digits >= 0 ? digits : this.number(text, `UncountedVotes "${reason}"`);
        if (b!.ongeldig === null || b!.blanco === null) this.unexpected(key, this.stack[this.stack.length - 1]!);
        if (b!.uncounted.some((u) => u.reason === reason)) {
          this.stop('eml_structuur', `UncountedVotes "${reason}" komt twee keer voor (${this.where()}).`);
        }
        b!.uncounted.push({ reason, count: n });
        break;
      }
      case 'TotalVotes':
      case 'ReportingUnitVotes':
        this.closeBlock(key, b!);
        this.block = null;
        break;
    }
  }

  private closeSelection(b: BlockBuilder): void {
    if (b.selVotes === null) {
      this.stop('eml_structuur', `Een Selection zonder ValidVotes (${this.where()}).`, 'Selection without ValidVotes');
    }
    if (b.selAffiliation !== null) {
      const listNumber = b.selAffiliation;
      if (b.lists.some((l) => l.listNumber === listNumber)) {
        this.stop('eml_structuur', `Lijst ${listNumber} komt twee keer voor in hetzelfde stemmenblok (${this.where()}).`);
      }
      b.lists.push({ listNumber, total: b.selVotes, candidates: [] });
      b.names.push({ listNumber, name: b.selAffiliationName ?? '' });
    } else if (b.selCandidate !== null && b.selCandidate >= 0) {
      const list = b.lists[b.lists.length - 1];
      if (list === undefined) {
        this.stop('eml_structuur', `Stemmen op een kandidaat vóór de eerste lijst (${this.where()}).`, 'candidate before affiliation');
      }
      const position = b.selCandidate;
      const last = list.candidates[list.candidates.length - 1];
      // Positions usually ascend; only then is no search needed.
      if (last !== undefined && (position <= last.position ? list.candidates.some((c) => c.position === position) : false)) {
        this.stop('eml_structuur', `Kandidaat ${position} van lijst ${list.listNumber} komt twee keer voor (${this.where()}).`);
      }
      list.candidates.push({ position, votes: b.selVotes });
    } else {
      this.stop('eml_structuur', `Een Selection zonder lijst of kandidaat (${this.where()}).`, 'empty Selection');
    }
  }

  private closeBlock(key: string, b: BlockBuilder): void {
    const what = key === 'TotalVotes' ? 'het totaal (TotalVotes)' : `stembureau/gebied ${b.unitId ?? '?'}`;
    if (b.cast === null || b.totalCounted === null || b.ongeldig === null || b.blanco === null) {
      this.stop(
        'eml_structuur',
        `Bij ${what} ontbreekt Cast, TotalCounted of een RejectedVotes (ongeldig en blanco) (${this.where()}).`,
        'incomplete vote block',
      );
    }
    const counts: VoteCounts = {
      cast: b.cast,
      totalCounted: b.totalCounted,
      rejected: { ongeldig: b.ongeldig, blanco: b.blanco },
      uncounted: b.uncounted,
      lists: b.lists as ListVotes[],
    };
    if (this.listNames === null) this.listNames = b.names;
    if (key === 'TotalVotes') {
      this.totalSeen = true;
      this.handlers.onTotal?.(counts);
    } else {
      if (b.unitId === null) {
        this.stop('eml_structuur', `Een ReportingUnitVotes zonder ReportingUnitIdentifier (${this.where()}).`);
      }
      if (this.unitIds.has(b.unitId)) {
        this.stop('eml_structuur', `Het gebied ${b.unitId} komt twee keer voor (${this.where()}).`, 'duplicate reporting unit');
      }
      this.unitIds.add(b.unitId);
      this.unitsSeen++;
      this.handlers.onUnit?.({ id: b.unitId, name: b.unitName ?? '', counts });
    }
  }

  /** List names of the first vote block (available after it is read). */
  listNames: ListName[] | null = null;

  /** True when the header has been read (the first vote block has started). */
  get headerSeen(): boolean {
    return this.header !== null;
  }

  private emitHeader(): void {
    if (this.header !== null) return;
    const missing = (what: string): never =>
      this.stop('eml_structuur', `In de kop van het bestand ontbreekt: ${what}.`, `missing ${what}`);
    if (this.authorityId === null || this.authorityName === null) missing('ManagingAuthority/AuthorityIdentifier');
    if (this.electionId === null) missing('ElectionIdentifier');
    if (this.electionCategory === null) missing('ElectionCategory');
    if (this.contestId === null) missing('ContestIdentifier');
    this.header = {
      kind: this.kind!,
      transactionId: this.transactionId,
      authorityId: this.authorityId!,
      authorityName: this.authorityName!,
      issueDate: this.issueDate,
      creationDateTime: this.creationDateTime,
      canonicalizationMethod: this.c14nMethod,
      election: {
        id: this.electionId!,
        name: this.electionName,
        category: this.electionCategory!,
        subcategory: this.electionSubcategory,
        domain: this.electionDomain,
        date: this.electionDate,
      },
      contest: { id: this.contestId!, name: this.contestName },
    };
    this.handlers.onHeader?.(this.header);
  }
}

/**
 * A push reader: `write` chunks, then `end`. Handlers are called as blocks complete. After the
 * first failure every further call returns that failure.
 *
 * The XML is read by the one safe reader of src/eml/xml.ts (no DOCTYPE and so no entity declarations,
 * no unknown entities, no processing instructions, UTF-8 only, bounded nesting); its refusals come back
 * as `eml_doctype` or `eml_xml_ongeldig`.
 */
export class Eml510StreamReader {
  private readonly xml: XmlStreamReader<Eml510ErrorCode>;
  private readonly core: Eml510Core;
  private failure: Failure<Eml510ErrorCode> | null = null;

  constructor(handlers: Eml510Handlers = {}) {
    const core = new Eml510Core(handlers, () => this.xml.position);
    this.core = core;
    // The reading logic throws Stop at its first problem; the XML reader takes it as the handler's failure.
    const guard = (f: () => void): Failure<Eml510ErrorCode> | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        if (e instanceof Stop) return e.failure;
        throw e;
      }
    };
    this.xml = new XmlStreamReader<Eml510ErrorCode>(
      {
        startElement: (tag) => guard(() => core.open(tag)),
        endElement: () => guard(() => core.close()),
        text: (t) => guard(() => core.onText(t)),
      },
      // No size limit of its own: the callers limit what they accept (a 510b of a large gemeente is ~70 MB).
      { maxBytes: Number.MAX_SAFE_INTEGER },
    );
  }

  /** List names of the first vote block (available after it is read). */
  get listNames(): ListName[] | null {
    return this.core.listNames;
  }

  /** Feed a chunk. */
  write(chunk: Uint8Array | string): Result<void, Eml510ErrorCode> {
    if (this.failure) return this.failure;
    this.xml.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    const problem = this.xml.problem;
    return problem ? (this.failure = fromXml(problem)) : ok(undefined);
  }

  /** Finish; returns the header and how many blocks were read. */
  end(): Result<{ header: Eml510Header; total: boolean; units: number }, Eml510ErrorCode> {
    if (this.failure) return this.failure;
    const end = this.xml.end();
    if (!end.ok) return (this.failure = fromXml(end));
    try {
      return ok(this.core.finish());
    } catch (e) {
      if (e instanceof Stop) return (this.failure = e.failure);
      throw e;
    }
  }
}

const EML510_CODES: readonly string[] = ['eml_xml_ongeldig', 'eml_doctype', 'eml_soort', 'eml_structuur', 'eml_getal'] satisfies Eml510ErrorCode[];

function isEml510Code(code: string): code is Eml510ErrorCode {
  return EML510_CODES.includes(code);
}

/** A refusal of the XML reader as this reader's failure (the reading logic's own failures pass as they are). */
function fromXml(f: Failure<Eml510ErrorCode | XmlErrorCode>): Failure<Eml510ErrorCode> {
  const code = f.code;
  if (isEml510Code(code)) return fail(code, f.message, f.detail);
  if (code === 'xml.doctype') return fail('eml_doctype', f.message, f.detail);
  const detail = `${code}: ${f.detail ?? ''}`;
  // Ill-formed or truncated: the message this reader always gave; the other refusals say what was refused.
  if (code === 'xml.malformed' || code === 'xml.truncated') return fail('eml_xml_ongeldig', 'Het bestand is geen geldige XML.', detail);
  return fail('eml_xml_ongeldig', f.message, detail);
}

/** What a successful read yields (besides the handler calls). */
export interface Eml510ReadSummary {
  readonly header: Eml510Header;
  readonly total: boolean;
  readonly units: number;
  readonly listNames: readonly ListName[];
}

export interface Eml510CanonicalOutcome {
  /** The canonical-form scan of the bytes (fastscan.ts); its `algorithm` serves the hash (hash.ts emlHashFromScan). */
  readonly scan: FastScanOutcome;
  /**
   * The read, when the bytes are in canonical form and the reading logic accepted everything; null
   * otherwise: then read the bytes again with Eml510StreamReader, which gives the exact outcome (the
   * failure with its line and column). The handler calls made so far must then be discarded.
   */
  readonly read: Eml510ReadSummary | null;
}

const NO_POSITION = { line: 0, column: 0 };

/** What the canonical reader remembers of an element name (FastName.memo): its key under `uri` and the key's number. */
interface ElementMemo {
  readonly uri: string;
  readonly key: string;
  readonly id: number;
}

/**
 * Fast reader for 510 files in canonical form (all OSV output): one pass of the byte-level scanner
 * (fastscan.ts) drives the same reading logic as Eml510StreamReader, so on success the blocks, header
 * and list names are exactly those of the Eml510StreamReader path. Resumable: `step(limit)` reads up to about byte
 * `limit` and returns the outcome when done (null before), so a caller can report progress or yield.
 */
export class Eml510CanonicalReader {
  private readonly scanner: CanonicalScanner;
  private readonly core: Eml510Core;
  private failed = false;
  private outcome: Eml510CanonicalOutcome | null = null;

  /**
   * `bytes`: the whole document (read with `step`); null to stream it chunk by chunk with `push` and
   * `end` (only a small window of it is held; see CanonicalScanner).
   */
  constructor(private readonly bytes: Buffer | null, handlers: Eml510Handlers = {}) {
    const core = new Eml510Core(handlers, () => NO_POSITION);
    this.core = core;
    const view = { uri: '', local: '', name: '', attributes: [] as readonly FastAttribute[] };
    this.scanner = new CanonicalScanner(bytes, {
      startElement: (name: FastName, uri: string, attributes: readonly FastAttribute[]) => {
        if (this.failed) return;
        // The element's key and number, worked out once per name (and namespace URI).
        let memo = name.memo as ElementMemo | null;
        if (memo === null || memo.uri !== uri) {
          const key = keyOf(uri, name.local);
          memo = { uri, key, id: elementId(key) };
          name.memo = memo;
        }
        view.uri = uri;
        view.local = name.local;
        view.name = name.name;
        view.attributes = attributes;
        try {
          core.openKey(view, memo.key, memo.id);
        } catch {
          this.failed = true;
        }
      },
      endElement: () => {
        if (this.failed) return;
        try {
          core.close();
        } catch {
          this.failed = true;
        }
      },
      text: (b, start, end) => {
        if (this.failed || core.skipDepth > 0) return;
        if (!core.textWanted && isAsciiWhitespace(b, start, end)) return;
        try {
          // A number (a vote count) is parsed from the bytes, without a string.
          const n = end - start;
          if (n > 0 && n <= 15 && core.awaitsText) {
            let v = 0;
            let i = start;
            for (; i < end; i++) {
              const d = (b[i] ?? 0x2f) - 48; // (never undefined: i < end)
              if (d < 0 || d > 9) break;
              v = v * 10 + d;
            }
            if (i === end && core.onDigits(v)) return;
          }
          core.onText(this.scanner.textValue(start, end));
        } catch {
          this.failed = true;
        }
      },
    });
  }

  /** Bytes read so far. */
  get position(): number {
    return this.scanner.position;
  }

  /** Length of the whole document (0 when streaming). */
  get length(): number {
    return this.bytes?.length ?? 0;
  }

  /**
   * True once the outcome is known to have no read (not canonical, or refused by the reading logic):
   * the caller can stop feeding and take the general path.
   */
  get refused(): boolean {
    return this.failed || (this.outcome !== null && this.outcome.read === null);
  }

  step(limit = Infinity): Eml510CanonicalOutcome | null {
    if (this.outcome) return this.outcome;
    return this.conclude(this.scanner.step(limit));
  }

  /** Streaming: the next chunk. The outcome when known already (a refusal), else null. */
  push(chunk: Buffer): Eml510CanonicalOutcome | null {
    if (this.outcome) return this.outcome;
    return this.conclude(this.scanner.push(chunk));
  }

  /** Streaming: after the last chunk. */
  end(): Eml510CanonicalOutcome {
    if (this.outcome) return this.outcome;
    const outcome = this.conclude(this.scanner.push(null, true));
    if (outcome === null) throw new Error('canonical scan without outcome at the end (bug)');
    return outcome;
  }

  private conclude(scan: FastScanOutcome | null): Eml510CanonicalOutcome | null {
    if (scan === null) return null;
    let read: Eml510ReadSummary | null = null;
    if (scan.canonical && !this.failed) {
      try {
        const r = this.core.finish();
        read = { ...r, listNames: this.core.listNames ?? [] };
      } catch {
        read = null;
      }
    }
    this.outcome = { scan, read };
    return this.outcome;
  }
}

/** Chunk size used when feeding a Buffer. */
const CHUNK = 1 << 16;

/**
 * Read a whole EML 510 file (Buffer or stream of chunks), keeping every vote block.
 * For huge files where the blocks need not be kept, use `Eml510StreamReader` with handlers.
 */
export async function readEml510(
  source: Uint8Array | AsyncIterable<Uint8Array | string>,
): Promise<Result<Eml510, Eml510ErrorCode>> {
  if (source instanceof Uint8Array) {
    // Fast path for files in canonical form; anything else (or any problem) goes through Eml510StreamReader below.
    let total: VoteCounts | null = null;
    const units: ReportingUnitCounts[] = [];
    const bytes = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    const fast = new Eml510CanonicalReader(bytes, {
      onTotal: (c) => {
        total = c;
      },
      onUnit: (u) => units.push(u),
    }).step()!;
    if (fast.read !== null) {
      return ok({ header: fast.read.header, total, units, listNames: fast.read.listNames as ListName[] });
    }
  }
  let total: VoteCounts | null = null;
  const units: ReportingUnitCounts[] = [];
  const reader = new Eml510StreamReader({
    onTotal: (c) => {
      total = c;
    },
    onUnit: (u) => units.push(u),
  });
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += CHUNK) {
      const r = reader.write(source.subarray(i, i + CHUNK));
      if (!r.ok) return r;
    }
  } else {
    for await (const chunk of source) {
      const r = reader.write(chunk);
      if (!r.ok) return r;
    }
  }
  const end = reader.end();
  if (!end.ok) return end;
  return ok({ header: end.value.header, total, units, listNames: reader.listNames ?? [] });
}
