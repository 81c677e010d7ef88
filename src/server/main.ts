import { randomBytes, randomInt } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { checkPasswordPolicy } from '../domain/passwords.ts';
import { buildApp } from './app.ts';
import { SYSTEM_ACTOR, writeAudit } from './audit.ts';
import { DEFAULT_CONFIG, type AppContext, type RandomSource, type ServerConfig, type TestHooks } from './context.ts';
import { openDatabase, StartupError, type Db } from './db/database.ts';
import { stopRenderWorker } from './documents.ts';
import { anchorAudit, baselineLegacyUnits, startupCheck } from './integrity.ts';
import { prestartPhaseWorkers } from './phaseWorkers.ts';
import { scryptHasher, type PasswordHasher } from './password-hash.ts';
import { insertInstance, insertUser, instanceExists } from './store/users.ts';
import { hostAllowList, loadOrCreateTls, serverUrls, type TlsMaterial } from './tls.ts';
import { purgeExpiredUploads } from './uploads.ts';

export { buildApp } from './app.ts';
export { StartupError } from './db/database.ts';

export interface StartServerOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  /** File with the initial admin password (then it is not printed). */
  readonly adminPasswordFile?: string;
  readonly clock?: () => Date;
  readonly random?: RandomSource;
  readonly idleTimeoutSeconds?: number;
  /** Suppress the startup line on stdout (the one-time admin password is still printed). */
  readonly quiet?: boolean;
  /** Where terminal output goes (default process.stdout). */
  readonly print?: (text: string) => void;
  /** Password hasher (default scrypt); tests may wrap it to count calls. */
  readonly hasher?: PasswordHasher;
  /** Folder with the built UI (default dist/ui). */
  readonly uiDir?: string;
  /** Further configuration overrides (throttling, session lifetime). */
  readonly config?: Partial<ServerConfig>;
  /** Tests only. */
  readonly testHooks?: TestHooks;
  /**
   * Serve HTTPS with the installation's own certificate (`<data>/tls/`, made on the first start)
   * and Secure cookies. `uitslag serve` does this unless `--no-tls`; default false here.
   */
  readonly tls?: boolean;
  /** Host names besides the machine's own names and addresses that requests may be addressed to. */
  readonly allowedHosts?: readonly string[];
  /**
   * Start the worker thread of the phase ahead of use (default true; src/server/phaseWorkers.ts): the
   * render worker at start in phase 3 and whenever phase 3 is entered, so documents do not wait for a
   * thread to start and Typst to load. Otherwise it starts at the first render.
   */
  readonly startRenderWorker?: boolean;
}

export interface RunningServer {
  readonly url: string;
  /** Every URL printed at start (LAN addresses first). */
  readonly urls: readonly string[];
  readonly port: number;
  /** SHA-256 fingerprint of the HTTPS certificate (null without TLS). */
  readonly fingerprint: string | null;
  /** The HTTPS certificate (PEM), for clients that must trust it (null without TLS). */
  readonly certificatePem: string | null;
  close(): Promise<void>;
}

export const DB_FILE = 'uitslag.sqlite';

const UPLOAD_PURGE_INTERVAL_MS = 10 * 60 * 1000;

const secureRandom: RandomSource = { randomInt: (max) => randomInt(max), randomBytes: (n) => randomBytes(n) };

function programVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Create the data directory layout; refuse clearly when it is not writable. */
function prepareDataDir(dataDir: string): { logsDir: string; keysDir: string } {
  const logsDir = path.join(dataDir, 'logs');
  const keysDir = path.join(dataDir, 'keys');
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
    const probe = path.join(dataDir, `.schrijftest-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    mkdirSync(logsDir, { recursive: true });
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new StartupError(
      `De gegevensmap ${dataDir} is niet beschrijfbaar; de server start niet. Kies een andere map of pas de rechten aan. (${(e as Error).message})`,
    );
  }
  return { logsDir, keysDir };
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

export function generateInitialPassword(random: RandomSource): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += PASSWORD_ALPHABET[random.randomInt(PASSWORD_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

function passwordBanner(password: string): string {
  const lines = [
    'EENMALIG WACHTWOORD VOOR DE BEHEERDER',
    '',
    `Gebruikersnaam: admin`,
    `Wachtwoord:     ${password}`,
    '',
    'Dit wachtwoord wordt maar één keer getoond. Noteer het en wijzig',
    'het bij de eerste keer inloggen.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '='.repeat(width);
  return ['', bar, ...lines.map((l) => `  ${l}`), bar, ''].join('\n') + '\n';
}

/** First start: instance row and user admin. Returns the password to print, or null. */
async function initialise(
  db: Db,
  now: Date,
  hasher: PasswordHasher,
  random: RandomSource,
  adminPasswordFile: string | undefined,
): Promise<string | null> {
  if (instanceExists(db)) return null;
  let password: string;
  let fromFile = false;
  if (adminPasswordFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(adminPasswordFile, 'utf8');
    } catch (e) {
      throw new StartupError(`Het wachtwoordbestand ${adminPasswordFile} kan niet worden gelezen. (${(e as Error).message})`);
    }
    password = text.replace(/\r?\n$/, '');
    const policy = checkPasswordPolicy('admin', password);
    if (!policy.ok) throw new StartupError(`Het wachtwoord in ${adminPasswordFile} is niet toegestaan: ${policy.message}`);
    fromFile = true;
  } else {
    password = generateInitialPassword(random);
  }
  const hash = await hasher.hash(password);
  db.transaction(() => {
    insertInstance(db, now.toISOString());
    const userId = insertUser(db, { username: 'admin', fullName: 'Beheerder', role: 'beheerder', passwordHash: hash, createdAt: now.toISOString() });
    writeAudit(db, now, SYSTEM_ACTOR, 'installation.create', {});
    writeAudit(db, now, SYSTEM_ACTOR, 'user.create', {
      userId,
      username: 'admin',
      role: 'beheerder',
      passwordSource: fromFile ? 'file' : 'printed',
    });
  })();
  return fromFile ? null : password;
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const dataDir = path.resolve(opts.dataDir);
  const clock = opts.clock ?? (() => new Date());
  const random = opts.random ?? secureRandom;
  const hasher = opts.hasher ?? scryptHasher();
  const print = opts.print ?? ((text: string) => void process.stdout.write(text));
  const { logsDir, keysDir } = prepareDataDir(dataDir);

  const destination = pino.destination({ dest: path.join(logsDir, 'uitslag.log'), sync: true, mkdir: true });
  const log = pino({ level: 'info', timestamp: pino.stdTimeFunctions.isoTime }, destination);

  let tls: TlsMaterial | null = null;
  try {
    if (opts.tls) tls = loadOrCreateTls(dataDir, clock(), random);
  } catch (e) {
    destination.destroy();
    throw new StartupError(`Het certificaat voor HTTPS kon niet worden gemaakt of gelezen in ${path.join(dataDir, 'tls')}. (${(e as Error).message})`);
  }

  let db: Db;
  try {
    db = openDatabase(path.join(dataDir, DB_FILE));
  } catch (e) {
    destination.destroy();
    throw e;
  }
  let app;
  let purgeTimer: NodeJS.Timeout | undefined;
  try {
    const printedPassword = await initialise(db, clock(), hasher, random, opts.adminPasswordFile);
    const ctx: AppContext = {
      db,
      clock,
      random,
      hasher,
      config: {
        ...DEFAULT_CONFIG,
        ...(opts.config ?? {}),
        ...(opts.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: opts.idleTimeoutSeconds } : {}),
      },
      dataDir,
      keysDir,
      log,
      version: programVersion(),
      dummyHash: await hasher.hash(random.randomBytes(18).toString('base64')),
      secureCookies: tls !== null,
      keyGenerationRunning: false,
      ...(opts.testHooks ? { testHooks: opts.testHooks } : {}),
    };
    // Tampering shows (integrity.ts): the chain against its anchor, complete units and documents against the chain.
    const baselined = baselineLegacyUnits(ctx, clock());
    if (baselined > 0) log.info({ units: baselined }, 'hashes van eerder afgeronde invoer vastgelegd in het auditlog');
    const problems = startupCheck(ctx);
    if (problems.length > 0) {
      log.error({ problems }, 'controle bij het starten: de gegevens zijn buiten het programma om gewijzigd');
      print(
        `\nLET OP: de controle bij het starten vond wijzigingen buiten het programma om. Er worden geen bestanden gemaakt tot dit is opgehelderd.\n${problems.map((p) => `- ${p.message}`).join('\n')}\n\n`,
      );
    }
    anchorAudit(ctx, clock());
    // Staged uploads are purged at start and every 10 minutes, not only at the next upload.
    purgeExpiredUploads(ctx, clock());
    purgeTimer = setInterval(() => {
      try {
        purgeExpiredUploads(ctx, clock());
      } catch (err) {
        log.error({ err }, 'opruimen van uploads mislukt');
      }
    }, UPLOAD_PURGE_INTERVAL_MS);
    purgeTimer.unref();
    app = await buildApp(ctx, {
      ...(opts.uiDir !== undefined ? { uiDir: opts.uiDir } : {}),
      ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
      hostAllowed: hostAllowList(opts.host, opts.allowedHosts ?? []),
    });
    if (opts.startRenderWorker !== false) prestartPhaseWorkers(ctx);
    await app.listen({ port: opts.port, host: opts.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    const urls = serverUrls(tls ? 'https' : 'http', opts.host, port);
    const url = urls[0]!;
    const loopbackUrl = urls.find((u) => u.includes('//127.0.0.1:') || u.includes('//[::1]:')) ?? url;
    log.info({ urls, dataDir, tls: tls !== null, fingerprint: tls?.fingerprint }, 'server gestart');
    if (printedPassword !== null) print(passwordBanner(printedPassword));
    if (!opts.quiet) {
      print(`uitslag ${ctx.version} draait op ${url} (gegevensmap ${dataDir})\n`);
      if (urls.length > 1) print(`Ook bereikbaar op: ${urls.slice(1).join(', ')}\n`);
      if (tls) {
        print(
          `${tls.created ? 'Nieuw certificaat' : 'Certificaat'} van deze installatie: ${tls.certFile}\n` +
            `Vingerafdruk (SHA-256): ${tls.fingerprint}\n` +
            'Laat iedereen die inlogt in de browser controleren dat het certificaat deze vingerafdruk heeft.\n',
        );
      } else {
        print('Let op: zonder TLS (--no-tls) gaan wachtwoorden onversleuteld over het netwerk; alleen voor gebruik op deze computer.\n');
      }
    }
    const running = app;
    return {
      url: loopbackUrl,
      urls,
      port,
      fingerprint: tls?.fingerprint ?? null,
      certificatePem: tls?.cert ?? null,
      async close() {
        clearInterval(purgeTimer);
        await running.close();
        await stopRenderWorker();
        db.close();
        // Work still finishing after the close (a late TLS error, a worker's answer) must not write to
        // the ended log file ("SonicBoom destroyed"): from here the logger drops everything.
        log.level = 'silent';
        destination.flushSync();
        destination.end();
      },
    };
  } catch (e) {
    clearInterval(purgeTimer);
    if (app) await app.close().catch(() => undefined);
    db.close();
    destination.destroy();
    if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(`Poort ${opts.port} is al in gebruik; kies een andere poort.`);
    }
    throw e;
  }
}
