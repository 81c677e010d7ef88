/**
 * The audit log and a unit's history in Dutch words instead of codes (issue 12): the action
 * ('key.municipality.import' → "Publieke sleutel van gemeente geïmporteerd"), the names of the
 * details ('zipSha256' → "SHA-256 van de zip") and their values (true → "ja"). The codes stay in
 * the database, the CSV export and behind the "details" toggle.
 */

import { AUDIT_ACTIONS } from '../domain/auditActions.ts';

/** The actions in words (one table: src/domain/auditActions.ts). */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = AUDIT_ACTIONS;

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
