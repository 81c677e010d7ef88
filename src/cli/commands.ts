/**
 * The `uitslag` command line: serve, hash, keygen, sign, verify.
 * Exit codes: 0 ok, 1 failure (with a Dutch reason on stderr), 2 usage error.
 * The clock and randomness are injected (`CliEnv`) so the commands are testable in-process;
 * src/cli/main.ts wires the real ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatHash } from '../domain/hashcode.ts';
import { emlHash } from '../eml/hash.ts';
import {
  certificateFileName,
  certificateValidity,
  createSelfSignedCertificate,
  hsbSubject,
  municipalitySubject,
  parseCertificate,
  privateKeyFileName,
  programString,
  subjectText,
  type CertificateInfo,
} from '../crypto/certificate.ts';
import { keyMatchesCertificate, signDetached, verifyDetached } from '../crypto/cms.ts';
import { generateRsaKeyPair, writePrivateKey } from '../crypto/keys.ts';
import { readTransferZip, SIGNATURE_SUFFIX, writeTransferZip } from '../transfer/zip.ts';

export interface CliEnv {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => Date;
  readonly randomBytes: (n: number) => Buffer;
  /** Resolves when the process is asked to stop (serve only). */
  readonly untilStopped: () => Promise<void>;
}

export function defaultEnv(): CliEnv {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    now: () => new Date(),
    randomBytes: (n) => randomBytes(n),
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

const GENERAL_HELP = `${programString()} - uitslagvaststelling (OSV2020-U) voor hoofdstembureaus en gemeenten

Gebruik: uitslag <opdracht> [opties]

Opdrachten:
  serve    de applicatie starten (webserver)
  hash     de hashcode van een bestand tonen
  keygen   een sleutelpaar en publieke sleutel (certificaat) maken
  sign     een .eml.xml ondertekenen en in een overdrachtszip zetten
  verify   de handtekening in een overdrachtszip controleren

"uitslag <opdracht> --help" toont de opties van een opdracht.
Afsluitcodes: 0 gelukt, 1 mislukt (reden op stderr), 2 verkeerd gebruik.
`;

const HELP: Record<string, string> = {
  serve: `Gebruik: uitslag serve [--data MAP] [--port N] [--host H] [--admin-password-file BESTAND] [--oefenen]

Start de applicatie.
  --data MAP                   gegevensmap (standaard ./data)
  --port N                     poort (standaard 20023)
  --host H                     adres om op te luisteren (standaard 0.0.0.0: bereikbaar in het lokale netwerk;
                               gebruik 127.0.0.1 voor alleen deze computer)
  --admin-password-file F      bestand met het eerste wachtwoord van admin (anders wordt het eenmalig getoond)
  --oefenen                    oefenen: elke verkiezing die hier wordt aangemaakt is een oefening (OEFENING)
Stoppen met Ctrl+C.
`,
  hash: `Gebruik: uitslag hash BESTAND

Toont de hashcode (SHA-256, 16 groepen van 4 tekens) van het bestand. Bestanden met
ds:CanonicalizationMethod worden over hun canonieke vorm (C14N) gehasht.
`,
  keygen: `Gebruik: uitslag keygen --election ID (--authority CODE | --hsb N) --name NAAM --election-date JJJJ-MM-DD --out MAP

Maakt een RSA-4096-sleutelpaar en een zelfondertekend certificaat (de publieke sleutel).
  --election ID            verkiezing, bijvoorbeeld TK2021 (wordt O= in het certificaat)
  --authority CODE         4-cijferige gemeentecode, bijvoorbeeld 0193 (UID=PSB0193)
  --hsb N                  of: nummer van de kieskring voor een hoofdstembureau (UID=HSB4)
  --name NAAM              naam van de gemeente of de kieskring, bijvoorbeeld Zwolle
  --election-date DATUM    verkiezingsdatum (JJJJ-MM-DD); het certificaat is geldig tot deze datum + 3 maanden
                           (de datum staat in de verkiezingsdefinitie, EML 110a)
  --out MAP                map voor de bestanden; bestaande bestanden worden nooit overschreven
Schrijft private_key_uitslag_<id>-<soort>_<naam>.pem (modus 0600, blijft bij u) en
public_key_uitslag_<id>-<soort>_<naam>.crt (de publieke sleutel, voor het hoofdstembureau).
`,
  sign: `Gebruik: uitslag sign --key SLEUTEL.pem --cert CERTIFICAAT.crt BESTAND.eml.xml [--out ZIP]

Ondertekent het bestand (losse CMS-handtekening, SHA-256 met RSA) en schrijft de overdrachtszip
met BESTAND.eml.xml en BESTAND.eml.xml.signature. Standaard heet de zip als het bestand met .zip
in plaats van .eml.xml, in de huidige map. Een bestaande zip wordt niet overschreven.
`,
  verify: `Gebruik: uitslag verify ZIP --cert CERTIFICAAT.crt

Controleert de overdrachtszip (veilige inhoud, precies .eml.xml + .signature) en de handtekening
tegen het opgegeven certificaat (niet tegen het certificaat in de handtekening). Bij succes:
afsluitcode 0, "geldig" en de hashcode; anders afsluitcode 1 met de reden.
`,
};

function parse(args: string[], options: ParseArgsConfig['options']): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const m = /'(--?[^']+)'/.exec(err.message);
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`Onbekende optie ${m?.[1] ?? ''}.`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`Optie ${m?.[1] ?? ''} heeft een waarde nodig.`);
    throw new UsageError(err.message);
  }
}

