/**
 * Tampering shows (issue 8): what the database holds is checked against what the audit chain recorded
 * when it happened, and the chain itself against an anchor kept outside the database.
 *
 * - Every count action's audit record carries the SHA-256 of the form as entered (`formSha256`); the
 *   record that makes a unit complete also carries the SHA-256 of both entries and of the agreed form
 *   (`agreedForm`). A complete unit whose stored entries or agreed form hash otherwise is reported.
 * - Every stored document's bytes must hash to the SHA-256 stored beside it and to the one its
 *   `documents.create` audit record lists.
 * - The chain's head (length and hash of the last record) is appended to `logs/audit-anker.jsonl`
 *   after every request that added records; at start-up the last anchored head must still be in the
 *   chain (a cut-off tail or a rewritten chain shows). The head is also printed on the PV and in the
 *   archive manifest, so the paper the members sign anchors it too.
 *
 * Checked before documents are made, at start-up (printed on the terminal and logged) and on the
 * status screens. Pure reading, apart from the anchor file (and the one-time baseline of units
 * completed by an earlier version). The statements are in src/server/store/ (audit.ts, documents.ts, integrity.ts).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { agreedForm, type UnitState } from '../domain/doubleEntry.ts';
import { formCanonicalText, type EntryForm } from '../domain/entry.ts';
import { formatHash } from '../domain/hashcode.ts';
import { SYSTEM_ACTOR, verifyChain, writeAudit } from './audit.ts';
import type { AppContext } from './context.ts';
import type { Db } from './db/database.ts';
import { ApiError } from './http.ts';
import { auditHashAt, countRecords, documentsCreateRecords, lastAuditRecord, type CountRecordDetails } from './store/audit.ts';
import { completeUnitStates } from './store/counts.ts';
import { documentsForIntegrity } from './store/documents.ts';
import { dropBaselineMarker, isBaselinePending } from './store/integrity.ts';

/** The anchor file under <data>/logs (archived with the logs; emptied by vernietigen with them). */
export const ANCHOR_FILE = 'audit-anker.jsonl';
/** How much of the anchor file's end is read for its last line. */
const ANCHOR_TAIL_BYTES = 4096;

/** SHA-256 (hex) of a form's canonical text: what the audit records of count actions carry. */
export function formSha256(form: EntryForm): string {
  return createHash('sha256').update(formCanonicalText(form), 'utf8').digest('hex');
}

/** The hashes a completing audit record carries for the unit's state (absent when not complete). */
export function completionHashes(s: UnitState): { agreedSha256: string; firstSha256: string; secondSha256: string } | null {
  const agreed = agreedForm(s);
  if (agreed === null || s.kind !== 'complete') return null;
  return { agreedSha256: formSha256(agreed), firstSha256: formSha256(s.first.form), secondSha256: formSha256(s.second.form) };
}

export const IntegrityProblem = z
  .object({
    kind: z.enum(['unit', 'document', 'chain', 'anchor']),
    /** Dutch, for the screen and the terminal. */
    message: z.string(),
  })
  .readonly();
export type IntegrityProblem = z.output<typeof IntegrityProblem>;

export const AuditHead = z
  .object({
    /** Number of records (= id of the last record). */
    length: z.number().int(),
    /** Hash of the last record (hex), or null when the log is empty. */
    hash: z.string().nullable(),
  })
  .readonly();
export type AuditHead = z.output<typeof AuditHead>;

/** The answer of GET /api/integrity (and the integrity part of other answers). */
export const IntegrityAnswer = z.object({ ok: z.boolean(), problems: z.array(IntegrityProblem) });

export function auditHead(db: Db): AuditHead {
  const r = lastAuditRecord(db);
  return r ? { length: r.id, hash: r.hash } : { length: 0, hash: null };
}

/** The head as printed on the PV and in the manifest: 'record 123, hash ABCD EF01 …'. */
export function auditHeadText(h: AuditHead): string {
  return h.hash === null ? 'leeg' : `${h.length} records, laatste hash ${formatHash(h.hash)}`;
}

// ---------------------------------------------------------------------------------------------
// Complete units against the chain
// ---------------------------------------------------------------------------------------------

/** Audit actions of the count engine that do not describe a unit's state. */
const NOT_A_UNIT_ACTION = new Set(['counts.import.hash_mismatch']);

/** The last count action's audit details per unit code. */
function lastCountRecords(db: Db): Map<string, { id: number; action: string; details: CountRecordDetails }> {
  const out = new Map<string, { id: number; action: string; details: CountRecordDetails }>();
  for (const r of countRecords(db)) {
    if (NOT_A_UNIT_ACTION.has(r.action)) continue;
    // Details that name no unit (unreadable ones break the chain, which is reported on its own).
    if (r.details === null) continue;
    out.set(r.details.code, { id: r.id, action: r.action, details: r.details });
  }
  return out;
}

function unitLabel(code: string): string {
  return /^SB\d+$/.test(code) ? `stembureau ${code.slice(2)}` : `gemeente ${code}`;
}

