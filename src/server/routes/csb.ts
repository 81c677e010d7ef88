/**
 * The routes of the CSB installation (centraal stembureau; src/server/csb.ts, docs/csb.md). Phase 1:
 * the 230b of every kieskring (one file per upload, hash code confirmed as for the HSB) and the
 * hoofdstembureaus' public keys. Phase 2: a kieskring's signed count zip as first entry, typed
 * entries (a kieskring without a 510c typed twice) with the form of that kieskring's lists; release,
 * delete and resolve are the ordinary /api/counts/:code routes (units 'HSB<k>'). Phase 3: the 510d
 * and the 520.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { certificatePolicyProblems, checkCertificateFor, parseCertificate } from '../../crypto/certificate.ts';
import { verifyDetached } from '../../crypto/cms.ts';
import { checkEntry } from '../../domain/checks.ts';
import { currentDraft, type UserRef } from '../../domain/doubleEntry.ts';
import { candidateDisplayName } from '../../domain/election.ts';
import { emptyForm, SCALAR_FIELDS } from '../../domain/entry.ts';
import { buildFormShape } from '../../domain/entryStructure.ts';
import { chooseHiddenGroups, formatHash, maskedHash } from '../../domain/hashcode.ts';
import { hasField } from '../../domain/ruleSets.ts';
import { listNameFor510 } from '../../eml/eml510write.ts';
import { sha256Hex } from '../../eml/hash.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import {
  Acknowledged,
  applyUnitAction,
  checkContextFor,
  CheckResultDto,
  checkFormShape,
  FormSchema,
  FormShapeDto,
  OutcomeDto,
  UnitStateKindDto,
  formForElection,
  loadAllUnits,
  optionalScalarsFor,
  requirePhase2,
  SubmitAnswer,
  ClaimAnswer,
  DraftAnswer,
  SubmitBody,
  submitEntry,
} from '../counts.ts';
import {
  csbKieskringen,
  csbLists,
  csbP22Input,
  csbResult,
  KieskringRegionDto,
  lotOptions,
  p22Fingerprint,
  readKieskringZip,
  requireCsb,
  requireKieskring,
  requireKieskringLists,
  RequiredLotDto,
  type CsbFile,
  type RequiredLot,
} from '../csb.ts';
import { emlReaders, unreadable } from '../eml-adapter.ts';
import { CSB_DOCUMENT_KINDS, localDateTime, renderP22InWorker, validSet, type RenderedFile } from '../documents.ts';
import { ApiError, MAX_CERTIFICATE_BYTES, MAX_EML_BYTES, route, type SessionUser } from '../http.ts';
import { anchorAudit, requireIntegrity } from '../integrity.ts';
import type { DocumentsCreateDetails } from '../store/audit.ts';
import { documentsOfSet, insertDocumentSet } from '../store/documents.ts';
import { actorOf, currentPhase, definitionOf, electionRules } from '../state.ts';
import { storeImportedCountFile } from '../store/counts.ts';
import { confirmUploadHash, deleteUpload, findUpload, StagedHashDto, stageUpload, takeUpload } from '../uploads.ts';
import { MAX_COUNT_ZIP_BYTES } from './counts.ts';
import { KeyPreview } from './keys.ts';
import { activeLotsEntered, csbListHash, csbListRows, hsbKey, hsbKeyRows, insertLot, storeCsbLists } from '../store/csb.ts';
import { storeImportedKey } from '../store/keys.ts';

const UploadId = z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige upload-id.');
const KieskringCode = z.object({ code: z.string().regex(/^HSB[1-9]\d{0,2}$/, 'Een kieskring heet HSB gevolgd door zijn nummer (HSB5).') });
const KieskringNumber = z.object({ kieskring: z.coerce.number().int().positive().max(999) });
const Groups = z.tuple([z.string().max(20), z.string().max(20)]);

/** A hoofdstembureau's public key as the CSB shows it. */
const HsbKeyDto = z.object({ subject: z.string(), fingerprint: z.string(), notAfter: z.string() });