function str(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function required(values: Record<string, unknown>, name: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new UsageError(`Optie --${name} is verplicht.`);
  return v;
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliFailure(`Bestand niet gevonden: ${file}`);
    if (code === 'EISDIR') throw new CliFailure(`${file} is een map, geen bestand.`);
    throw new CliFailure(`Bestand ${file} kan niet worden gelezen: ${(e as Error).message}`);
  }
}

class CliFailure extends Error {}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

async function cmdHash(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return help(env, 'hash');
  if (positionals.length !== 1) throw new UsageError('Geef precies één bestand op.');
  const bytes = await readInput(positionals[0]!);
  const h = emlHash(bytes);
  if (!h.ok) throw new CliFailure(h.message);
  env.stdout(`${formatHash(h.value.hex)}\n`);
  return EXIT_OK;
}

async function cmdKeygen(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, {
    election: { type: 'string' },
    authority: { type: 'string' },
    hsb: { type: 'string' },
    name: { type: 'string' },
    'election-date': { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return help(env, 'keygen');
  if (positionals.length) throw new UsageError(`Onverwacht argument: ${positionals[0]}.`);
  const electionId = required(values, 'election');
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(electionId)) throw new UsageError(`Ongeldige verkiezing: ${electionId}.`);
  const name = required(values, 'name');
  const out = required(values, 'out');
  const electionDate = required(values, 'election-date');
  const authority = str(values, 'authority');
  const hsb = str(values, 'hsb');
  if ((authority === undefined) === (hsb === undefined)) {
    throw new UsageError('Geef --authority (gemeentecode) of --hsb (kieskringnummer) op, niet allebei.');
  }
  let subject;
  let kind: 'gemeente' | 'hoofdstembureau';
  if (authority !== undefined) {
    if (!/^\d{4}$/.test(authority)) throw new UsageError(`De gemeentecode heeft 4 cijfers, bijvoorbeeld 0193 (gevonden: ${authority}).`);
    subject = municipalitySubject({ electionId, code: authority, name });
    kind = 'gemeente';
  } else {
    if (!/^[1-9]\d{0,2}$/.test(hsb!)) throw new UsageError(`Ongeldig kieskringnummer: ${hsb}.`);
    subject = hsbSubject({ electionId, kieskringNumber: Number(hsb), name });
    kind = 'hoofdstembureau';
  }
  const validity = certificateValidity(env.now(), electionDate);
  if (!validity.ok) {
    if (validity.code === 'certificate.bad-date') throw new UsageError(validity.message);
    throw new CliFailure(validity.message);
  }
  await mkdir(out, { recursive: true });
  const keyPath = path.join(out, privateKeyFileName({ electionId, kind, name }));
  const certPath = path.join(out, certificateFileName({ electionId, kind, name }));
  for (const p of [keyPath, certPath]) {
    if (await exists(p)) throw new CliFailure(`${p} bestaat al en wordt niet overschreven.`);
  }
  const pair = await generateRsaKeyPair();
  const serial = env.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and exactly 16 bytes
  const pem = createSelfSignedCertificate({ ...pair, subject, ...validity.value, serial });
  const written = await writePrivateKey(keyPath, pair.privateKeyPem);
  if (!written.ok) throw new CliFailure(written.message);
  try {
    await writeFile(certPath, pem, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    throw new CliFailure(`Het certificaat kon niet worden geschreven (${certPath}): ${(e as Error).message}`);
  }
  const info = parseCertificate(pem, env.now());
  if (!info.ok) throw new Error(`own certificate does not parse: ${info.message}`);
  env.stdout(
    `privésleutel:  ${keyPath} (alleen voor u; nooit doorgeven)\n` +
      `certificaat:   ${certPath}\n` +
      `onderwerp:     ${info.value.subjectText}\n` +
      `vingerafdruk:  ${info.value.fingerprint}\n` +
      `geldig tot:    ${info.value.notAfter.toISOString()}\n`,
  );
  return EXIT_OK;
}

async function loadCertificate(file: string, env: CliEnv): Promise<CertificateInfo> {
  const info = parseCertificate(await readInput(file), env.now(), { checkValidity: false });
  if (!info.ok) throw new CliFailure(`${file}: ${info.message}`);
  const now = env.now().getTime();
  if (now > info.value.notAfter.getTime() || now < info.value.notBefore.getTime()) {
    const check = parseCertificate(info.value.pem, env.now());
    if (!check.ok) env.stderr(`let op: ${check.message}\n`);
  }
  return info.value;
}

async function cmdSign(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, {
    key: { type: 'string' },
    cert: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return help(env, 'sign');
  if (positionals.length !== 1) throw new UsageError('Geef precies één .eml.xml-bestand op.');
  const file = positionals[0]!;
  const emlName = path.basename(file);
  if (!emlName.endsWith('.eml.xml')) throw new UsageError(`Het bestand moet op .eml.xml eindigen: ${emlName}.`);
  const keyFile = required(values, 'key');
  const certFile = required(values, 'cert');
  const out = str(values, 'out') ?? emlName.replace(/\.eml\.xml$/, '.zip');
  const content = await readInput(file);
  const cert = await loadCertificate(certFile, env);
  const keyPem = (await readInput(keyFile)).toString('utf8');
  let matches: boolean;
  try {
    matches = keyMatchesCertificate(keyPem, cert.pem);
  } catch (e) {
    throw new CliFailure(`${keyFile} is geen bruikbare privésleutel (PEM): ${(e as Error).message}`);
  }
  if (!matches) throw new CliFailure(`De privésleutel ${keyFile} hoort niet bij het certificaat ${certFile}.`);
  const signature = signDetached(content, keyPem, cert.pem);
  const zip = await writeTransferZip(
    [
      { name: emlName, data: content },
      { name: emlName + SIGNATURE_SUFFIX, data: signature },
    ],
    { mtime: env.now() },
  );
  try {
    await writeFile(out, zip, { flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliFailure(`${out} bestaat al en wordt niet overschreven.`);
    throw new CliFailure(`${out} kan niet worden geschreven: ${(e as Error).message}`);
  }
  const h = emlHash(content);
  env.stdout(`zip:       ${out}\n` + (h.ok ? `hashcode:  ${formatHash(h.value.hex)}\n` : ''));
  return EXIT_OK;
}

async function cmdVerify(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, { cert: { type: 'string' } });
  if (values.help) return help(env, 'verify');
  if (positionals.length !== 1) throw new UsageError('Geef precies één zip-bestand op.');
  const certFile = required(values, 'cert');
  const zipBytes = await readInput(positionals[0]!);
  const cert = await loadCertificate(certFile, env);
  const contents = await readTransferZip(zipBytes);
  if (!contents.ok) throw new CliFailure(`ongeldig: ${contents.message}`);
  const { emlName, eml, signature } = contents.value;
  const verified = verifyDetached(eml, signature, cert.pem);
  if (!verified.ok) throw new CliFailure(`ongeldig: ${verified.message}`);
  if (!verified.value.embeddedMatchesTrusted) {
    env.stderr(
      `let op: het certificaat in de handtekening wijkt af van ${certFile}` +
        (verified.value.embeddedSubject ? ` (${verified.value.embeddedSubject})` : '') +
        '; de handtekening is gecontroleerd met ' +
        `${certFile}.\n`,
    );
  }
  const h = emlHash(eml);
  env.stdout(
    'geldig\n' +
      `bestand:       ${emlName}\n` +
      (h.ok ? `hashcode:      ${formatHash(h.value.hex)}\n` : `hashcode:      (niet te bepalen: ${h.message})\n`) +
      `ondertekenaar: ${subjectText(cert.subject)}\n` +
      `vingerafdruk:  ${cert.fingerprint}\n`,
  );
  return EXIT_OK;
}

async function cmdServe(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, {
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'admin-password-file': { type: 'string' },
    oefenen: { type: 'boolean' },
  });
  if (values.help) return help(env, 'serve');
  if (positionals.length) throw new UsageError(`Onverwacht argument: ${positionals[0]}.`);
  const portText = str(values, 'port') ?? '20023';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`Ongeldige poort: ${portText}.`);
  const adminPasswordFile = str(values, 'admin-password-file');
  // Listen for Ctrl+C / SIGTERM before the (slow) start, so an early stop request still closes cleanly.
  const stopped = env.untilStopped();
  const { startServer, StartupError } = await import('../server/main.ts');
  let server;
  try {
    server = await startServer({
      dataDir: str(values, 'data') ?? './data',
      port: Number(portText),
      host: str(values, 'host') ?? '0.0.0.0',
      ...(adminPasswordFile !== undefined ? { adminPasswordFile } : {}),
      ...(values.oefenen === true ? { config: { practiceOnly: true } } : {}),
    });
  } catch (e) {
    if (e instanceof StartupError) throw new CliFailure(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliFailure(`Poort ${portText} is al in gebruik; kies een andere met --port.`);
    if (code === 'EACCES') throw new CliFailure(`Geen toestemming om op poort ${portText} te luisteren.`);
    throw e;
  }
  await stopped;
  await server.close();
  return EXIT_OK;
}

function help(env: CliEnv, command?: string): number {
  env.stdout(command ? HELP[command]! : GENERAL_HELP);
  return EXIT_OK;
}

const COMMANDS: Record<string, (args: string[], env: CliEnv) => Promise<number>> = {
  serve: cmdServe,
  hash: cmdHash,
  keygen: cmdKeygen,
  sign: cmdSign,
  verify: cmdVerify,
};

/** Run the CLI with the arguments after the program name; returns the exit code. */
export async function runCli(argv: readonly string[], env: CliEnv = defaultEnv()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === 'help' && rest[0] && HELP[rest[0]]) return help(env, rest[0]);
    if (command === undefined) {
      env.stderr(GENERAL_HELP);
      return EXIT_USAGE;
    }
    return help(env);
  }
  if (command === '--version' || command === '-v') {
    env.stdout(`${programString()}\n`);
    return EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    env.stderr(`Onbekende opdracht: ${command}. Zie "uitslag --help".\n`);
    return EXIT_USAGE;
  }
  try {
    return await run(rest, env);
  } catch (e) {
    if (e instanceof UsageError) {
      env.stderr(`${e.message}\nZie "uitslag ${command} --help".\n`);
      return EXIT_USAGE;
    }
    if (e instanceof CliFailure) {
      env.stderr(`${e.message}\n`);
      return EXIT_FAILURE;
    }
    env.stderr(`Onverwachte fout: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}