/**
 * Once, at the first start after migration 6 on a database with complete units: every complete unit
 * whose completing record carries no hashes (made by an earlier version) gets a system audit record
 * `counts.integrity_baseline` with its hashes as they are now; from then on any change shows.
 */
export function baselineLegacyUnits(ctx: AppContext, now: Date): number {
  if (!isBaselinePending(ctx.db)) return 0;
  return ctx.db.transaction(() => {
    const last = lastCountRecords(ctx.db);
    let n = 0;
    for (const r of completeUnitStates(ctx.db)) {
      if (typeof last.get(r.code)?.details.agreedSha256 === 'string') continue;
      const hashes = 'state' in r ? completionHashes(r.state) : null;
      if (hashes === null) continue;
      writeAudit(ctx.db, now, SYSTEM_ACTOR, 'counts.integrity_baseline', {
        code: r.code,
        ...hashes,
        reason: 'afgerond door een eerdere versie; de hashes zijn bij de overgang naar deze versie vastgelegd',
      });
      n++;
    }
    dropBaselineMarker(ctx.db);
    return n;
  }).immediate();
}

export function unitProblems(ctx: AppContext): IntegrityProblem[] {
  const rows = completeUnitStates(ctx.db);
  if (rows.length === 0) return [];
  const last = lastCountRecords(ctx.db);
  const problems: IntegrityProblem[] = [];
  for (const r of rows) {
    const where = unitLabel(r.code);
    if (!('state' in r)) {
      problems.push({ kind: 'unit', message: `De opgeslagen invoer van ${where} is onleesbaar.` });
      continue;
    }
    const hashes = completionHashes(r.state);
    const rec = last.get(r.code);
    if (hashes === null || rec === undefined || typeof rec.details.agreedSha256 !== 'string') {
      problems.push({
        kind: 'unit',
        message: `${capital(where)} staat als afgerond in de database, maar het auditlog legt die afronding niet vast (met de hash van de invoer). De invoer is buiten het programma om gewijzigd.`,
      });
      continue;
    }
    const differ: string[] = [];
    if (hashes.agreedSha256 !== rec.details.agreedSha256) differ.push('de vastgestelde uitslag');
    if (hashes.firstSha256 !== rec.details.firstSha256) differ.push('de eerste invoer');
    if (hashes.secondSha256 !== rec.details.secondSha256) differ.push('de tweede invoer');
    if (differ.length > 0) {
      problems.push({
        kind: 'unit',
        message: `De opgeslagen aantallen van ${where} wijken af van wat het auditlog vastlegde (${differ.join(', ')}; auditrecord ${rec.id}). De database is buiten het programma om gewijzigd.`,
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Stored documents against their hashes
// ---------------------------------------------------------------------------------------------

export function documentProblems(ctx: AppContext): IntegrityProblem[] {
  const audited = new Map<string, string>();
  // (an unreadable record is skipped: it breaks the chain, which is reported on its own)
  for (const d of documentsCreateRecords(ctx.db)) {
    for (const f of d.files) audited.set(`${d.setId}/${f.kind}`, f.sha256);
  }
  const problems: IntegrityProblem[] = [];
  for (const d of documentsForIntegrity(ctx.db)) {
    const actual = createHash('sha256').update(d.bytes).digest('hex');
    const logged = audited.get(`${d.set_id}/${d.kind}`);
    if (actual !== d.sha256 || logged !== actual) {
      problems.push({
        kind: 'document',
        message: `Het opgeslagen bestand ${d.file_name} (set ${d.set_id}) is gewijzigd: de inhoud heeft niet de hashcode die bij het aanmaken is vastgelegd${logged === undefined ? ' (het auditlog kent dit bestand niet)' : ''}.`,
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The chain and its anchor outside the database
// ---------------------------------------------------------------------------------------------

/** A line of the anchor file (logs/audit-anker.jsonl), as `anchorAudit` appends it. */
const AnchorLine = z.object({ at: z.string(), length: z.number().int().nonnegative(), head: z.string() });
type AnchorLine = z.output<typeof AnchorLine>;

function anchorPath(ctx: AppContext): string {
  return path.join(ctx.dataDir, 'logs', ANCHOR_FILE);
}

/** The last anchored head in the file, or null when there is none (new, or emptied by vernietigen). */
export function lastAnchor(ctx: AppContext): AnchorLine | null {
  // Only the file's tail is read (it grows by a line per change; the last complete line counts).
  let text: string;
  let fd: number | null = null;
  try {
    fd = openSync(anchorPath(ctx), 'r');
    const size = fstatSync(fd).size;
    const n = Math.min(size, ANCHOR_TAIL_BYTES);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    text = buf.toString('utf8');
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const a = AnchorLine.safeParse(JSON.parse(lines[i] ?? ''));
      if (a.success) return a.data;
    } catch {
      // a torn last line (crash while appending): the one before it counts
    }
  }
  return null;
}

interface AnchorState {
  /** The head last written to the file (or found there at start-up). */
  anchored: AuditHead | null;
  /** The chain or its anchor is in doubt: the anchor is not moved on, so the problem keeps showing (also at every start). */
  frozen: boolean;
  /** Chain and document problems of the last full check (shown by the status screens between full checks). */
  lastFull: IntegrityProblem[];
}

const anchorStates = new WeakMap<AppContext, AnchorState>();

function anchorState(ctx: AppContext): AnchorState {
  let s = anchorStates.get(ctx);
  if (!s) anchorStates.set(ctx, (s = { anchored: null, frozen: false, lastFull: [] }));
  return s;
}

/** The last anchored head compared with the chain in the database (cheap: one file read, one lookup). */
export function anchorProblems(ctx: AppContext): IntegrityProblem[] {
  const a = lastAnchor(ctx);
  if (a === null) return [];
  const hash = auditHashAt(ctx.db, a.length);
  const file = path.join('logs', ANCHOR_FILE);
  if (hash === undefined) {
    return [
      {
        kind: 'anchor',
        message: `Het auditlog is ingekort: volgens ${file} had het op ${a.at} al ${a.length} records, nu nog ${auditHead(ctx.db).length}.`,
      },
    ];
  }
  if (hash !== a.head) {
    return [{ kind: 'anchor', message: `Het auditlog is herschreven: record ${a.length} heeft niet meer de hash die op ${a.at} in ${file} is vastgelegd.` }];
  }
  return [];
}

/** The whole chain recomputed. */
export function chainProblems(ctx: AppContext): IntegrityProblem[] {
  const chain = verifyChain(ctx.db);
  return chain.intact
    ? []
    : [
        {
          kind: 'chain',
          message: `De hashketen van het auditlog is verbroken bij record ${chain.firstBrokenId}: het auditlog is buiten het programma om gewijzigd.`,
        },
      ];
}

/**
 * Append the chain's head to the anchor file when it moved on (called after every request and after
 * background jobs that write records). Not when the anchored head is no longer in the chain: then the
 * anchor stays where it was, so the problem keeps showing (also at every later start).
 */
export function anchorAudit(ctx: AppContext, now: Date): void {
  const s = anchorState(ctx);
  if (s.frozen) return;
  const head = auditHead(ctx.db);
  if (head.hash === null) return;
  if (s.anchored && s.anchored.length === head.length && s.anchored.hash === head.hash) return;
  // The head anchored last must still be in the chain (checked in memory; the file only at start-up).
  const stillThere =
    s.anchored === null
      ? anchorProblems(ctx).length === 0
      : s.anchored.hash === null ||
        auditHashAt(ctx.db, s.anchored.length) === s.anchored.hash;
  if (!stillThere) {
    s.frozen = true;
    ctx.log.error('het auditlog past niet meer bij zijn anker; het anker wordt niet bijgewerkt');
    return;
  }
  try {
    appendFileSync(anchorPath(ctx), JSON.stringify({ at: now.toISOString(), length: head.length, head: head.hash }) + '\n', { mode: 0o600 });
    s.anchored = head;
  } catch (err) {
    ctx.log.error({ err }, 'anker van het auditlog niet bijgeschreven');
  }
}

/**
 * After vernietigen (the one controlled path that empties the audit log, and the log files with the
 * anchor): the anchor starts again from the new chain.
 */
export function restartAnchor(ctx: AppContext, now: Date): void {
  const s = anchorState(ctx);
  s.anchored = null;
  s.frozen = false;
  s.lastFull = [];
  anchorAudit(ctx, now);
}

/** Everything, now: before documents are made, at start-up, the phase 3 screen and GET /api/integrity. */
export function integrityProblems(ctx: AppContext): IntegrityProblem[] {
  const s = anchorState(ctx);
  const full = [...chainProblems(ctx), ...documentProblems(ctx)];
  s.lastFull = full;
  const anchor = anchorProblems(ctx);
  if (anchor.length > 0) s.frozen = true;
  return [...anchor, ...full, ...unitProblems(ctx)];
}

/**
 * For a status screen that is polled: the complete units and the anchor now, the chain and the
 * documents as found by the last full check.
 */
export function quickIntegrityProblems(ctx: AppContext): IntegrityProblem[] {
  return [...anchorProblems(ctx), ...anchorState(ctx).lastFull, ...unitProblems(ctx)];
}

/** At start-up: the full check (the caller prints the problems); the anchor then follows the chain unless it is in doubt. */
export function startupCheck(ctx: AppContext): IntegrityProblem[] {
  const s = anchorState(ctx);
  const a = lastAnchor(ctx);
  s.anchored = a ? { length: a.length, hash: a.head } : null;
  return integrityProblems(ctx);
}

/** Refuse (409) when anything does not match. */
export function requireIntegrity(ctx: AppContext): void {
  const problems = integrityProblems(ctx);
  if (problems.length > 0) {
    throw new ApiError(
      409,
      'integrity.mismatch',
      `De gegevens zijn niet meer gelijk aan wat is ingevoerd en vastgelegd; er worden geen bestanden gemaakt. ${problems.map((p) => p.message).join(' ')}`,
      problems.map((p) => p.kind).join(','),
      { problems },
    );
  }
}

/** What the status screens show. */
export function integrityDto(problems: readonly IntegrityProblem[]): z.output<typeof IntegrityAnswer> {
  return { ok: problems.length === 0, problems: [...problems] };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
