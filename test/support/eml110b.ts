/**
 * Hand-made EML 110b files (the Kiesraad's polling-station file) for tests: there is no real 110b in
 * the shared folder. The default output validates against 110b-electionevent-kiesraad-strict.xsd
 * (checked in test/eml/eml110b.test.ts); options make it wrong in one chosen way.
 */

export interface Station110b {
  /** PollingStation@Id as written (usually digits). */
  readonly id: string;
  readonly name: string;
  readonly postcode?: string | null;
  /** The PollingStation element's text (the station's number of voters); default '1000'. */
  readonly voters?: string;
  readonly channel?: 'polling' | 'postal';
  /** Write the deprecated form: xal:Address with the name as free text (no postcode). */
  readonly deprecatedAddress?: boolean;
}

export interface Options110b {
  readonly emlId?: string;
  readonly municipalityCode?: string;
  readonly municipalityName?: string;
  readonly electionId?: string;
  readonly electionName?: string;
  readonly electionDate?: string;
  /** ReportingUnitIdentifier Id (default: the municipality code). */
  readonly reportingUnitId?: string;
  readonly maxVotes?: string;
  readonly stations: readonly Station110b[];
  /** An extra Election element before the main one (another election in the same file). */
  readonly otherElectionFirst?: { id: string; date: string };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function place(s: Station110b, indent: string): string {
  const address = s.deprecatedAddress
    ? `${indent}      <xal:Address>${esc(s.name)}</xal:Address>\n`
    : `${indent}      <Locality>\n` +
      `${indent}        <xal:LocalityName>${esc(s.name)}</xal:LocalityName>\n` +
      (s.postcode
        ? `${indent}        <xal:PostalCode>\n${indent}          <xal:PostalCodeNumber>${esc(s.postcode)}</xal:PostalCodeNumber>\n${indent}        </xal:PostalCode>\n`
        : '') +
      `${indent}      </Locality>\n`;
  return (
    `${indent}<PollingPlace Channel="${s.channel ?? 'polling'}">\n` +
    `${indent}  <PhysicalLocation>\n` +
    `${indent}    <Address>\n` +
    address +
    `${indent}    </Address>\n` +
    `${indent}    <PollingStation Id="${esc(s.id)}">${esc(s.voters ?? '1000')}</PollingStation>\n` +
    `${indent}  </PhysicalLocation>\n` +
    `${indent}</PollingPlace>\n`
  );
}

function election(o: Options110b, id: string, date: string, stations: readonly Station110b[]): string {
  const code = o.municipalityCode ?? '0034';
  const name = o.municipalityName ?? 'Almere';
  return (
    `    <Election>\n` +
    `      <ElectionIdentifier Id="${esc(id)}">\n` +
    `        <ElectionName>${esc(o.electionName ?? 'Tweede Kamer der Staten-Generaal 2021')}</ElectionName>\n` +
    `        <ElectionCategory>TK</ElectionCategory>\n` +
    `        <kr:ElectionSubcategory>TK</kr:ElectionSubcategory>\n` +
    `        <kr:ElectionDate>${esc(date)}</kr:ElectionDate>\n` +
    `      </ElectionIdentifier>\n` +
    `      <Contest>\n` +
    `        <ContestIdentifier Id="geen"/>\n` +
    `        <ReportingUnit>\n` +
    `          <ReportingUnitIdentifier Id="${esc(o.reportingUnitId ?? code)}">${esc(name)}</ReportingUnitIdentifier>\n` +
    `        </ReportingUnit>\n` +
    `        <VotingMethod>SPV</VotingMethod>\n` +
    `        <MaxVotes>${esc(o.maxVotes ?? '166000')}</MaxVotes>\n` +
    stations.map((s) => place(s, '        ')).join('') +
    `      </Contest>\n` +
    `    </Election>\n`
  );
}

/** The text of a 110b. Line numbers: each PollingPlace start tag is on its own line. */
export function build110b(o: Options110b): string {
  const code = o.municipalityCode ?? '0034';
  const name = o.municipalityName ?? 'Almere';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<EML xmlns="urn:oasis:names:tc:evs:schema:eml" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ` +
    `xmlns:kr="http://www.kiesraad.nl/extensions" xmlns:xal="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" ` +
    `Id="${esc(o.emlId ?? '110b')}" SchemaVersion="5">\n` +
    `  <TransactionId>1</TransactionId>\n` +
    `  <ManagingAuthority>\n` +
    `    <AuthorityIdentifier Id="${esc(code)}">${esc(name)}</AuthorityIdentifier>\n` +
    `    <AuthorityAddress/>\n` +
    `  </ManagingAuthority>\n` +
    `  <kr:CreationDateTime>2021-02-01T10:00:00.000</kr:CreationDateTime>\n` +
    `  <ElectionEvent>\n` +
    `    <EventIdentifier/>\n` +
    (o.otherElectionFirst
      ? election(o, o.otherElectionFirst.id, o.otherElectionFirst.date, [{ id: '1', name: 'Ander stembureau', postcode: '1000 AA' }])
      : '') +
    election(o, o.electionId ?? 'TK2021', o.electionDate ?? '2021-03-17', o.stations) +
    `  </ElectionEvent>\n` +
    `</EML>\n`
  );
}

/** Line of the n-th (0-based) PollingPlace start tag of the MAIN election in `text`. */
export function placeLine(text: string, n: number, mainElectionIndex = 0): number {
  const lines = text.split('\n');
  let seenElections = -1;
  let count = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '<Election>') seenElections++;
    if (seenElections === mainElectionIndex && lines[i]!.includes('<PollingPlace ')) {
      count++;
      if (count === n) return i + 1;
    }
  }
  throw new Error(`no PollingPlace ${n}`);
}

/** Three stations of Almere (invented), the good case. */
export const ALMERE_STATIONS: readonly Station110b[] = [
  { id: '1', name: 'Stembureau Stadhuis', postcode: '1315 HR' },
  { id: '2', name: 'Stembureau Bibliotheek "De Nieuwe Bibliotheek"', postcode: '1315hz' },
  { id: '4', name: 'Mobiel stembureau', postcode: null },
];