/** The kieskringen of the CSB: candidate lists, the hoofdstembureau's key and the state of the entry (`overview`). */
const CsbOverview = z.object({
  kieskringen: z.array(
    KieskringRegionDto.extend({
      candidateLists: z.object({ fileName: z.string(), hash: z.string(), importedAt: z.string() }).nullable(),
      key: HsbKeyDto.nullable(),
      state: UnitStateKindDto,
    }),
  ),
});

const CsbListsPreview = StagedHashDto.extend({
  kieskring: z.number().int(),
  contestName: z.string(),
  lists: z.number().int(),
  candidates: z.number().int(),
});

/** A previewed hoofdstembureau's key: as a municipality's, for a kieskring, and nothing staged (the import uploads it again). */
const CsbKeyPreview = KeyPreview.omit({ uploadId: true, replaceNeedsLeader: true }).extend({
  kieskring: KieskringRegionDto,
  existingKey: z.object({ fingerprint: z.string(), same: z.boolean() }).nullable(),
});

const CsbCountPreview = StagedHashDto.extend({
  kieskring: KieskringRegionDto,
  emlName: z.string(),
  signer: z.object({ subject: z.string(), fingerprint: z.string(), embeddedMatchesTrusted: z.boolean() }),
  /** Municipalities (ReportingUnitVotes) in the file. */
  municipalities: z.number().int(),
  checks: z.array(CheckResultDto).readonly(),
});

/** A list or candidate of a lot: its value in the lot and in words (`lotOptions`). */
const LotOption = z.object({ value: z.string(), label: z.string() });

/** The lots entered and the lot the result needs now (`lotsOverview`). */
const CsbLots = z.object({
  entered: z.array(
    z.object({
      kind: z.enum(['seats', 'candidates']),
      listNumber: z.number().int().nullable(),
      stage: z.string(),
      between: z.array(z.string()),
      drawn: z.array(z.string()),
      enteredAt: z.string(),
      enteredBy: z.string().nullable(),
    }),
  ),
  required: RequiredLotDto.extend({ message: z.string(), options: z.array(LotOption) }).nullable(),
});

/** The stored content type of a file of the CSB's set. */
function contentTypeOf(f: CsbFile | RenderedFile): string {
  return 'contentType' in f ? f.contentType : f.kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/xml';
}

/** The session user of a route with a permission (the route table guarantees one). */
function signedIn(u: SessionUser | null): SessionUser {
  if (u === null) throw new Error('unreachable: a route with a permission always has a user');
  return u;
}

/** The uploaded file of a multipart route (the route table guarantees one). */
function uploaded<T>(f: T | null): T {
  if (f === null) throw new Error('unreachable: a multipart route always has a file');
  return f;
}

function userRef(u: SessionUser): UserRef {
  return { id: u.id, username: u.username, role: u.role };
}

function requirePhase1(ctx: AppContext, what: string): void {
  const phase = currentPhase(ctx);
  if (phase !== 1) throw new ApiError(409, 'phase.wrong', `${what} kan alleen in fase 1; nu is fase ${phase} actief.`);
}

function overview(ctx: AppContext) {
  const e = requireCsb(ctx);
  const lists = new Map(csbListRows(ctx.db).map((r) => [r.kieskring, r]));
  const keys = new Map(
    hsbKeyRows(ctx.db).map((k) => [k.kieskring, k]),
  );
  const units = loadAllUnits(ctx);
  return {
    kieskringen: csbKieskringen(e).map((k) => {
      const l = lists.get(k.number);
      const key = keys.get(k.number);
      const s = units.get(k.code)?.state.kind ?? 'empty';
      return {
        code: k.code,
        number: k.number,
        name: k.name,
        candidateLists: l ? { fileName: l.file_name, hash: formatHash(l.hash), importedAt: l.imported_at } : null,
        key: key ? { subject: key.subject, fingerprint: key.fingerprint, notAfter: key.not_after } : null,
        state: s,
      };
    }),
  };
}

