import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  certificateFileName,
  certificatePolicyProblems,
  certificateValidity,
  checkCertificateFor,
  createSelfSignedCertificate,
  hsbSubject,
  municipalitySubject,
  parseCertificate,
  privateKeyFileName,
  subjectText,
  type CertificateInfo,
} from '../../crypto/certificate.ts';
import { generateRsaKeyPair, writePrivateKey } from '../../crypto/keys.ts';
import { municipalityCode, municipalitiesOf } from '../../domain/election.ts';
import { installationOf } from '../../domain/installation.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { ApiError, MAX_CERTIFICATE_BYTES, route } from '../http.ts';
import { sha256Hex } from '../sessions.ts';
import { actorOf, currentPhase, definitionOf, requireElection, stemgebiedOf } from '../state.ts';
import {
  getMunicipalityKey,
  getOwnKey,
  insertOwnKey,
  insertReplaceApproval,
  markReplaceApprovalUsed,
  openReplaceApproval,
  storeImportedKey,
  type OpenApprovalRow,
  type OwnKeyRow,
} from '../store/keys.ts';
import { stagedMunicipalityKeyFiles } from '../store/uploads.ts';
import { deleteUpload, findUpload, stageUpload } from '../uploads.ts';

function ownKey(ctx: AppContext): OwnKeyRow | undefined {
  return getOwnKey(ctx.db);
}

const OwnKeyDto = z.object({ subject: z.string(), fingerprint: z.string(), notBefore: z.string(), notAfter: z.string(), fileName: z.string() });

/** A municipality's imported public key, as the API shows it. */
export const KeyInfo = z.object({ subject: z.string(), fingerprint: z.string(), notAfter: z.string(), importedAt: z.string() });

/** A previewed municipality's public key (certificate). */
export const KeyPreview = z.object({
  uploadId: z.string().nullable(),
  fileName: z.string(),
  subject: z.string(),
  /** CN and L of the subject: the authority's name and place, checked against the municipality. */
  commonName: z.string(),
  locality: z.string(),
  fingerprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  importable: z.boolean(),
  reasons: z.array(z.string()),
  existingKey: z.object({ fingerprint: z.string() }).nullable(),
  /** Replacing after phase 1: the election leader must first confirm this fingerprint. */
  replaceNeedsLeader: z.boolean(),
});

function ownKeyDto(k: OwnKeyRow): z.input<typeof OwnKeyDto> {
  return { subject: k.subject, fingerprint: k.fingerprint, notBefore: k.not_before, notAfter: k.not_after, fileName: k.file_name };
}

const CodeParams = z.object({ code: z.string().regex(/^\d{4}$/, 'Een gemeentecode bestaat uit 4 cijfers.') });
const KeyConfirmBody = z.object({
  uploadId: z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige upload-id.'),
  replace: z.boolean().optional(),
});
const ApproveReplaceBody = z.object({
  /** The new certificate's fingerprint, as the preview shows it. */
  fingerprint: z.string().trim().min(1, 'Geef de vingerafdruk van de nieuwe sleutel op.').max(200),
  reason: z.string().trim().min(1, 'Geef een reden op.').max(1000),
});

/**
 * After phase 1 (counts may already rest on the current key), replacing a municipality's key needs
 * the election leader's explicit confirmation of the new key (its fingerprint and a reason), recorded
 * in the audit log; the beheerder's import then uses that confirmation once.
 */
function replacementNeedsLeader(ctx: AppContext): boolean {
  return currentPhase(ctx) > 1;
}

function sameFingerprint(a: string, b: string): boolean {
  const norm = (x: string) => x.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return norm(a) === norm(b);
}

/** The municipality with this 4-digit code in our kieskring, or 404. */
function municipality(ctx: AppContext, code: string) {
  const e = requireElection(ctx);
  if (!installationOf(e.stemgebied_category).phase1.municipalityKeys) {
    throw new ApiError(
      409,
      'stemgebied.hsb_only',
      'Publieke sleutels van gemeenten importeren kan alleen in de installatie van een hoofdstembureau; deze installatie is van een gemeente.',
    );
  }
  const m = municipalitiesOf(definitionOf(e), e.kieskring_number).find((r) => municipalityCode(r.number) === code);
  if (!m) throw new ApiError(404, 'region.not_found', `Gemeente ${code} hoort niet bij deze kieskring.`);
  return { election: e, municipality: m };
}

