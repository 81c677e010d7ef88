/**
 * The EML readers and import checks the import routes use (one place to adapt if their signatures change).
 */
import type { CandidateLists, ElectionDefinition } from '../domain/election.ts';
import { checkCandidateListsMatch, checkElectionDefinition } from '../domain/imports.ts';
import type { Result } from '../domain/result.ts';
import { readElectionDefinition } from '../eml/eml110a.ts';
import { readCandidateLists } from '../eml/eml230b.ts';
import { emlHash } from '../eml/hash.ts';
import { MAX_EML_BYTES } from './http.ts';

export interface EmlReaders {
  readElectionDefinition(bytes: Buffer): Result<ElectionDefinition>;
  readCandidateLists(bytes: Buffer): Result<CandidateLists>;
  emlHash(bytes: Buffer): Result<{ hex: string; canonical: boolean }>;
  checkCandidateListsMatch(def: ElectionDefinition, kieskringNumber: number, lists: CandidateLists): Result<unknown>;
}

const readers: EmlReaders = {
  readElectionDefinition(bytes) {
    const def = readElectionDefinition(bytes, { maxBytes: MAX_EML_BYTES });
    if (!def.ok) return def;
    const check = checkElectionDefinition(def.value);
    return check.ok ? def : check;
  },
  readCandidateLists: (bytes) => readCandidateLists(bytes, { maxBytes: MAX_EML_BYTES }),
  emlHash: (bytes) => emlHash(bytes, { maxBytes: MAX_EML_BYTES }),
  checkCandidateListsMatch,
};

export async function emlReaders(): Promise<EmlReaders> {
  return readers;
}
