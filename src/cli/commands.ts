/**
 * The `uitslag` command line: serve, hash, keygen, sign, verify, seats, result.
 * Exit codes: 0 ok, 1 failure (with a Dutch reason on stderr), 2 usage error, 3 lots must be drawn.
 * The clock and randomness are injected (`CliEnv`) so the commands are testable in-process;
 * src/cli/main.ts wires the real ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
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
import { amsterdamWallClock } from '../transfer/wallClock.ts';
import { readElectionDefinition } from '../eml/eml110a.ts';
import { computeResult, resultFileNames } from './resultCommand.ts';
import { allocateRegion, categoryOfFileType, formatRegion, parseSeatsFile, typeFromFileName } from './seatsFile.ts';

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
/** The law leaves a tie: lots must be drawn (seats, result). */
export const EXIT_LOTS = 3;

class UsageError extends Error {}

const GENERAL_HELP = `${programString()} - uitslagvaststelling (OSV2020-U) voor hoofdstembureaus en gemeenten

Gebruik: uitslag <opdracht> [opties]

Opdrachten:
  serve    de applicatie starten (webserver)
  hash     de hashcode van een bestand tonen
  keygen   een sleutelpaar en publieke sleutel (certificaat) maken
  sign     een .eml.xml ondertekenen en in een overdrachtszip zetten
  verify   de handtekening in een overdrachtszip controleren
  seats    de zetelverdeling berekenen uit stemmen per partij (CSV)
  result   de uitslag (zetels en gekozen kandidaten) berekenen uit de EML-bestanden

"uitslag <opdracht> --help" toont de opties van een opdracht.
Afsluitcodes: 0 gelukt, 1 mislukt (reden op stderr), 2 verkeerd gebruik, 3 loting nodig.
`;

