/**
 * Guide step 14: the archive package (everything the election touched, with a SHA-256 manifest,
 * ready to burn to CD/DVD) and the confirmed destruction of the election's data after the
 * retention period.
 *
 * Archive layout (paths sorted, so the same data gives the same entries in the same order):
 *   invoer/<110a>, invoer/<230b>              the imported files, as imported
 *   invoer/sleutels/<certificate>.crt         municipality certificates and the own certificate (never the private key)
 *   invoer/steminvoer/historie.json           the append-only entry history (imports with file name, hash, signer)
 *   invoer/steminvoer/<file name>             every count file (zip) the HSB imported, byte for byte; a name imported
 *                                             again gets " (2)", " (3)", … before ".zip", in the order of import
 *   invoer/stembureaus.json                   a gemeente: its polling stations and eligible voters (as set up)
 *   documenten/geldig/set-<n>/<file>          generated documents of the valid set
 *   documenten/vervallen/set-<n>/<file>       generated documents of void sets
 *   logboek/auditlog.csv                      the audit log export
 *   logs/<file>                               the technical log files of <data>/logs
 *   MANIFEST.txt, manifest.json               SHA-256 and size of every file above
 *
 * The erasure of every election table and the file's rebuild are in src/server/store/archive.ts; the
 * documents and the audit log are read through their stores.
 */
import { readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { sha256Hex } from '../eml/hash.ts';
import { fileNamePart } from '../domain/election.ts';
import { retentionEnd } from '../domain/retention.ts';
import { auditCsv, verifyChain, writeAudit, type Actor } from './audit.ts';
import type { AppContext } from './context.ts';
import { ApiError } from './http.ts';
import { anchorAudit, auditHead, auditHeadText, restartAnchor } from './integrity.ts';
import { downloadName, localDateTime } from './documents.ts';
import { electionRow, installation, stemgebiedOf } from './state.ts';
import { allLotRows, csbListFiles, hsbKeyFiles } from './store/csb.ts';
import { candidateListsFileBytes, definitionFile } from './store/election.ts';
import { compactDatabase, eraseElectionTables } from './store/archive.ts';
import { lastAuditRecord } from './store/audit.ts';
import { historyForArchive, importedCountFiles } from './store/counts.ts';
import { documentFilesForArchive } from './store/documents.ts';
import { getOwnKey, listMunicipalityKeys } from './store/keys.ts';
import { setupForArchive } from './store/pollingStations.ts';
import { deleteSessionsExceptUser, setPhase } from './store/users.ts';

export interface ArchiveEntry {
  readonly path: string;
  readonly data: Buffer;
}

export interface ManifestLine {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

function safeName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // (control characters in this pattern on purpose)
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' || clean === '.' || clean === '..' ? 'bestand' : clean;
}

/** Every file of the archive except the manifests, sorted by path. */
export function archiveEntries(ctx: AppContext, logsDir: string): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  const def = definitionFile(ctx.db);
  if (def) out.push({ path: `invoer/${safeName(def.definition_file_name)}`, data: def.definition_bytes });
  const lists = candidateListsFileBytes(ctx.db);
  if (lists) out.push({ path: `invoer/${safeName(lists.file_name)}`, data: lists.bytes });
  for (const k of listMunicipalityKeys(ctx.db)) {
    out.push({ path: `invoer/sleutels/gemeente_${k.code}_${safeName(k.file_name)}`, data: Buffer.from(k.certificate_pem, 'utf8') });
  }
  // The CSB: the candidate lists of every kieskring, the hoofdstembureaus' keys, the lots drawn.
  for (const l of csbListFiles(ctx.db)) {
    out.push({ path: `invoer/kandidatenlijsten/kieskring_${l.kieskring}_${safeName(l.file_name)}`, data: l.bytes });
  }
  for (const k of hsbKeyFiles(ctx.db)) {
    out.push({ path: `invoer/sleutels/hoofdstembureau_${k.kieskring}_${safeName(k.file_name)}`, data: Buffer.from(k.certificate_pem, 'utf8') });
  }
  const lots = allLotRows(ctx.db);
  if (lots.length > 0) out.push({ path: 'invoer/lotingen.json', data: Buffer.from(JSON.stringify(lots, null, 2) + '\n', 'utf8') });
  const own = getOwnKey(ctx.db);
  if (own) out.push({ path: `invoer/sleutels/eigen_${safeName(own.file_name)}`, data: Buffer.from(own.certificate_pem, 'utf8') });
  if (def && installation(ctx).phase1.pollingStations) {
    out.push({
      path: 'invoer/stembureaus.json',
      data: Buffer.from(JSON.stringify(setupForArchive(ctx.db), null, 2) + '\n', 'utf8'),
    });
  }
  out.push(...importedCountFileEntries(ctx));
  const history = historyForArchive(ctx.db);
  if (history.length > 0) out.push({ path: 'invoer/steminvoer/historie.json', data: Buffer.from(JSON.stringify(history, null, 2) + '\n', 'utf8') });
  for (const d of documentFilesForArchive(ctx.db)) {
    const folder = d.voided_at === null ? 'geldig' : 'vervallen';
    out.push({ path: `documenten/${folder}/set-${d.set_id}/${safeName(downloadName(d))}`, data: d.bytes });
  }
  out.push({ path: 'logboek/auditlog.csv', data: Buffer.from(auditCsv(ctx.db), 'utf8') });
  let logFiles: string[] = [];
  try {
    logFiles = readdirSync(logsDir).filter((f) => statSync(path.join(logsDir, f)).isFile());
  } catch {
    logFiles = [];
  }
  for (const f of logFiles) out.push({ path: `logs/${safeName(f)}`, data: readFileSync(path.join(logsDir, f)) });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The imported count zips as archive entries: names deduplicated in the order of import (by id). */
export function importedCountFileEntries(ctx: AppContext): ArchiveEntry[] {
  const rows = importedCountFiles(ctx.db);
  const used = new Set<string>(['historie.json']);
  return rows.map((r) => {
    const name = safeName(r.file_name);
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) {
      const dot = /\.zip$/i.exec(name);
      candidate = dot ? `${name.slice(0, dot.index)} (${n})${name.slice(dot.index)}` : `${name} (${n})`;
    }
    used.add(candidate);
    return { path: `invoer/steminvoer/${candidate}`, data: r.bytes };
  });
}