function formShapeOf(ctx: AppContext, code: string) {
  const e = requireCsb(ctx);
  const k = requireKieskring(e, code);
  const lists = requireKieskringLists(ctx, k);
  const rules = electionRules(e);
  return {
    kieskring: k,
    lists,
    shape: buildFormShape({
      unitKind: 'kieskring',
      rules: rules.id,
      optional: optionalScalarsFor('kieskring'),
      scalarKeys: SCALAR_FIELDS.filter((f) => hasField(rules, f.key)).map((f) => f.key),
      lists: lists.affiliations.map((a) => ({
        listNumber: a.listNumber,
        name: listNameFor510(a),
        candidates: a.candidates.map((c) => ({ position: c.position, name: candidateDisplayName(c) })),
      })),
    }),
  };
}

/** The lots entered (not voided), and the lot the result needs now (phase 3, no valid documents). */
function lotsOverview(ctx: AppContext, now: Date) {
  requireCsb(ctx);
  const lists = csbLists(ctx);
  const entered = activeLotsEntered(ctx.db).map((r) => {
    const options = lotOptions(lists, { kind: r.kind, listNumber: r.listNumber, stage: r.stage, between: r.between, seats: r.drawn.length });
    const labelOf = (v: string) => options.find((o) => o.value === v)?.label ?? v;
    return {
      kind: r.kind,
      listNumber: r.listNumber,
      stage: r.stage,
      between: r.between.map(labelOf),
      drawn: r.drawn.map(labelOf),
      enteredAt: r.enteredAt,
      enteredBy: r.enteredBy,
    };
  });
  let required: (RequiredLot & { message: string; options: { value: string; label: string }[] }) | null = null;
  if (currentPhase(ctx) === 3 && !validSet(ctx)) {
    const out = csbResult(ctx, localDateTime(now));
    if (out.kind === 'lots') required = { ...out.lot, message: out.message, options: lotOptions(lists, out.lot) };
  }
  return { entered, required };
}