const HELP: Record<string, string> = {
  serve: `Gebruik: uitslag serve [--data MAP] [--port N] [--host H] [--no-tls] [--allowed-host NAAM] [--admin-password-file BESTAND] [--oefenen]

Start de applicatie via HTTPS. Bij de eerste start wordt een certificaat voor deze installatie
gemaakt (in MAP/tls); de server toont de adressen en de vingerafdruk (SHA-256) van het certificaat.
Laat iedereen die inlogt in de browser controleren dat het certificaat die vingerafdruk heeft.
  --data MAP                   gegevensmap (standaard ./data)
  --port N                     poort (standaard 20023)
  --host H                     adres om op te luisteren (standaard 0.0.0.0: bereikbaar in het lokale netwerk;
                               met --no-tls standaard 127.0.0.1: alleen deze computer)
  --no-tls                     gewone HTTP zonder versleuteling, alleen voor gebruik op deze computer
  --allowed-host NAAM          nog een naam waaronder de server bereikbaar is (naast de computernaam en
                               de IP-adressen); mag vaker worden gegeven
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
  seats: `Gebruik: uitslag seats BESTAND.csv [--type SOORT] [--seats N]

Berekent de zetelverdeling (Kieswet P 5-P 10) per regio uit de stemmen per partij en toont
hetzelfde bestand met AantalZetels ingevuld (geen zetels: leeg, of 0 waar het bestand 0 heeft). Indeling als de uitslagen van
verkiezingsuitslagen.nl: ";"-gescheiden, kop "Regio;Code;Type;Partij;AantalStemmen;AantalZetels;"
(lijsten zijn de regels met Type Partij) of "Gemeente;Code;AmsterdamseCode;Partij;AantalStemmen;AantalZetels;"
(één blok per gemeente). Een optioneel zevende veld is het aantal kandidaten van de lijst.
  --type SOORT   TK, EP, PS, WS (of AB), GR of ER; standaard uit de bestandsnaam
                 uitslag_<SOORT><JJJJMMDD>_<naam>.csv
  --seats N      aantal zetels van elke regio; standaard de som van AantalZetels in het bestand
Is voor een regio een loting nodig, dan volgt op haar regels
"<Regio>;<Code>;Loting;<Partij>|<Partij>...;;<aantal zetels in de loting>;" en is de afsluitcode 3.
Wijkt de berekening af van AantalZetels in het bestand, dan meldt stderr dat per regio.
`,
  result: `Gebruik: uitslag result --definition 110A --candidate-lists MAP --counts BESTAND... --out MAP [--created-at TIJD] [--count-created-at TIJD]

Berekent de uitslag van een verkiezing met kieskringen (Tweede Kamer) zoals het centraal stembureau:
de zetelverdeling (Kieswet P 5-P 10) en de gekozen kandidaten (P 12-P 18). Schrijft
Totaaltelling_<ID>.eml.xml (EML 510d) en Resultaat_<ID>.eml.xml (EML 520) in de map van --out en
toont de zetels en de gekozen kandidaten.
  --definition 110A        de verkiezingsdefinitie (EML 110a)
  --candidate-lists MAP    map met de kandidatenlijsten van alle kieskringen (EML 230b; andere bestanden
                           worden overgeslagen)
  --counts BESTAND...      een totaaltelling (EML 510d) of de tellingen van de kieskringen (EML 510c);
                           meer bestanden mogen ook achter de opties staan
  --out MAP                map voor de bestanden; bestaande bestanden worden nooit overschreven
  --created-at TIJD        kr:CreationDateTime (JJJJ-MM-DDTUU:MM:SS.mmm); standaard nu (Nederlandse tijd)
  --count-created-at TIJD  een andere kr:CreationDateTime voor de totaaltelling (510d)
Afsluitcode 3 als een loting nodig is; de melding noemt tussen welke lijsten of kandidaten.
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
    'no-tls': { type: 'boolean' },
    'allowed-host': { type: 'string', multiple: true },
    'admin-password-file': { type: 'string' },
    oefenen: { type: 'boolean' },
  });
  if (values.help) return help(env, 'serve');
  if (positionals.length) throw new UsageError(`Onverwacht argument: ${positionals[0]}.`);
  const portText = str(values, 'port') ?? '20023';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`Ongeldige poort: ${portText}.`);
  const adminPasswordFile = str(values, 'admin-password-file');
  const noTls = values['no-tls'] === true;
  const extraHosts = ((values['allowed-host'] ?? []) as string[]).map((h) => h.trim()).filter((h) => h !== '');
  for (const h of extraHosts) if (!/^[A-Za-z0-9.:-]+$/.test(h)) throw new UsageError(`Ongeldige naam voor --allowed-host: ${h}.`);
  // Listen for Ctrl+C / SIGTERM before the (slow) start, so an early stop request still closes cleanly.
  const stopped = env.untilStopped();
  const { startServer, StartupError } = await import('../server/main.ts');
  let server;
  try {
    server = await startServer({
      dataDir: str(values, 'data') ?? './data',
      port: Number(portText),
      host: str(values, 'host') ?? (noTls ? '127.0.0.1' : '0.0.0.0'),
      tls: !noTls,
      print: env.stdout,
      allowedHosts: extraHosts,
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

async function cmdSeats(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, { type: { type: 'string' }, seats: { type: 'string' } });
  if (values.help) return help(env, 'seats');
  if (positionals.length !== 1) throw new UsageError('Geef precies één CSV-bestand op.');
  const file = positionals[0]!;
  const typeText = str(values, 'type');
  let category: string;
  if (typeText !== undefined) {
    if (!/^(TK|EP|PS|WS|AB|GR|ER)$/.test(typeText)) throw new UsageError(`Onbekende verkiezingssoort: ${typeText} (TK, EP, PS, WS, AB, GR of ER).`);
    category = categoryOfFileType(typeText);
  } else {
    const t = typeFromFileName(path.basename(file));
    if (t === null) {
      throw new UsageError(`De verkiezingssoort volgt niet uit de bestandsnaam (uitslag_<SOORT><JJJJMMDD>_<naam>.csv); geef --type op.`);
    }
    category = t.category;
  }
  const seatsText = str(values, 'seats');
  if (seatsText !== undefined && !/^[1-9]\d{0,4}$/.test(seatsText)) throw new UsageError(`Ongeldig aantal zetels: ${seatsText}.`);
  const parsed = parseSeatsFile((await readInput(file)).toString('utf8'));
  if (!parsed.ok) throw new CliFailure(`${file}: ${parsed.message}`);
  let out = parsed.value.header + '\n';
  let lots = false;
  for (const region of parsed.value.regions) {
    const r = allocateRegion(region, category, seatsText === undefined ? null : Number(seatsText));
    if (r.kind === 'failed') throw new CliFailure(`${file}: ${r.message}`);
    if (r.kind === 'lots') {
      lots = true;
      env.stderr(`${region.name} (${region.code}): loting nodig tussen ${r.lot.between.join(', ')} om ${r.lot.seats} ${r.lot.seats === 1 ? 'zetel' : 'zetels'}.\n`);
    } else if (region.lines.some((l) => l.seats !== null)) {
      const computed = new Map(r.allocation.lists.map((l) => [l.id, l.seats]));
      const diffs = region.lines
        .filter((l) => l.isList && (l.seats ?? 0) !== computed.get(l.fields[3]!))
        .map((l) => `${l.fields[3]} ${l.seats ?? 0} -> ${computed.get(l.fields[3]!)}`);
      if (diffs.length) env.stderr(`let op: ${region.name} (${region.code}) wijkt af van AantalZetels in het bestand: ${diffs.join('; ')}.\n`);
    }
    out += formatRegion(region, r);
  }
  env.stdout(out);
  return lots ? EXIT_LOTS : EXIT_OK;
}

/** 'yyyy-mm-ddThh:mm:ss.mmm' in Dutch local time, the form of kr:CreationDateTime. */
function creationDateTime(instant: Date): string {
  const t = amsterdamWallClock(instant);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}.${String(instant.getUTCMilliseconds()).padStart(3, '0')}`;
}

async function cmdResult(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(args, {
    definition: { type: 'string' },
    'candidate-lists': { type: 'string' },
    counts: { type: 'string', multiple: true },
    out: { type: 'string' },
    'created-at': { type: 'string' },
    'count-created-at': { type: 'string' },
  });
  if (values.help) return help(env, 'result');
  const definition = required(values, 'definition');
  const folder = required(values, 'candidate-lists');
  const out = required(values, 'out');
  const countFiles = [...((values.counts as string[] | undefined) ?? []), ...positionals];
  if (countFiles.length === 0) throw new UsageError('Optie --counts is verplicht.');
  const createdAt = str(values, 'created-at') ?? creationDateTime(env.now());
  const countCreatedAt = str(values, 'count-created-at') ?? createdAt;
  for (const [option, v] of [['created-at', createdAt], ['count-created-at', countCreatedAt]] as const) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/.test(v)) throw new UsageError(`Ongeldige --${option}: ${v} (JJJJ-MM-DDTUU:MM:SS.mmm).`);
  }
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.xml')).sort();
  } catch (e) {
    throw new CliFailure(`De map ${folder} kan niet worden gelezen: ${(e as Error).message}`);
  }
  const definitionBytes = await readInput(definition);
  // Refuse to overwrite before the (long) computation; the names follow from the election id.
  const def = readElectionDefinition(definitionBytes);
  if (!def.ok) throw new CliFailure(`${definition}: ${def.message}`);
  for (const name of resultFileNames(def.value.id)) {
    const p = path.join(out, name);
    if (await exists(p)) throw new CliFailure(`${p} bestaat al en wordt niet overschreven.`);
  }
  const r = await computeResult({
    definition: { name: definition, bytes: definitionBytes },
    folder: await Promise.all(names.map(async (n) => ({ name: n, bytes: await readInput(path.join(folder, n)) }))),
    counts: await Promise.all(countFiles.map(async (f) => ({ name: f, bytes: await readInput(f) }))),
    createdAt,
    countCreatedAt,
  });
  if (!r.ok) throw new CliFailure(r.message);
  if (r.value.kind === 'lots') {
    env.stderr(r.value.report);
    return EXIT_LOTS;
  }
  await mkdir(out, { recursive: true });
  for (const f of r.value.files) {
    const p = path.join(out, f.name);
    if (await exists(p)) throw new CliFailure(`${p} bestaat al en wordt niet overschreven.`);
  }
  for (const f of r.value.files) {
    try {
      await writeFile(path.join(out, f.name), f.bytes, { flag: 'wx' });
    } catch (e) {
      throw new CliFailure(`${path.join(out, f.name)} kan niet worden geschreven: ${(e as Error).message}`);
    }
  }
  env.stdout(r.value.report + '\n' + r.value.files.map((f) => `geschreven: ${path.join(out, f.name)}\n`).join(''));
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
  seats: cmdSeats,
  result: cmdResult,
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