export function manifestOf(entries: readonly ArchiveEntry[]): ManifestLine[] {
  return entries.map((e) => ({ path: e.path, size: e.data.length, sha256: sha256Hex(e.data) }));
}

/** `sha256sum -c`-compatible lines (two spaces), preceded by comment lines. */
export function manifestText(lines: readonly ManifestLine[], header: readonly string[]): string {
  return [...header.map((h) => `# ${h}`), ...lines.map((l) => `${l.sha256}  ${l.path}`)].join('\n') + '\n';
}

export function zipEntries(entries: readonly ArchiveEntry[], mtime: Date): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const e of entries) zip.addBuffer(e.data, e.path, { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true });
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

export interface BuiltArchive {
  readonly fileName: string;
  readonly zip: Buffer;
  readonly manifest: readonly ManifestLine[];
  readonly manifestHash: string;
}

/** Build the archive and log it (the log record is written before the audit export inside it is taken). */
export async function buildArchive(ctx: AppContext, now: Date, actor: Actor): Promise<BuiltArchive> {
  const e = electionRow(ctx);
  if (!e) throw new ApiError(409, 'election.none', 'Er is nog geen verkiezingsdefinitie geïmporteerd; er is niets te archiveren.');
  const logsDir = path.join(ctx.dataDir, 'logs');
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const area = stemgebiedOf(e);
  let fileName =
    area.category === 'GEMEENTE'
      ? `Archief_${e.election_id}_gemeente_${fileNamePart(area.name)}_${stamp}.zip`
      : `Archief_${e.election_id}_kieskring_${fileNamePart(e.kieskring_name)}_${stamp}.zip`;
  if (e.practice === 1) fileName = `OEFENING_${fileName}`; // practice mode: nothing made in practice passes for the real thing
  ctx.db.transaction(() => {
    writeAudit(ctx.db, now, actor, 'archive.create', { fileName, chain: verifyChain(ctx.db) });
  })();
  // The chain's head (with the archive record above), anchored once more outside the database: the
  // manifest names it, so the archive shows where the audit log stood (integrity.ts).
  const head = auditHead(ctx.db);
  anchorAudit(ctx, now);
  const entries = archiveEntries(ctx, logsDir);
  const manifest = manifestOf(entries);
  const header = [
    area.category === 'GEMEENTE'
      ? `Archief ${e.name} (${e.election_id}), gemeente ${area.code} ${area.name} (kieskring ${e.kieskring_number} ${e.kieskring_name})`
      : `Archief ${e.name} (${e.election_id}), hoofdstembureau kieskring ${e.kieskring_number} ${e.kieskring_name}`,
    `Aangemaakt ${now.toISOString()} door ${actor.username ?? 'systeem'}`,
    'SHA-256 van elk bestand; controleer met: sha256sum -c MANIFEST.txt',
    `Auditlog bij het archiveren: ${auditHeadText(head)}`,
  ];
  const json = Buffer.from(
    JSON.stringify(
      {
        election: e.election_id,
        kieskring: { number: e.kieskring_number, name: e.kieskring_name },
        ...(area.category === 'GEMEENTE' ? { gemeente: { code: area.code, name: area.name } } : {}),
        createdAt: now.toISOString(),
        auditLog: { length: head.length, lastHash: head.hash },
        files: manifest,
      },
      null,
      2,
    ) + '\n',
    'utf8',
  );
  const text = Buffer.from(manifestText(manifest, header), 'utf8');
  const all = [...entries, { path: 'MANIFEST.txt', data: text }, { path: 'manifest.json', data: json }];
  const zip = await zipEntries(all, now);
  return { fileName, zip, manifest, manifestHash: sha256Hex(text) };
}