/** Why a municipality's certificate may not be imported: whose it is (O, UID, CN, L) and the key policy. */
function importReasons(info: CertificateInfo, electionId: string, code: string, name: string): string[] {
  return [
    ...checkCertificateFor(info, { electionId, municipalityCode: code, municipalityName: name }),
    ...certificatePolicyProblems(info),
  ];
}

export const keyRoutes = [
  route({
    method: 'GET',
    url: '/api/keys/own',
    access: 'election.view',
    tag: 'sleutels',
    summary: 'Het eigen sleutelpaar (alleen het certificaat; de privésleutel verlaat de gegevensmap nooit).',
    response: z.object({ key: OwnKeyDto.nullable(), generating: z.boolean() }),
    handler: ({ ctx }) => {
      const k = ownKey(ctx);
      return { key: k ? ownKeyDto(k) : null, generating: ctx.keyGenerationRunning };
    },
  }),
  route({
    method: 'POST',
    url: '/api/keys/own',
    access: 'keys.own',
    tag: 'sleutels',
    summary: 'Maak eenmalig het eigen RSA-4096-sleutelpaar en certificaat aan.',
    status: 201,
    response: z.object({ key: OwnKeyDto }),
    handler: async ({ ctx, user }) => {
      const e = requireElection(ctx);
      if (ownKey(ctx)) throw new ApiError(409, 'key.exists', 'Het sleutelpaar is al aangemaakt.');
      if (ctx.keyGenerationRunning) throw new ApiError(409, 'key.busy', 'Het sleutelpaar wordt al aangemaakt; even geduld.');
      const now = ctx.clock();
      const validity = certificateValidity(now, e.election_date, { practice: e.practice === 1 });
      if (!validity.ok) {
        // Name the way on in the menu's words: a past election can only be practised with.
        throw new ApiError(
          409,
          validity.code,
          validity.code === 'certificate.election-past'
            ? `${validity.message} Wilt u oefenen met de bestanden van deze verkiezing? Kies dan bij "Aanmaken verkiezing" voor "Oefening"; dat kan zolang er nog geen kandidatenlijsten zijn geïmporteerd (of in een nieuwe installatie, gestart met serve --oefenen).`
            : validity.message,
        );
      }
      ctx.keyGenerationRunning = true;
      try {
        const pair = await generateRsaKeyPair();
        const stemgebied = stemgebiedOf(e);
        const subject =
          stemgebied.category === 'GEMEENTE'
            ? municipalitySubject({ electionId: e.election_id, code: stemgebied.code, name: stemgebied.name })
            : hsbSubject({ electionId: e.election_id, kieskringNumber: e.kieskring_number, name: e.kieskring_name });
        const serial = ctx.random.randomBytes(16);
        serial[0] = (serial[0]! & 0x7f) | 0x01;
        const pem = createSelfSignedCertificate({
          privateKeyPem: pair.privateKeyPem,
          publicKeyPem: pair.publicKeyPem,
          subject,
          notBefore: validity.value.notBefore,
          notAfter: validity.value.notAfter,
          serial,
        });
        const info = parseCertificate(pem, now);
        if (!info.ok) throw new Error(`own certificate does not parse: ${info.code} ${info.detail ?? info.message}`);
        // The stemgebied's name is the kieskring's for an HSB (and the STAAT region's for the CSB, kept in the same columns).
        const names = { electionId: e.election_id, kind: installationOf(e.stemgebied_category).keyHolder, name: stemgebied.name };
        const keyFile = path.join(ctx.keysDir, privateKeyFileName(names));
        const written = await writePrivateKey(keyFile, pair.privateKeyPem);
        if (!written.ok) throw ApiError.from(409, written);
        const t = ctx.clock();
        try {
          ctx.db.transaction(() => {
            if (ownKey(ctx)) throw new ApiError(409, 'key.exists', 'Het sleutelpaar is al aangemaakt.');
            insertOwnKey(ctx.db, {
              subject: subjectText(subject),
              fingerprint: info.value.fingerprint,
              not_before: info.value.notBefore.toISOString(),
              not_after: info.value.notAfter.toISOString(),
              certificate_pem: info.value.pem,
              file_name: certificateFileName(names),
              private_key_file: path.basename(keyFile),
              created_at: t.toISOString(),
              created_by: user!.id,
            });
            writeAudit(ctx.db, t, actorOf(user!), 'key.own.create', {
              subject: subjectText(subject),
              fingerprint: info.value.fingerprint,
              notAfter: info.value.notAfter.toISOString(),
            });
          })();
        } catch (err) {
          await rm(keyFile, { force: true });
          throw err;
        }
        return { key: ownKeyDto(ownKey(ctx)!) };
      } finally {
        ctx.keyGenerationRunning = false;
      }
    },
  }),
  route({
    method: 'GET',
    url: '/api/keys/own/certificate',
    access: 'keys.own',
    tag: 'sleutels',
    summary: 'Download het eigen certificaat (publieke sleutel) als PEM-bestand.',
    produces: 'application/x-pem-file',
    handler: ({ ctx, reply }) => {
      const k = ownKey(ctx);
      if (!k) throw new ApiError(404, 'key.none', 'Er is nog geen sleutelpaar aangemaakt.');
      return reply
        .type('application/x-pem-file')
        .header('content-disposition', `attachment; filename="${k.file_name}"`)
        .send(k.certificate_pem);
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/regions/:code/key/preview',
    access: 'keys.import',
    tag: 'sleutels',
    summary: 'Upload de publieke sleutel (certificaat) van een gemeente; toont onderwerp, vingerafdruk en bezwaren.',
    params: CodeParams,
    multipart: { maxBytes: MAX_CERTIFICATE_BYTES },
    response: KeyPreview,
    handler: ({ ctx, user, params, file, now }) => {
      const { election, municipality: m } = municipality(ctx, params.code);
      const f = file!;
      // Parse without the validity check first so an expired certificate is still shown.
      const info = parseCertificate(f.bytes, now, { checkValidity: false });
      if (!info.ok) throw ApiError.from(422, info);
      const reasons: string[] = [];
      const valid = parseCertificate(f.bytes, now);
      if (!valid.ok) reasons.push(valid.message);
      reasons.push(...importReasons(info.value, election.election_id, params.code, m.name));
      const importable = reasons.length === 0;
      const existing = getMunicipalityKey(ctx.db, params.code);
      const uploadId = importable
        ? stageUpload(ctx, 'municipality_key', user!, f, sha256Hex(f.bytes), { code: params.code }, now)
        : null;
      return {
        uploadId,
        fileName: f.fileName,
        subject: info.value.subjectText,
        commonName: info.value.subject.CN,
        locality: info.value.subject.L,
        fingerprint: info.value.fingerprint,
        notBefore: info.value.notBefore.toISOString(),
        notAfter: info.value.notAfter.toISOString(),
        importable,
        reasons,
        existingKey: existing ? { fingerprint: existing.fingerprint } : null,
        replaceNeedsLeader: existing !== undefined && replacementNeedsLeader(ctx),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/regions/:code/key/confirm',
    access: 'keys.import',
    tag: 'sleutels',
    summary: 'Importeer de eerder geüploade publieke sleutel van een gemeente; vervangen vraagt replace: true.',
    params: CodeParams,
    body: KeyConfirmBody,
    response: z.object({ key: KeyInfo }),
    handler: ({ ctx, user, params, body, now }) => {
      const { election, municipality: m } = municipality(ctx, params.code);
      const upload = findUpload(ctx, body.uploadId, 'municipality_key', user!, now);
      const { code } = upload.context;
      if (code !== params.code) {
        throw new ApiError(409, 'upload.other_region', 'Dit bestand is geüpload voor een andere gemeente. Upload het opnieuw.');
      }
      const info = parseCertificate(upload.bytes, now);
      if (!info.ok) throw ApiError.from(422, info);
      const reasons = importReasons(info.value, election.election_id, params.code, m.name);
      if (reasons.length) throw new ApiError(422, 'key.not_importable', reasons.join(' '));
      ctx.db.transaction(() => {
        const existing = getMunicipalityKey(ctx.db, params.code);
        if (existing && body.replace !== true) {
          throw new ApiError(
            409,
            'key.exists',
            `Voor ${m.name} is al een publieke sleutel geïmporteerd (vingerafdruk ${existing.fingerprint}). Bevestig dat u deze wilt vervangen.`,
          );
        }
        let approval: OpenApprovalRow | undefined;
        if (existing && existing.fingerprint !== info.value.fingerprint && replacementNeedsLeader(ctx)) {
          approval = openReplaceApproval(ctx.db, params.code, info.value.fingerprint);
          if (!approval) {
            throw new ApiError(
              409,
              'key.replace_needs_leader',
              `Fase 1 is voorbij: de publieke sleutel van ${m.name} kan alleen worden vervangen nadat de verkiezingsleider dit heeft bevestigd ` +
                `(Tonen stemgebieden > Vervangen publieke sleutel bevestigen, met de vingerafdruk van de nieuwe sleutel: ${info.value.fingerprint}). ` +
                'Het geüploade bestand blijft een uur bewaard.',
              info.value.fingerprint,
            );
          }
          markReplaceApprovalUsed(ctx.db, approval.id, now.toISOString());
        }
        storeImportedKey(ctx.db, 'municipality_keys', params.code, { info: info.value, fileName: upload.file_name, userId: user!.id, now });
        writeAudit(ctx.db, now, actorOf(user!), existing ? 'key.municipality.replace' : 'key.municipality.import', {
          code: params.code,
          name: m.name,
          fileName: upload.file_name,
          subject: info.value.subjectText,
          fingerprint: info.value.fingerprint,
          ...(existing ? { previousFingerprint: existing.fingerprint } : {}),
          ...(approval ? { approvedBy: approval.username, approvalReason: approval.reason, approvalId: approval.id } : {}),
        });
        deleteUpload(ctx, upload.id);
      })();
      return {
        key: {
          subject: info.value.subjectText,
          fingerprint: info.value.fingerprint,
          notAfter: info.value.notAfter.toISOString(),
          importedAt: now.toISOString(),
        },
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/regions/:code/key/approve-replace',
    access: 'phase.change',
    tag: 'sleutels',
    summary:
      'Na fase 1: de verkiezingsleider bevestigt dat de publieke sleutel van een gemeente mag worden vervangen door de sleutel met deze vingerafdruk (met reden; eenmalig).',
    params: CodeParams,
    body: ApproveReplaceBody,
    response: z.object({ approved: z.boolean(), code: z.string(), fingerprint: z.string() }),
    handler: ({ ctx, user, params, body, now }) => {
      const { municipality: m } = municipality(ctx, params.code);
      return ctx.db.transaction(() => {
        if (!replacementNeedsLeader(ctx)) {
          throw new ApiError(409, 'key.replace_not_needed', 'In fase 1 vervangt de beheerder een sleutel zonder bevestiging van de verkiezingsleider.');
        }
        const existing = getMunicipalityKey(ctx.db, params.code);
        if (!existing) throw new ApiError(409, 'key.none', `Voor ${m.name} is nog geen publieke sleutel geïmporteerd; er is niets te vervangen.`);
        const fingerprint = stagedMunicipalityKeyFiles(ctx.db, now.toISOString())
          .map((bytes) => parseCertificate(bytes, now, { checkValidity: false }))
          .flatMap((r) => (r.ok ? [r.value.fingerprint] : []))
          .find((f) => sameFingerprint(f, body.fingerprint));
        if (fingerprint === undefined) {
          throw new ApiError(
            409,
            'key.replace_unknown',
            `Er is geen geüploade sleutel met vingerafdruk ${body.fingerprint}. De beheerder uploadt eerst de nieuwe sleutel van ${m.name}; bevestig daarna de vingerafdruk die het scherm toont.`,
          );
        }
        if (fingerprint === existing.fingerprint) throw new ApiError(409, 'key.replace_same', 'Dit is de sleutel die al is geïmporteerd.');
        const id = insertReplaceApproval(ctx.db, {
          code: params.code,
          fingerprint,
          reason: body.reason,
          approvedAt: now.toISOString(),
          approvedBy: user!.id,
        });
        writeAudit(ctx.db, now, actorOf(user!), 'key.municipality.replace_approved', {
          code: params.code,
          name: m.name,
          fingerprint,
          previousFingerprint: existing.fingerprint,
          reason: body.reason,
          approvalId: id,
        });
        return { approved: true, code: params.code, fingerprint };
      }).immediate();
    },
  }),
];
