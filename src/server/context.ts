import type { Logger } from 'pino';
import type { Db } from './db/database.ts';
import type { PasswordHasher } from './password-hash.ts';

export interface RandomSource {
  /** Cryptographically secure uniform integer in [0, max). */
  randomInt(max: number): number;
  randomBytes(n: number): Buffer;
}

export interface ServerConfig {
  readonly idleTimeoutSeconds: number;
  readonly maxSessionSeconds: number;
  /** Upload staging lifetime. */
  readonly uploadTtlSeconds: number;
  /** Failures per user name before throttling starts. */
  readonly throttleFreeFailures: number;
  /** Failures per remote address (over all user names) before throttling starts. */
  readonly throttleFreeFailuresPerAddress: number;
  /** The first wait; it doubles with every further failure up to the maximum. */
  readonly throttleBaseSeconds: number;
  readonly throttleMaxSeconds: number;
  /** Largest EML accepted inside a municipality's count zip (phase 2 import). */
  readonly countEmlMaxBytes: number;
  /** `serve --oefenen`: every election created here is a practice run ("OEFENING"). */
  readonly practiceOnly: boolean;
}

export const DEFAULT_CONFIG: ServerConfig = {
  idleTimeoutSeconds: 15 * 60,
  maxSessionSeconds: 12 * 60 * 60,
  uploadTtlSeconds: 60 * 60,
  throttleFreeFailures: 4,
  throttleFreeFailuresPerAddress: 10,
  throttleBaseSeconds: 30,
  throttleMaxSeconds: 15 * 60,
  countEmlMaxBytes: 160 * 1024 * 1024,
  practiceOnly: false,
};

/** Points where a test can wait (never set in production). */
export interface TestHooks {
  /** Awaited after the final documents are rendered and before they are stored (tests race changes against it). */
  readonly documentsRendered?: () => Promise<void>;
  /** Awaited after a count file is read (the import worker's result) and before its checks (tests hold an import job there). */
  readonly countFileRead?: () => Promise<void>;
  /** Every JSON answer of a route with a `response` schema is checked against it; a mismatch is a 500 (a bug). */
  readonly checkResponses?: boolean;
}

/** Everything a route handler may use; no globals. */
export interface AppContext {
  readonly db: Db;
  readonly clock: () => Date;
  readonly random: RandomSource;
  readonly hasher: PasswordHasher;
  readonly config: ServerConfig;
  readonly dataDir: string;
  readonly keysDir: string;
  readonly log: Logger;
  readonly version: string;
  /** A stored hash for a password nobody has: verified against for unknown users (equal timing). */
  readonly dummyHash: string;
  /** Served over HTTPS: the session cookie gets the Secure attribute. */
  readonly secureCookies: boolean;
  /** In-progress key generation (one at a time). */
  keyGenerationRunning: boolean;
  readonly testHooks?: TestHooks;
}
