import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  certificateFileName,
  certificateValidity,
  checkCertificateFor,
  createSelfSignedCertificate,
  hsbSubject,
  municipalitySubject,
  parseCertificate,
  privateKeyFileName,
  subjectText,
} from '../../crypto/certificate.ts';
import { generateRsaKeyPair, writePrivateKey } from '../../crypto/keys.ts';
import { municipalityCode, municipalitiesOf } from '../../domain/election.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { ApiError, MAX_CERTIFICATE_BYTES, route } from '../http.ts';
import { sha256Hex } from '../sessions.ts';
import { actorOf, definitionOf, requireElection, stemgebiedOf } from '../state.ts';
import { deleteUpload, findUpload, stageUpload } from '../uploads.ts';

interface OwnKeyRow {
  subject: string;
  fingerprint: string;
  not_before: string;
  not_after: string;
  certificate_pem: string;
  file_name: string;
}

function ownKey(ctx: AppContext): OwnKeyRow | undefined {
  return ctx.db.prepare('SELECT * FROM own_key WHERE id = 1').get() as OwnKeyRow | undefined;
}

function ownKeyDto(k: OwnKeyRow) {
  return { subject: k.subject, fingerprint: k.fingerprint, notBefore: k.not_before, notAfter: k.not_after, fileName: k.file_name };
}

const CodeParams = z.object({ code: z.string().regex(/^\d{4}$/, 'Een gemeentecode bestaat uit 4 cijfers.') });
const KeyConfirmBody = z.object({
  uploadId: z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige upload-id.'),
  replace: z.boolean().optional(),
});

/** The municipality with this 4-digit code in our kieskring, or 404. */
function municipality(ctx: AppContext, code: string) {
  const e = requireElection(ctx);
  if (e.stemgebied_category === 'GEMEENTE') {
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

export const keyRoutes = [
  route({
    method: 'GET',
    url: '/api/keys/own',
    access: 'election.view',
    tag: 'sleutels',
    summary: 'Het eigen sleutelpaar (alleen het certificaat; de privésleutel verlaat de gegevensmap nooit).',
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
        const names =
          stemgebied.category === 'GEMEENTE'
            ? { electionId: e.election_id, kind: 'gemeente' as const, name: stemgebied.name }
            : { electionId: e.election_id, kind: 'hoofdstembureau' as const, name: e.kieskring_name };
        const keyFile = path.join(ctx.keysDir, privateKeyFileName(names));
        const written = await writePrivateKey(keyFile, pair.privateKeyPem);
        if (!written.ok) throw ApiError.from(409, written);
        const t = ctx.clock();
        try {
          ctx.db.transaction(() => {
            if (ownKey(ctx)) throw new ApiError(409, 'key.exists', 'Het sleutelpaar is al aangemaakt.');
            ctx.db
              .prepare(
                `INSERT INTO own_key (id, subject, fingerprint, not_before, not_after, certificate_pem, file_name,
                   private_key_file, created_at, created_by) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              )
              .run(
                subjectText(subject),
                info.value.fingerprint,
                info.value.notBefore.toISOString(),
                info.value.notAfter.toISOString(),
                info.value.pem,
                certificateFileName(names),
                path.basename(keyFile),
                t.toISOString(),
                user!.id,
              );
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
    handler: ({ ctx, user, params, file, now }) => {
      const { election } = municipality(ctx, params.code);
      const f = file!;
      // Parse without the validity check first so an expired certificate is still shown.
      const info = parseCertificate(f.bytes, now, { checkValidity: false });
      if (!info.ok) throw ApiError.from(422, info);
      const reasons: string[] = [];
      const valid = parseCertificate(f.bytes, now);
      if (!valid.ok) reasons.push(valid.message);
      reasons.push(...checkCertificateFor(info.value, { electionId: election.election_id, municipalityCode: params.code }));
      const importable = reasons.length === 0;
      const existing = ctx.db.prepare('SELECT fingerprint FROM municipality_keys WHERE code = ?').get(params.code) as
        | { fingerprint: string }
        | undefined;
      const uploadId = importable
        ? stageUpload(ctx, 'municipality_key', user!, f, sha256Hex(f.bytes), { code: params.code }, now)
        : null;
      return {
        uploadId,
        fileName: f.fileName,
        subject: info.value.subjectText,
        fingerprint: info.value.fingerprint,
        notBefore: info.value.notBefore.toISOString(),
        notAfter: info.value.notAfter.toISOString(),
        importable,
        reasons,
        existingKey: existing ? { fingerprint: existing.fingerprint } : null,
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
    handler: ({ ctx, user, params, body, now }) => {
      const { election, municipality: m } = municipality(ctx, params.code);
      const upload = findUpload(ctx, body.uploadId, 'municipality_key', user!, now);
      const { code } = JSON.parse(upload.context_json) as { code: string };
      if (code !== params.code) {
        throw new ApiError(409, 'upload.other_region', 'Dit bestand is geüpload voor een andere gemeente. Upload het opnieuw.');
      }
      const info = parseCertificate(upload.bytes, now);
      if (!info.ok) throw ApiError.from(422, info);
      const reasons = checkCertificateFor(info.value, { electionId: election.election_id, municipalityCode: params.code });
      if (reasons.length) throw new ApiError(422, 'key.not_importable', reasons.join(' '));
      ctx.db.transaction(() => {
        const existing = ctx.db.prepare('SELECT fingerprint FROM municipality_keys WHERE code = ?').get(params.code) as
          | { fingerprint: string }
          | undefined;
        if (existing && body.replace !== true) {
          throw new ApiError(
            409,
            'key.exists',
            `Voor ${m.name} is al een publieke sleutel geïmporteerd (vingerafdruk ${existing.fingerprint}). Bevestig dat u deze wilt vervangen.`,
          );
        }
        ctx.db
          .prepare(
            `INSERT INTO municipality_keys (code, subject, fingerprint, not_before, not_after, certificate_pem, file_name, imported_at, imported_by)
             VALUES (@code, @subject, @fingerprint, @nb, @na, @pem, @fileName, @at, @by)
             ON CONFLICT(code) DO UPDATE SET subject = excluded.subject, fingerprint = excluded.fingerprint,
               not_before = excluded.not_before, not_after = excluded.not_after, certificate_pem = excluded.certificate_pem,
               file_name = excluded.file_name, imported_at = excluded.imported_at, imported_by = excluded.imported_by`,
          )
          .run({
            code: params.code,
            subject: info.value.subjectText,
            fingerprint: info.value.fingerprint,
            nb: info.value.notBefore.toISOString(),
            na: info.value.notAfter.toISOString(),
            pem: info.value.pem,
            fileName: upload.file_name,
            at: now.toISOString(),
            by: user!.id,
          });
        writeAudit(ctx.db, now, actorOf(user!), existing ? 'key.municipality.replace' : 'key.municipality.import', {
          code: params.code,
          name: m.name,
          fileName: upload.file_name,
          subject: info.value.subjectText,
          fingerprint: info.value.fingerprint,
          ...(existing ? { previousFingerprint: existing.fingerprint } : {}),
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
];
