/** Shared steps for the server tests: real TK2021 files from ../shared/eml. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hashGroups } from '../../src/domain/hashcode.ts';
import { eml } from '../support/paths.ts';
import type { ApiClient } from '../support/server.ts';
import { importCandidateListsFile } from '../support/counts.ts';

export const DEFINITION_FILE = 'Verkiezingsdefinitie_TK2021.eml.xml';
export const LELYSTAD_LISTS_FILE = 'Kandidatenlijsten_TK2021_Lelystad.eml.xml';
export const ZWOLLE_LISTS_FILE = 'Kandidatenlijsten_TK2021_Zwolle.eml.xml';
/** Lelystad is kieskring 5 in TK2021. */
export const LELYSTAD = 5;

export function tk2021(file: string): Buffer {
  return readFileSync(eml('tk2021', file));
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function importDefinition(admin: ApiClient, kieskring = LELYSTAD): Promise<void> {
  const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
  assert.equal(p.status, 200, p.text);
  const c = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, kieskring });
  assert.equal(c.status, 200, c.text);
}

/** The two typed groups for a preview answer, from the file's own hash. */
export function groupsFor(bytes: Buffer, hidden: [number, number]): [string, string] {
  const g = hashGroups(sha256(bytes));
  return [g[hidden[0]]!, g[hidden[1]]!];
}

export function importCandidateLists(admin: ApiClient, file = LELYSTAD_LISTS_FILE): Promise<void> {
  return importCandidateListsFile(admin, file);
}
