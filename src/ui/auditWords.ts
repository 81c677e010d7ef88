/**
 * The audit log and a unit's history in Dutch words instead of codes (issue 12): the action
 * ('key.municipality.import' → "Publieke sleutel van gemeente geïmporteerd"), the names of the
 * details ('zipSha256' → "SHA-256 van de zip") and their values (true → "ja"). The codes stay in
 * the database, the CSV export and behind the "details" toggle.
 */

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'installation.create': 'Installatie aangemaakt',
  login: 'Aangemeld',
  'login.failed': 'Aanmelden mislukt',
  'login.throttled': 'Aanmelden tijdelijk geblokkeerd (te veel pogingen)',
  logout: 'Afgemeld',
  'password.change': 'Eigen wachtwoord gewijzigd',
  'user.create': 'Gebruiker aangemaakt',
  'user.disable': 'Gebruiker geblokkeerd',
  'user.enable': 'Gebruiker gedeblokkeerd',
  'user.reset_password': 'Wachtwoord van gebruiker opnieuw ingesteld',
  'election.definition.import': 'Verkiezingsdefinitie geïmporteerd (Aanmaken verkiezing)',
  'election.definition.replace': 'Verkiezingsdefinitie vervangen',
  'election.candidate_lists.import': 'Kandidatenlijsten geïmporteerd',
  'election.candidate_lists.replace': 'Kandidatenlijsten vervangen',
  'election.candidate_lists.hash_mismatch': 'Kandidatenlijsten: ingetypte hashcode klopt niet',
  'key.own.create': 'Eigen sleutelpaar aangemaakt',
  'key.municipality.import': 'Publieke sleutel van gemeente geïmporteerd',
  'key.municipality.replace': 'Publieke sleutel van gemeente vervangen',
  'polling_station.add': 'Stembureau toegevoegd',
  'polling_station.update': 'Stembureau gewijzigd',
  'polling_station.delete': 'Stembureau verwijderd',
  'polling_station.import': 'Stembureaus geïmporteerd',
  'polling_station.import.replace': 'Stembureaus opnieuw geïmporteerd (vervangen)',
  'gemeente.eligible_voters': 'Aantal kiesgerechtigden ingevuld',
  'phase.change': 'Fase gewijzigd',
  'counts.claim': 'Invoer begonnen',
  'counts.release': 'Invoer vrijgegeven',
  'counts.first_entry': 'Eerste invoer afgerond',
  'counts.first_entry_with_errors': 'Eerste invoer afgerond met fouten op het proces-verbaal',
  'counts.second_entry': 'Tweede invoer afgerond: gelijk aan de eerste',
  'counts.second_entry_different': 'Tweede invoer afgerond: verschilt van de eerste',
  'counts.delete': 'Steminvoer verwijderd',
  'counts.resolve.first': 'Verschillen opgelost: Eerste invoer overnemen',
  'counts.resolve.second': 'Verschillen opgelost: Tweede invoer overnemen',
  'counts.resolve.delete_both': 'Verschillen opgelost: Verwijder eerste en tweede invoer',
  'counts.import': 'Tellingbestand van gemeente geïmporteerd (Importeren steminvoer)',
  'counts.import.hash_mismatch': 'Importeren steminvoer: ingetypte hashcode klopt niet',
  'pv_details.save': 'Gegevens proces-verbaal opgeslagen',
  'documents.create': 'Bestanden aangemaakt na definitief maken',
  'audit.export': 'Auditlog geëxporteerd',
  'archive.create': 'Archief aangemaakt',
  'election.destroy': 'Gegevens van de verkiezing vernietigd',
  'election.destroy.refused': 'Vernietigen geweigerd',
};

/** The names of the details, in words. */
export const AUDIT_DETAIL_LABELS: Record<string, string> = {
  address: 'Adres',
  retryAfterSeconds: 'Opnieuw proberen na (seconden)',
  reason: 'Reden',
  userId: 'Gebruikersnummer',
  username: 'Gebruikersnaam',
  fullName: 'Naam',
  role: 'Rol',
  passwordSource: 'Eerste wachtwoord',
  fileName: 'Bestand',
  hash: 'Hashcode',
  previousHash: 'Vorige hashcode',
  hashConfirmed: 'Hashcode bevestigd',
  electionId: 'Verkiezing',
  kieskring: 'Kieskring',
  kieskringName: 'Naam kieskring',
  stemgebied: 'Stemgebied',
  gemeente: 'Gemeente (code)',
  gemeenteName: 'Gemeente',
  practice: 'Oefening',
  code: 'Code',
  name: 'Naam',
  number: 'Nummer',
  postcode: 'Postcode',
  subject: 'Onderwerp certificaat',
  fingerprint: 'Vingerafdruk',
  previousFingerprint: 'Vorige vingerafdruk',
  notAfter: 'Geldig tot',
  from: 'Van',
  to: 'Naar',
  via: 'Via',
  entry: 'Invoer',
  outcome: 'Uitkomst',
  source: 'Bron',
  signer: 'Ondertekend door',
  embeddedMatchesTrusted: 'Certificaat in het bestand gelijk aan de geïmporteerde sleutel',
  zipSha256: 'SHA-256 van de zip',
  zipSize: 'Grootte van de zip (bytes)',
  emlName: 'EML-bestand',
  acknowledged: 'Bevestigde waarschuwingen',
  checks: 'Controles',
  fields: 'Velden',
  blocking: 'Blokkerende fouten',
  choice: 'Keuze',
  unitKind: 'Soort',
  setId: 'Documentenset',
  creationDateTime: 'Aanmaakmoment',
  emlHash: 'Hashcode telbestand',
  files: 'Bestanden',
  kind: 'Soort',
  size: 'Grootte (bytes)',
  sha256: 'SHA-256',
  chain: 'Keten auditlog',
  intact: 'Intact',
  firstBrokenId: 'Eerste verbroken regel',
  erased: 'Vernietigd',
  previousChain: 'Vorige keten',
  lastId: 'Laatste regel',
  lastHash: 'Laatste hash',
  session: 'Zitting',
  place: 'Plaats',
  date: 'Datum',
  time: 'Tijd',
  members: 'Leden',
  objections: 'Bezwaren',
  remarks: 'Opmerkingen',
  count: 'Aantal',
  eligibleVoters: 'Kiesgerechtigden',
  previous: 'Vorige waarde',
  replaced: 'Vervangen',
  stations: 'Stembureaus',
};

/** The words of an action; an unknown code is shown as is. */
export function auditActionText(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

export function auditDetailLabel(key: string): string {
  return AUDIT_DETAIL_LABELS[key] ?? key;
}

/** A detail's value in words: ja/nee, lists joined, objects as "name: value" pairs. */
export function auditValueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (v === true) return 'ja';
  if (v === false) return 'nee';
  if (Array.isArray(v)) return v.map(auditValueText).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${auditDetailLabel(k)}: ${auditValueText(x)}`)
      .join(' · ');
  }
  return String(v);
}
