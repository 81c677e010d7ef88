/**
 * The polling stations store (issue 14: one store module per aggregate): every SQL statement on the
 * set-up of a gemeente installation, its polling stations (polling_stations) and the municipality's
 * number of eligible voters (gemeente_setup). The rules (valid numbers and postcodes, no change to a
 * station with entries) are in src/domain/pollingStations.ts and src/server/pollingStations.ts; the
 * transaction around a user action, with its audit record, stays with the caller.
 */
import type { Db } from '../db/database.ts';

export interface PollingStation {
  readonly number: number;
  readonly name: string;
  readonly postcode: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface StationRow {
  number: number;
  name: string;
  postcode: string | null;
  created_at: string;
  updated_at: string;
}

const toStation = (r: StationRow): PollingStation => ({
  number: r.number,
  name: r.name,
  postcode: r.postcode,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** All polling stations by number (empty for an HSB installation). */
export function readPollingStations(db: Db): PollingStation[] {
  return (db.prepare('SELECT * FROM polling_stations ORDER BY number').all() as StationRow[]).map(toStation);
}

export function readPollingStation(db: Db, number: number): PollingStation | null {
  const r = db.prepare('SELECT * FROM polling_stations WHERE number = ?').get(number) as StationRow | undefined;
  return r ? toStation(r) : null;
}

/** A station as validated by src/domain/pollingStations.ts. */
export interface StationValues {
  readonly number: number;
  readonly name: string;
  readonly postcode: string | null;
}

export function insertPollingStation(db: Db, p: StationValues, at: string): void {
  db.prepare('INSERT INTO polling_stations (number, name, postcode, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(p.number, p.name, p.postcode, at, at);
}

/** Change the station `number` (its number too when `p.number` differs); its creation time stays. */
export function updatePollingStationRow(db: Db, number: number, p: StationValues, at: string): void {
  db.prepare('UPDATE polling_stations SET number = ?, name = ?, postcode = ?, updated_at = ? WHERE number = ?').run(p.number, p.name, p.postcode, at, number);
}

export function deletePollingStationRow(db: Db, number: number): void {
  db.prepare('DELETE FROM polling_stations WHERE number = ?').run(number);
}

export function deleteAllPollingStations(db: Db): void {
  db.prepare('DELETE FROM polling_stations').run();
}

/** The municipality's number of eligible voters (gemeente installation), null when not entered yet. */
export function readEligibleVoters(db: Db): { count: number; updatedAt: string } | null {
  const r = db.prepare('SELECT eligible_voters, updated_at FROM gemeente_setup WHERE id = 1').get() as
    | { eligible_voters: number; updated_at: string }
    | undefined;
  return r ? { count: r.eligible_voters, updatedAt: r.updated_at } : null;
}

export function writeEligibleVoters(db: Db, count: number, at: string, userId: number | null): void {
  db.prepare(
    `INSERT INTO gemeente_setup (id, eligible_voters, updated_at, updated_by) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET eligible_voters = excluded.eligible_voters, updated_at = excluded.updated_at,
       updated_by = excluded.updated_by`,
  ).run(count, at, userId);
}

/** Has anything of the gemeente's set-up been entered (a polling station or the eligible voters)? */
export function anySetupEntered(db: Db): boolean {
  const r = db.prepare('SELECT (SELECT COUNT(*) FROM polling_stations) + (SELECT COUNT(*) FROM gemeente_setup) AS n').get() as { n: number };
  return r.n > 0;
}

// For the documents and the archive (their statements move here after the merge).

/** The polling stations as the documents' input versions see them (number, name, postcode, updated_at). */
export function pollingStationVersions(db: Db): { number: number; name: string; postcode: string | null; updated_at: string }[] {
  return db.prepare('SELECT number, name, postcode, updated_at FROM polling_stations ORDER BY number').all() as {
    number: number;
    name: string;
    postcode: string | null;
    updated_at: string;
  }[];
}

/** The eligible voters row as the documents' input versions see it (none or one). */
export function eligibleVotersVersions(db: Db): { eligible_voters: number; updated_at: string }[] {
  return db.prepare('SELECT eligible_voters, updated_at FROM gemeente_setup').all() as { eligible_voters: number; updated_at: string }[];
}

/** The set-up as the archive keeps it (invoer/stembureaus.json). */
export function setupForArchive(db: Db): {
  pollingStations: { number: number; name: string; postcode: string | null; created_at: string; updated_at: string }[];
  eligibleVoters: { eligible_voters: number; updated_at: string; updated_by: number | null } | null;
} {
  return {
    pollingStations: db.prepare('SELECT number, name, postcode, created_at, updated_at FROM polling_stations ORDER BY number').all() as StationRow[],
    eligibleVoters:
      (db.prepare('SELECT eligible_voters, updated_at, updated_by FROM gemeente_setup WHERE id = 1').get() as
        | { eligible_voters: number; updated_at: string; updated_by: number | null }
        | undefined) ?? null,
  };
}