// ---------------------------------------------------------------------------------------------
// Destruction
// ---------------------------------------------------------------------------------------------

/** The last day of the retention period (yyyy-mm-dd); see src/domain/retention.ts. */
export function retentionDate(electionDate: string): string {
  const end = retentionEnd(electionDate);
  if (end === null) throw new Error(`stored election date is not a date: ${electionDate}`);
  return end;
}

/** Whether `now` is still within a retention period that ends on `lastDay` (yyyy-mm-dd, inclusive), in Dutch calendar days. */
export function withinRetention(now: Date, lastDay: string): boolean {
  return localDateTime(now).slice(0, 10) <= lastDay;
}

export interface DestroyOutcome {
  readonly erased: Record<string, number>;
  readonly keyFilesRemoved: number;
  /** The database file was rebuilt (VACUUM) and the WAL emptied, so no erased row stays in a free page. */
  readonly compacted: boolean;
  /** Log files under <data>/logs emptied (they are in the archive). */
  readonly logFilesCleared: number;
}

/**
 * Erase the election's data in one transaction: every election table (protective triggers are
 * dropped and re-created inside the same transaction), the phase back to 1, the private key
 * file(s). The audit log starts again with the destruction record, which carries the hash of the
 * last record of the erased chain.
 */
export function destroyElection(ctx: AppContext, now: Date, actor: Actor, details: Record<string, unknown>): DestroyOutcome {
  let erased: Record<string, number> = {};
  ctx.db.transaction(() => {
    const last = lastAuditRecord(ctx.db);
    erased = eraseElectionTables(ctx.db);
    setPhase(ctx.db, 1);
    deleteSessionsExceptUser(ctx.db, actor.id ?? -1);
    writeAudit(ctx.db, now, actor, 'election.destroy', {
      ...details,
      erased,
      previousChain: last ? { lastId: last.id, lastHash: last.hash } : null,
    });
  })();
  let keyFilesRemoved = 0;
  try {
    for (const f of readdirSync(ctx.keysDir)) {
      rmSync(path.join(ctx.keysDir, f), { force: true });
      keyFilesRemoved++;
    }
  } catch {
    // no keys folder: nothing to remove
  }
  // DELETE leaves the erased rows in free pages of the database file and in the WAL: rebuild the
  // file and empty the WAL. The erasure itself is committed already, so a failure here (another
  // connection busy) is reported, not thrown.
  let compacted = false;
  try {
    compactDatabase(ctx.db);
    compacted = true;
  } catch (e) {
    ctx.log.warn({ err: e }, 'vernietigen: database niet gecomprimeerd');
  }
  // The technical logs name users, files and actions of the erased election; they are in the
  // archive. Emptied in place: the logger keeps its file open in append mode.
  let logFilesCleared = 0;
  const logsDir = path.join(ctx.dataDir, 'logs');
  try {
    for (const f of readdirSync(logsDir)) {
      const p = path.join(logsDir, f);
      if (!statSync(p).isFile()) continue;
      truncateSync(p, 0);
      logFilesCleared++;
    }
  } catch {
    // no logs folder: nothing to empty
  }
  restartAnchor(ctx, now);
  return { erased, keyFilesRemoved, compacted, logFilesCleared };
}
