/**
 * Every action the audit log records, declared once with its Dutch words (docs/api.md lists them;
 * a test checks the list). `writeAudit` (src/server/audit.ts) takes only these; the audit log screen
 * and the history show the words, the database and the CSV export keep the code.
 */
export const AUDIT_ACTIONS = {
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
  'key.municipality.replace_approved': 'Vervangen van de publieke sleutel van een gemeente goedgekeurd door de verkiezingsleider',
  'key.hsb.import': 'Publieke sleutel van hoofdstembureau geïmporteerd',
  'key.hsb.replace': 'Publieke sleutel van hoofdstembureau vervangen',
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
  'counts.integrity_baseline': 'Controlegetallen van eerder afgeronde invoer vastgelegd',
  'counts.import.hash_mismatch': 'Importeren steminvoer: ingetypte hashcode klopt niet',
  'pv_details.save': 'Gegevens proces-verbaal opgeslagen',
  'documents.create': 'Bestanden aangemaakt na definitief maken',
  'csb.lots_required': 'Vaststellen uitslag: loting nodig',
  'csb.lot_entered': 'Uitkomst van de loting ingevoerd',
  'audit.export': 'Auditlog geëxporteerd',
  'archive.create': 'Archief aangemaakt',
  'election.destroy': 'Gegevens van de verkiezing vernietigd',
  'election.destroy.refused': 'Vernietigen geweigerd',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(a: string): a is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, a);
}
