/**
 * The EML readers and import checks the import routes use (one place to adapt if their signatures change).
 * The uploaded 110a and 230b are read, and their hash codes computed, in the election-file worker of
 * phase 1 (electionFileWorker.ts), so the server's own heap never holds the parse (issue 13, memory).
 */
import type { CandidateLists, ElectionDefinition } from '../domain/election.ts';
import { checkCandidateListsMatch } from '../domain/imports.ts';
import { ok, type Failure, type Result } from '../domain/result.ts';
import type { EmlHash } from '../eml/hash.ts';
import { ELECTION_FILE_INTERNAL, readElectionFileInWorker, type ElectionFileRead } from './electionFileWorker.ts';
import type { AppContext } from './context.ts';
import { ApiError, MAX_EML_BYTES } from './http.ts';

export interface EmlReaders {
  /** The definition read and checked (`checkElectionDefinition`). */
  readElectionDefinition(bytes: Buffer): Promise<Result<ElectionDefinition>>;
  /** The same with the file's hash code (a preview; the hash is reported after the definition's own problems). */
  readElectionDefinitionWithHash(bytes: Buffer): Promise<Result<ReadWithHash<ElectionDefinition>>>;
  readCandidateLists(bytes: Buffer): Promise<Result<CandidateLists>>;
  /** The candidate lists with the file's hash code (a preview). */
  readCandidateListsWithHash(bytes: Buffer): Promise<Result<ReadWithHash<CandidateLists>>>;
  checkCandidateListsMatch(def: ElectionDefinition, kieskringNumber: number, lists: CandidateLists): Result<unknown>;
}

/** A file's value with its hash code (a Result of its own: a preview reports it after the value's problems). */
export interface ReadWithHash<T> {
  readonly value: T;
  readonly hash: Result<EmlHash>;
}

const valueOf = <T>(r: Result<ElectionFileRead<T>>): Result<T> => (r.ok ? ok(r.value.value) : r);

function withHash<T>(r: Result<ElectionFileRead<T>>): Result<ReadWithHash<T>> {
  if (!r.ok) return r;
  if (r.value.hash === null) throw new Error('the election file was read without the hash code asked for');
  return ok({ value: r.value.value, hash: r.value.hash });
}

const readers: EmlReaders = {
  readElectionDefinition: async (bytes) => valueOf(await readElectionFileInWorker({ kind: '110a', bytes, withHash: false, maxBytes: MAX_EML_BYTES })),
  readElectionDefinitionWithHash: async (bytes) => withHash(await readElectionFileInWorker({ kind: '110a', bytes, withHash: true, maxBytes: MAX_EML_BYTES })),
  readCandidateLists: async (bytes) => valueOf(await readElectionFileInWorker({ kind: '230b', bytes, withHash: false, maxBytes: MAX_EML_BYTES })),
  readCandidateListsWithHash: async (bytes) => withHash(await readElectionFileInWorker({ kind: '230b', bytes, withHash: true, maxBytes: MAX_EML_BYTES })),
  checkCandidateListsMatch,
};

export async function emlReaders(): Promise<EmlReaders> {
  return readers;
}

/**
 * The answer to a file that cannot be read: 422 with the reader's message, or 500 when the reading
 * itself failed (ELECTION_FILE_INTERNAL: the worker died, or the reader threw), logged with its detail.
 */
export function unreadable(ctx: Pick<AppContext, 'log'>, failure: Failure): ApiError {
  if (failure.code !== ELECTION_FILE_INTERNAL.code) return ApiError.from(422, failure);
  ctx.log.error({ detail: failure.detail }, 'verkiezingsbestand niet gelezen door een interne fout');
  return ApiError.from(500, failure);
}