export const csbRoutes = [
  route({
    method: 'GET',
    url: '/api/csb',
    access: 'election.view',
    tag: 'centraal stembureau',
    summary: 'De kieskringen van het centraal stembureau: kandidatenlijsten, publieke sleutel van het hoofdstembureau en de stand van de invoer.',
    response: CsbOverview,
    handler: ({ ctx }) => overview(ctx),
  }),
  route({
    method: 'POST',
    url: '/api/csb/candidate-lists/preview',
    access: 'election.import',
    tag: 'centraal stembureau',
    summary: 'Upload de kandidatenlijsten (EML 230b) van één kieskring; toont de hashcode met twee verborgen groepen.',
    multipart: { maxBytes: MAX_EML_BYTES },
    response: CsbListsPreview,
    handler: async ({ ctx, user, file, now }) => {
      const e = requireCsb(ctx, 'Kandidatenlijsten per kieskring importeren');
      requirePhase1(ctx, 'Kandidatenlijsten importeren');
      const f = uploaded(file);
      const eml = await emlReaders();
      const read = await eml.readCandidateListsWithHash(f.bytes);
      if (!read.ok) throw unreadable(ctx, read);
      const { value: lists, hash } = read.value;
      const kieskring = Number(lists.contestId);
      const match = eml.checkCandidateListsMatch(definitionOf(e), kieskring, lists);
      if (!match.ok) throw ApiError.from(422, match);
      if (!hash.ok) throw ApiError.from(422, hash);
      const hidden = chooseHiddenGroups((n) => ctx.random.randomInt(n));
      const uploadId = stageUpload(ctx, 'candidate_lists', signedIn(user), f, hash.value.hex, { hiddenGroups: hidden, csbKieskring: kieskring }, now);
      return {
        uploadId,
        fileName: f.fileName,
        maskedHash: maskedHash(hash.value.hex, hidden),
        hiddenGroups: hidden,
        kieskring,
        contestName: lists.contestName,
        lists: lists.affiliations.length,
        candidates: lists.affiliations.reduce((n, a) => n + a.candidates.length, 0),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/csb/candidate-lists/confirm',
    access: 'election.import',
    tag: 'centraal stembureau',
    summary: 'Importeer de kandidatenlijsten van een kieskring na het intypen van de twee verborgen hashcode-groepen.',
    body: z.object({ uploadId: UploadId, groups: Groups }),
    response: CsbOverview,
    handler: async ({ ctx, user, body, now }) => {
      const e = requireCsb(ctx, 'Kandidatenlijsten per kieskring importeren');
      const upload = findUpload(ctx, body.uploadId, 'candidate_lists', signedIn(user), now);
      const context = upload.context;
      if (context.csbKieskring === undefined) throw new ApiError(409, 'upload.other_kind', 'Deze upload is niet voor het centraal stembureau. Upload het bestand opnieuw.');
      confirmUploadHash(
        ctx,
        upload,
        context.hiddenGroups,
        body.groups,
        { user: signedIn(user), action: 'election.candidate_lists.hash_mismatch', details: { fileName: upload.file_name, kieskring: context.csbKieskring } },
        now,
      );
      const lists = await (await emlReaders()).readCandidateLists(upload.bytes);
      if (!lists.ok) throw unreadable(ctx, lists);
      const kieskring = context.csbKieskring;
      ctx.db.transaction(() => {
        requirePhase1(ctx, 'Kandidatenlijsten importeren');
        const previousHash = csbListHash(ctx.db, kieskring);
        storeCsbLists(ctx.db, {
          kieskring,
          fileName: upload.file_name,
          hash: upload.hash,
          bytes: upload.bytes,
          contestName: lists.value.contestName,
          importedAt: now.toISOString(),
          importedBy: signedIn(user).id,
        });
        writeAudit(ctx.db, now, actorOf(signedIn(user)), previousHash !== undefined ? 'election.candidate_lists.replace' : 'election.candidate_lists.import', {
          fileName: upload.file_name,
          hash: formatHash(upload.hash),
          kieskring,
          contestName: lists.value.contestName,
          lists: lists.value.affiliations.length,
          hashConfirmed: true,
          ...(previousHash !== undefined ? { previousHash: formatHash(previousHash) } : {}),
        });
        takeUpload(ctx, upload.id);
      })();
      void e;
      return overview(ctx);
    },
  }),
  route({
    method: 'POST',
    url: '/api/csb/keys/:kieskring/preview',
    access: 'keys.import',
    tag: 'centraal stembureau',
    summary:
      'Bekijk de publieke sleutel van het hoofdstembureau van een kieskring voordat u hem importeert: onderwerp, vingerafdruk, geldigheid en bezwaren. Slaat niets op.',
    params: KieskringNumber,
    multipart: { maxBytes: MAX_CERTIFICATE_BYTES },
    response: CsbKeyPreview,
    handler: ({ ctx, params, file, now }) => {
      const e = requireCsb(ctx, 'Publieke sleutels van hoofdstembureaus importeren');
      const k = csbKieskringen(e).find((x) => x.number === params.kieskring);
      if (!k) throw new ApiError(404, 'region.not_found', `Kieskring ${params.kieskring} komt niet voor in deze verkiezing.`);
      const f = uploaded(file);
      // Without the validity check first, so an expired certificate is still shown.
      const info = parseCertificate(f.bytes, now, { checkValidity: false });
      if (!info.ok) throw ApiError.from(422, info);
      const valid = parseCertificate(f.bytes, now);
      const reasons = [
        ...(valid.ok ? [] : [valid.message]),
        ...checkCertificateFor(info.value, { electionId: e.election_id, kieskringNumber: k.number, kieskringName: k.name }),
        ...certificatePolicyProblems(info.value),
      ];
      const existing = hsbKey(ctx.db, k.number);
      const replaceRefused = existing !== undefined && existing.fingerprint !== info.value.fingerprint && currentPhase(ctx) !== 1;
      if (replaceRefused) reasons.push(`De publieke sleutel van hoofdstembureau ${k.name} kan alleen in fase 1 worden vervangen.`);
      return {
        kieskring: { number: k.number, name: k.name, code: k.code },
        fileName: f.fileName,
        subject: info.value.subjectText,
        commonName: info.value.subject.CN,
        locality: info.value.subject.L,
        fingerprint: info.value.fingerprint,
        notBefore: info.value.notBefore.toISOString(),
        notAfter: info.value.notAfter.toISOString(),
        importable: reasons.length === 0,
        reasons,
        existingKey: existing ? { fingerprint: existing.fingerprint, same: existing.fingerprint === info.value.fingerprint } : null,
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/csb/keys/:kieskring',
    access: 'keys.import',
    tag: 'centraal stembureau',
    summary: 'Importeer de publieke sleutel van het hoofdstembureau van een kieskring (UID=HSB<k>); vervangen alleen in fase 1.',
    params: KieskringNumber,
    multipart: { maxBytes: MAX_CERTIFICATE_BYTES },
    response: z.object({ key: HsbKeyDto }),
    handler: ({ ctx, user, params, file, now }) => {
      const e = requireCsb(ctx, 'Publieke sleutels van hoofdstembureaus importeren');
      const k = csbKieskringen(e).find((x) => x.number === params.kieskring);
      if (!k) throw new ApiError(404, 'region.not_found', `Kieskring ${params.kieskring} komt niet voor in deze verkiezing.`);
      const f = uploaded(file);
      const info = parseCertificate(f.bytes, now);
      if (!info.ok) throw ApiError.from(422, info);
      const reasons = [
        ...checkCertificateFor(info.value, { electionId: e.election_id, kieskringNumber: k.number, kieskringName: k.name }),
        ...certificatePolicyProblems(info.value),
      ];
      if (reasons.length) throw new ApiError(422, 'key.not_importable', reasons.join(' '));
      ctx.db.transaction(() => {
        const existing = hsbKey(ctx.db, k.number);
        if (existing && existing.fingerprint !== info.value.fingerprint && currentPhase(ctx) !== 1) {
          throw new ApiError(409, 'key.replace_after_phase1', `De publieke sleutel van hoofdstembureau ${k.name} kan alleen in fase 1 worden vervangen.`);
        }
        storeImportedKey(ctx.db, 'hsb_keys', k.number, { info: info.value, fileName: f.fileName, userId: signedIn(user).id, now });
        writeAudit(ctx.db, now, actorOf(signedIn(user)), existing ? 'key.hsb.replace' : 'key.hsb.import', {
          kieskring: k.number,
          name: k.name,
          fileName: f.fileName,
          subject: info.value.subjectText,
          fingerprint: info.value.fingerprint,
          ...(existing ? { previousFingerprint: existing.fingerprint } : {}),
        });
      })();
      return { key: { subject: info.value.subjectText, fingerprint: info.value.fingerprint, notAfter: info.value.notAfter.toISOString() } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/csb/counts/:code/form-shape',
    access: 'election.view',
    tag: 'centraal stembureau',
    summary: 'De velden van het invoerformulier van een kieskring: de lijsten en kandidaten van die kieskring en de aantallen.',
    params: KieskringCode,
    response: FormShapeDto,
    handler: ({ ctx, params }) => formShapeOf(ctx, params.code).shape,
  }),
  route({
    method: 'POST',
    url: '/api/csb/counts/:code/claim',
    access: 'counts.enter',
    tag: 'centraal stembureau',
    summary: 'Begin (of ga verder met) de eerste of tweede invoer van een kieskring.',
    params: KieskringCode,
    response: ClaimAnswer,
    handler: ({ ctx, user, params, now }) => {
      const { lists } = formShapeOf(ctx, params.code);
      const t = applyUnitAction(ctx, { code: params.code, user: signedIn(user), action: { type: 'claim', user: userRef(signedIn(user)) }, now });
      const d = currentDraft(t.state);
      const entry = t.outcome.kind === 'claimed' ? t.outcome.entry : t.state.kind === 'second_in_progress' ? 2 : 1;
      return { entry, form: d?.form ?? emptyForm(lists), state: t.state.kind };
    },
  }),
  route({
    method: 'PUT',
    url: '/api/csb/counts/:code/draft',
    access: 'counts.enter',
    tag: 'centraal stembureau',
    summary: 'Sla de invoer van een kieskring tussentijds op (alleen de eigenaar).',
    params: KieskringCode,
    body: z.object({ form: FormSchema, seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional() }),
    response: DraftAnswer,
    handler: ({ ctx, user, params, body, now }) => {
      const { lists } = formShapeOf(ctx, params.code);
      const form = formForElection(body.form, electionRules(requireCsb(ctx)));
      checkFormShape(form, lists);
      const t = applyUnitAction(ctx, {
        code: params.code,
        user: signedIn(user),
        action: { type: 'save', user: userRef(signedIn(user)), form, ...(body.seq !== undefined ? { seq: body.seq } : {}) },
        now,
      });
      if (t.outcome.kind === 'stale') return { saved: false, stale: true, checks: [] };
      return { saved: true, checks: checkEntry(form, checkContextFor(ctx, params.code)) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/csb/counts/:code/submit',
    access: 'counts.enter',
    tag: 'centraal stembureau',
    summary: 'Rond de eerste of tweede invoer van een kieskring af (met bevestigde waarschuwingen).',
    params: KieskringCode,
    body: SubmitBody,
    response: SubmitAnswer,
    handler: ({ ctx, user, params, body, now }) =>
      submitEntry(ctx, { code: params.code, user: signedIn(user), body, rules: electionRules(requireCsb(ctx)), lists: formShapeOf(ctx, params.code).lists, now }),
  }),
  route({
    method: 'POST',
    url: '/api/csb/counts/import',
    access: 'counts.import',
    tag: 'centraal stembureau',
    summary:
      'Upload de ondertekende telling van een kieskring (Telling_<ID>_kieskring_<naam>.zip): handtekening, bestand en optellingen gecontroleerd; toont de hashcode met twee verborgen groepen en de waarschuwingen.',
    multipart: { maxBytes: MAX_COUNT_ZIP_BYTES },
    response: CsbCountPreview,
    handler: async ({ ctx, user, file, now }) => {
      const e = requireCsb(ctx, 'Een telling van een kieskring importeren');
      requirePhase2(ctx);
      const f = uploaded(file);
      const v = await readKieskringZip(ctx, e, f.bytes, f.fileName);
      const hidden = chooseHiddenGroups((n) => ctx.random.randomInt(n));
      const uploadId = stageUpload(ctx, 'kieskring_count', signedIn(user), f, v.hashHex, { hiddenGroups: hidden, code: v.kieskring.code }, now);
      return {
        uploadId,
        fileName: f.fileName,
        kieskring: v.kieskring,
        emlName: v.emlName,
        maskedHash: maskedHash(v.hashHex, hidden),
        hiddenGroups: hidden,
        signer: v.signer,
        municipalities: v.units,
        checks: checkEntry(v.form, checkContextFor(ctx, v.kieskring.code)),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/csb/counts/import/confirm',
    access: 'counts.import',
    tag: 'centraal stembureau',
    summary: 'Importeer de geüploade telling van een kieskring als eerste invoer, na het intypen van de twee verborgen hashcode-groepen.',
    body: z.object({ uploadId: UploadId, groups: Groups, acknowledged: Acknowledged.default([]) }),
    response: z.object({ state: UnitStateKindDto, outcome: OutcomeDto, kieskring: KieskringRegionDto }),
    handler: async ({ ctx, user, body, now }) => {
      const e = requireCsb(ctx, 'Een telling van een kieskring importeren');
      const upload = findUpload(ctx, body.uploadId, 'kieskring_count', signedIn(user), now);
      const context = upload.context;
      confirmUploadHash(
        ctx,
        upload,
        context.hiddenGroups,
        body.groups,
        { user: signedIn(user), action: 'counts.import.hash_mismatch', details: { code: context.code, fileName: upload.file_name } },
        now,
      );
      // Read and check again: the key may have changed since the upload.
      const v = await readKieskringZip(ctx, e, upload.bytes, upload.file_name);
      const zipSha256 = createHash('sha256').update(upload.bytes).digest('hex');
      const t = ctx.db
        .transaction(() => {
          // The signature against the key as it is now, inside the transaction.
          const key = hsbKey(ctx.db, v.kieskring.number);
          const again = key ? verifyDetached({ sha256: Buffer.from(v.rawSha256Hex, 'hex') }, v.signature, key.certificate_pem) : null;
          if (!key || !again?.ok) {
            throw new ApiError(409, 'import.key_changed', `De publieke sleutel van hoofdstembureau ${v.kieskring.name} is gewijzigd; er is niets geïmporteerd. Upload het bestand opnieuw.`);
          }
          const transition = applyUnitAction(ctx, {
            code: v.kieskring.code,
            user: signedIn(user),
            action: { type: 'import', user: userRef(signedIn(user)), form: v.form, acknowledged: body.acknowledged },
            now,
            details: {
              fileName: upload.file_name,
              emlName: v.emlName,
              hash: formatHash(v.hashHex),
              signer: key.subject,
              fingerprint: key.fingerprint,
              embeddedMatchesTrusted: v.signer.embeddedMatchesTrusted,
              municipalities: v.units,
              zipSize: upload.bytes.length,
              zipSha256,
            },
          });
          storeImportedCountFile(ctx.db, {
            code: v.kieskring.code,
            fileName: upload.file_name,
            bytes: upload.bytes,
            sha256: zipSha256,
            at: now.toISOString(),
            userId: signedIn(user).id,
          });
          deleteUpload(ctx, upload.id);
          return transition;
        })
        .immediate();
      return { state: t.state.kind, outcome: t.outcome, kieskring: v.kieskring };
    },
  }),
  route({
    method: 'GET',
    url: '/api/csb/lots',
    access: 'election.view',
    tag: 'centraal stembureau',
    summary:
      'De ingevoerde lotingen, en (in fase 3, zolang er geen geldige documenten zijn) de loting die de uitslag nu nodig heeft: tussen welke lijsten of kandidaten, in woorden.',
    response: CsbLots,
    handler: ({ ctx, now }) => lotsOverview(ctx, now),
  }),
  route({
    method: 'POST',
    url: '/api/csb/lots',
    access: 'documents.create',
    tag: 'centraal stembureau',
    summary:
      'Voer de uitkomst in van de loting die nu nodig is (fase 3; zoals Vaststellen uitslag die noemde): tussen wie, en wie de loting aanwees.',
    body: z.object({
      kind: z.enum(['seats', 'candidates']),
      listNumber: z.number().int().positive().nullable(),
      stage: z.string().max(40),
      between: z.array(z.string().max(200)).min(2).max(500),
      drawn: z.array(z.string().max(200)).min(1).max(500),
    }),
    response: z.object({ entered: z.boolean() }),
    handler: ({ ctx, user, body, now }) => {
      requireCsb(ctx, 'Een loting invoeren');
      const phase = currentPhase(ctx);
      if (phase !== 3) throw new ApiError(409, 'phase.wrong', `Een loting invoeren kan alleen in fase 3; nu is fase ${phase} actief.`);
      return ctx.db.transaction(() => {
        const out = csbResult(ctx, localDateTime(now));
        if (out.kind !== 'lots') throw new ApiError(409, 'csb.no_lot', 'Er is nu geen loting nodig.');
        const lot = out.lot;
        const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
        if (lot.kind !== body.kind || lot.listNumber !== body.listNumber || lot.stage !== body.stage || !same(lot.between, body.between)) {
          throw new ApiError(409, 'csb.lot_mismatch', `Deze loting is niet de loting die nu nodig is. ${out.message}`);
        }
        if (new Set(body.drawn).size !== lot.seats || body.drawn.length !== lot.seats || !body.drawn.every((d) => lot.between.includes(d))) {
          // In words (names of lists or candidates), as Vaststellen uitslag shows them; never the internal keys.
          const options = lotOptions(csbLists(ctx), lot);
          const names = lot.between.map((v) => options.find((o) => o.value === v)?.label ?? v);
          throw new ApiError(
            422,
            'csb.lot_drawn',
            `Kies bij deze loting ${lot.seats === 1 ? 'precies één' : `precies ${lot.seats}`} uit: ${names.join('; ')}.`,
          );
        }
        insertLot(ctx.db, { kind: lot.kind, listNumber: lot.listNumber, stage: lot.stage, between: lot.between, drawn: body.drawn, enteredAt: now.toISOString(), enteredBy: signedIn(user).id });
        writeAudit(ctx.db, now, actorOf(signedIn(user)), 'csb.lot_entered', { ...lot, drawn: body.drawn });
        return { entered: true };
      })();
    },
  }),
  route({
    method: 'POST',
    url: '/api/csb/documents',
    access: 'documents.create',
    tag: 'centraal stembureau',
    summary:
      'Vaststellen uitslag (fase 3): de totaaltelling (EML 510d), het resultaat (EML 520), het proces-verbaal model P 22-1 (PDF en ODT) en de CSV van de uitslag, uit de vastgestelde uitslagen van de kieskringen. Is loting nodig, dan stopt dit met de lijsten of kandidaten tussen wie geloot moet worden.',
    response: z.object({ setId: z.number().int(), creationDateTime: z.string(), documents: z.array(z.object({ id: z.number().int(), kind: z.string(), fileName: z.string() })) }),
    handler: async ({ ctx, user, now }) => {
      requireCsb(ctx, 'Vaststellen uitslag');
      const refuseUnlessReady = () => {
        const phase = currentPhase(ctx);
        if (phase !== 3) throw new ApiError(409, 'phase.wrong', `De uitslag vaststellen kan alleen in fase 3; nu is fase ${phase} actief.`);
        if (validSet(ctx)) throw new ApiError(409, 'documents.exists', 'De documenten zijn al aangemaakt; ga terug naar fase 2 om ze te laten vervallen.');
      };
      refuseUnlessReady();
      // Every complete kieskring and stored document against the audit chain, the chain against its anchor.
      requireIntegrity(ctx);
      const creationDateTime = localDateTime(now);
      const out = csbResult(ctx, creationDateTime);
      if (out.kind === 'lots') {
        ctx.db.transaction(() => writeAudit(ctx.db, now, actorOf(signedIn(user)), 'csb.lots_required', { message: out.message, ...out.lot }))();
        throw new ApiError(409, 'csb.lots', out.message, undefined, { lot: out.lot });
      }
      // The PV P 22-1 is laid out in the worker thread (Typst), as the HSB's O 3; the state is checked again before storing.
      const p22 = csbP22Input(ctx, out, creationDateTime);
      const pv = await renderP22InWorker(p22);
      if (!pv.ok) {
        ctx.log.error({ code: pv.code, detail: pv.detail }, 'proces-verbaal P 22-1 maken mislukt');
        throw ApiError.from(500, pv);
      }
      const at = ctx.clock();
      const files = [...out.files, ...pv.value];
      const order = CSB_DOCUMENT_KINDS.map((k) => k.kind);
      files.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
      const setId = ctx.db
        .transaction(() => {
          refuseUnlessReady();
          const again = csbResult(ctx, creationDateTime);
          const same =
            again.kind === 'result' &&
            again.files.length === out.files.length &&
            again.files.every((f, i) => out.files[i]?.bytes.equals(f.bytes) === true) &&
            p22Fingerprint(csbP22Input(ctx, again, creationDateTime)) === p22Fingerprint(p22);
          if (!same) {
            throw new ApiError(
              409,
              'documents.inputs_changed',
              'Tijdens het aanmaken van de documenten is de uitslag van een kieskring, een loting of het proces-verbaal gewijzigd; er is niets opgeslagen. Stel de uitslag opnieuw vast.',
            );
          }
          requireIntegrity(ctx);
          const id = insertDocumentSet(
            ctx.db,
            { createdAt: at, createdBy: signedIn(user).id, creationDateTime, emlHash: sha256Hex(out.count.bytes) },
            files.map((f) => ({ kind: f.kind, fileName: f.fileName, contentType: contentTypeOf(f), bytes: f.bytes, sha256: sha256Hex(f.bytes) })),
          );
          // The same audit action and file list as the HSB's documents: tamper detection (integrity.ts) checks them.
          writeAudit(ctx.db, at, actorOf(signedIn(user)), 'documents.create', {
            setId: id,
            creationDateTime,
            files: files.map((f) => ({ kind: f.kind, fileName: f.fileName, size: f.bytes.length, sha256: sha256Hex(f.bytes) })),
            seats: out.result.parties.filter((p) => p.seats > 0).map((p) => ({ list: p.party.listNumber, seats: p.seats })),
          } satisfies DocumentsCreateDetails);
          return id;
        })
        .immediate();
      anchorAudit(ctx, at);
      const docs = documentsOfSet(ctx.db, setId);
      return { setId, creationDateTime, documents: docs.map((d) => ({ id: d.id, kind: d.kind, fileName: d.file_name })) };
    },
  }),
];
