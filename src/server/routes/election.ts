import { z } from 'zod';
import { candidateDisplayName, kieskringen, municipalityCode, municipalitiesOf, type CandidateLists } from '../../domain/election.ts';
import { chooseHiddenGroups, formatHash, maskedHash } from '../../domain/hashcode.ts';
import { installationOf } from '../../domain/installation.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { emlReaders, unreadable } from '../eml-adapter.ts';
import { ApiError, MAX_EML_BYTES, route } from '../http.ts';
import { KeyInfo } from './keys.ts';
import {
  actorOf,
  candidateListsFile,
  currentPhase,
  definitionOf,
  electionDto,
  ElectionDto,
  electionRow,
  requireElection,
  stemgebiedOf,
  Stemgebied,
} from '../state.ts';
import { csbListCount, hsbKeyCount } from '../store/csb.ts';
import { affiliationRow, candidateOfRow, candidateRowsOfList, listSummaries, replaceCandidateLists, replaceElection } from '../store/election.ts';
import { hasOwnKey, listMunicipalityKeys, municipalityKeyCodes } from '../store/keys.ts';
import { anySetupEntered } from '../store/pollingStations.ts';
import { confirmUploadHash, findUpload, StagedHashDto, stageUpload, takeUpload } from '../uploads.ts';

const UploadId = z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige upload-id.');

/**
 * The stemgebied: `kieskring: 5` (an HSB, as before) or `stemgebied: { category: 'KIESKRING' | 'GEMEENTE', number }`
 * (GEMEENTE: the municipality's number as in the 110a, e.g. 34 for Almere; STAAT: the centraal stembureau,
 * the number of the 110a's STAAT region, 1). Exactly one of the two.
 */
const DefinitionConfirmBody = z
  .object({
    uploadId: UploadId,
    hashConfirmed: z.literal(true),
    kieskring: z.number().int().positive().optional(),
    stemgebied: z
      .object({ category: z.enum(['KIESKRING', 'GEMEENTE', 'STAAT']), number: z.number().int().positive() })
      .strict()
      .optional(),
    /** Practice mode ("OEFENING"): past elections allowed, everything marked as practice. */
    practice: z.boolean().optional(),
  })
  .refine((b) => (b.kieskring === undefined) !== (b.stemgebied === undefined), {
    message: 'Kies een stemgebied: een kieskring (hoofdstembureau) of een gemeente.',
  });

const ListsConfirmBody = z.object({
  uploadId: UploadId,
  groups: z.tuple([z.string().max(20), z.string().max(20)]),
});

const ListParams = z.object({ listNumber: z.coerce.number().int().positive() });

const Region = z.object({ number: z.number().int(), name: z.string() });

const DefinitionPreview = z.object({
  uploadId: z.string(),
  fileName: z.string(),
  hash: z.string(),
  electionId: z.string(),
  name: z.string(),
  category: z.string(),
  electionDate: z.string(),
  numberOfSeats: z.number().int(),
  /** The STAAT region (the centraal stembureau's stemgebied), when the 110a has one. */
  staat: Region.nullable(),
  kieskringen: z.array(Region),
  /** Every municipality, grouped by kieskring (a gemeente installation chooses one of these). */
  municipalities: z.array(z.object({ number: z.number().int(), code: z.string(), name: z.string(), kieskring: z.number().int() })),
});

const CandidateListsPreview = StagedHashDto.extend({
  electionId: z.string(),
  contestId: z.string(),
  contestName: z.string(),
  lists: z.number().int(),
  candidates: z.number().int(),
});

const ListSummary = z.object({ listNumber: z.number().int(), name: z.string(), type: z.string(), publishGender: z.boolean(), candidates: z.number().int() });

const Candidate = z.object({
  position: z.number().int(),
  name: z.string(),
  initials: z.string(),
  firstName: z.string().nullable(),
  prefix: z.string().nullable(),
  lastName: z.string(),
  gender: z.string().nullable(),
  locality: z.string().nullable(),
});

const Regions = z.object({
  stemgebied: Stemgebied,
  kieskring: Region,
  municipalities: z.array(z.object({ number: z.number().int(), code: z.string(), name: z.string(), key: KeyInfo.nullable() })),
});

/** The definition may be (re)imported only in phase 1 and before anything depends on it. */
function checkDefinitionReplaceable(ctx: AppContext): void {
  if (currentPhase(ctx) !== 1) {
    throw new ApiError(409, 'phase.wrong', 'De verkiezingsdefinitie kan alleen in fase 1 worden geïmporteerd.');
  }
  if (candidateListsFile(ctx)) {
    throw new ApiError(
      409,
      'election.definition_locked',
      'De kandidatenlijsten zijn al geïmporteerd; de verkiezingsdefinitie kan niet meer worden vervangen.',
    );
  }
  if (anySetupEntered(ctx.db)) {
    throw new ApiError(
      409,
      'election.definition_locked',
      'Er zijn al stembureaus of het aantal kiesgerechtigden ingevoerd; verwijder die eerst om de verkiezingsdefinitie te vervangen.',
    );
  }
  if (csbListCount(ctx.db) > 0) {
    throw new ApiError(
      409,
      'election.definition_locked',
      'De kandidatenlijsten zijn al geïmporteerd; de verkiezingsdefinitie kan niet meer worden vervangen.',
    );
  }
  if (hasOwnKey(ctx.db) || municipalityKeyCodes(ctx.db).length > 0 || hsbKeyCount(ctx.db) > 0) {
    throw new ApiError(
      409,
      'election.definition_locked',
      'Er zijn al sleutels aangemaakt of geïmporteerd; de verkiezingsdefinitie kan niet meer worden vervangen.',
    );
  }
}

function checkListsReplaceable(ctx: AppContext): void {
  if (installationOf(requireElection(ctx).stemgebied_category).phase1.kieskringen) {
    throw new ApiError(
      409,
      'stemgebied.csb',
      'Een centraal stembureau importeert de kandidatenlijsten per kieskring (Kandidatenlijsten per kieskring importeren).',
    );
  }
  if (currentPhase(ctx) !== 1) {
    throw new ApiError(409, 'phase.wrong', 'De kandidatenlijsten kunnen alleen in fase 1 worden geïmporteerd.');
  }
}

function countCandidates(lists: CandidateLists): number {
  return lists.affiliations.reduce((n, a) => n + a.candidates.length, 0);
}

export const electionRoutes = [
  route({
    method: 'GET',
    url: '/api/election',
    access: 'election.view',
    tag: 'verkiezing',
    summary: 'De geïmporteerde verkiezing en de huidige fase.',
    response: z.object({ election: ElectionDto.nullable(), phase: z.union([z.literal(1), z.literal(2), z.literal(3)]), practiceOnly: z.boolean() }),
    handler: ({ ctx }) => ({ election: electionDto(ctx), phase: currentPhase(ctx), practiceOnly: ctx.config.practiceOnly }),
  }),
  route({
    method: 'POST',
    url: '/api/election/definition/preview',
    access: 'election.import',
    tag: 'verkiezing',
    summary: 'Upload een verkiezingsdefinitie (EML 110a); toont hashcode, kieskringen en hun gemeenten, importeert nog niets.',
    multipart: { maxBytes: MAX_EML_BYTES },
    response: DefinitionPreview,
    handler: async ({ ctx, user, file, now }) => {
      checkDefinitionReplaceable(ctx);
      const eml = await emlReaders();
      const f = file!;
      const read = await eml.readElectionDefinitionWithHash(f.bytes);
      if (!read.ok) throw unreadable(ctx, read);
      const { value: def, hash } = read.value;
      if (!hash.ok) throw ApiError.from(422, hash);
      const uploadId = stageUpload(ctx, 'definition', user!, f, hash.value.hex, {}, now);
      return {
        uploadId,
        fileName: f.fileName,
        hash: formatHash(hash.value.hex),
        electionId: def.id,
        name: def.name,
        category: def.category,
        electionDate: def.electionDate,
        numberOfSeats: def.numberOfSeats,
        staat: (() => {
          const s = def.regions.find((r) => r.category === 'STAAT');
          return s ? { number: s.number, name: s.name } : null;
        })(),
        kieskringen: kieskringen(def)
          .map((k) => ({ number: k.number, name: k.name }))
          .sort((a, b) => a.number - b.number),
        municipalities: kieskringen(def)
          .sort((a, b) => a.number - b.number)
          .flatMap((k) =>
            municipalitiesOf(def, k.number).map((m) => ({
              number: m.number,
              code: municipalityCode(m.number),
              name: m.name,
              kieskring: k.number,
            })),
          ),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/definition/confirm',
    access: 'election.import',
    tag: 'verkiezing',
    summary: 'Importeer de verkiezingsdefinitie na bevestiging van de hashcode, met het gekozen stemgebied (kieskring of gemeente).',
    body: DefinitionConfirmBody,
    response: z.object({ election: ElectionDto.nullable() }),
    handler: async ({ ctx, user, body, now }) => {
      const upload = findUpload(ctx, body.uploadId, 'definition', user!, now);
      const eml = await emlReaders();
      const parsed = await eml.readElectionDefinition(upload.bytes);
      if (!parsed.ok) throw unreadable(ctx, parsed);
      const def = parsed.value;
      const chosen = body.stemgebied ?? { category: 'KIESKRING' as const, number: body.kieskring! };
      let municipality: { number: number; name: string } | null = null;
      let kieskringNumber = chosen.number;
      // The CSB: the STAAT region takes the kieskring's place in the election row (state.ts stemgebiedOf).
      let staat: { number: number; name: string } | null = null;
      if (chosen.category === 'STAAT') {
        const s = def.regions.find((r) => r.category === 'STAAT' && r.number === chosen.number);
        if (!s) {
          throw new ApiError(422, 'election.staat_unknown', `Deze verkiezingsdefinitie heeft geen gebied van het niveau STAAT met nummer ${chosen.number}.`);
        }
        if (kieskringen(def).length === 0) {
          throw new ApiError(422, 'election.no_kieskringen', 'Deze verkiezingsdefinitie heeft geen kieskringen; een centraal stembureau telt kieskringen op.');
        }
        staat = { number: s.number, name: s.name };
      } else if (chosen.category === 'GEMEENTE') {
        const m = def.regions.find((r) => r.category === 'GEMEENTE' && r.number === chosen.number);
        if (!m || m.superiorCategory !== 'KIESKRING' || m.superiorNumber === null) {
          throw new ApiError(
            422,
            'election.gemeente_unknown',
            `Gemeente ${municipalityCode(chosen.number)} komt niet voor in deze verkiezingsdefinitie (of hoort bij geen kieskring).`,
          );
        }
        municipality = { number: m.number, name: m.name };
        kieskringNumber = m.superiorNumber;
      }
      const kieskring = staat ?? kieskringen(def).find((k) => k.number === kieskringNumber);
      if (!kieskring) {
        throw new ApiError(422, 'election.kieskring_unknown', `Kieskring ${kieskringNumber} komt niet voor in deze verkiezingsdefinitie.`);
      }
      const practice = body.practice === true || ctx.config.practiceOnly;
      ctx.db.transaction(() => {
        checkDefinitionReplaceable(ctx);
        const previous = electionRow(ctx);
        replaceElection(ctx.db, {
          definition: def,
          kieskring,
          stemgebiedCategory: chosen.category,
          municipality,
          fileName: upload.file_name,
          hash: upload.hash,
          bytes: upload.bytes,
          importedAt: now.toISOString(),
          importedBy: user!.id,
          practice,
        });
        writeAudit(ctx.db, now, actorOf(user!), previous ? 'election.definition.replace' : 'election.definition.import', {
          fileName: upload.file_name,
          hash: formatHash(upload.hash),
          electionId: def.id,
          kieskring: kieskring.number,
          kieskringName: kieskring.name,
          stemgebied: chosen.category,
          ...(municipality ? { gemeente: municipalityCode(municipality.number), gemeenteName: municipality.name } : {}),
          hashConfirmed: true,
          practice,
          ...(previous ? { previousHash: formatHash(previous.definition_hash) } : {}),
        });
        takeUpload(ctx, upload.id);
      })();
      return { election: electionDto(ctx) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/candidate-lists/preview',
    access: 'election.import',
    tag: 'verkiezing',
    summary: 'Upload de kandidatenlijsten (EML 230b); toont de hashcode met twee verborgen groepen.',
    multipart: { maxBytes: MAX_EML_BYTES },
    response: CandidateListsPreview,
    handler: async ({ ctx, user, file, now }) => {
      checkListsReplaceable(ctx);
      const election = requireElection(ctx);
      const eml = await emlReaders();
      const f = file!;
      const read = await eml.readCandidateListsWithHash(f.bytes);
      if (!read.ok) throw unreadable(ctx, read);
      const { value: lists, hash } = read.value;
      const match = eml.checkCandidateListsMatch(definitionOf(election), election.kieskring_number, lists);
      if (!match.ok) throw ApiError.from(422, match);
      if (!hash.ok) throw ApiError.from(422, hash);
      const hidden = chooseHiddenGroups((n) => ctx.random.randomInt(n));
      const uploadId = stageUpload(ctx, 'candidate_lists', user!, f, hash.value.hex, { hiddenGroups: hidden }, now);
      return {
        uploadId,
        fileName: f.fileName,
        maskedHash: maskedHash(hash.value.hex, hidden),
        hiddenGroups: hidden,
        electionId: lists.electionId,
        contestId: lists.contestId,
        contestName: lists.contestName,
        lists: lists.affiliations.length,
        candidates: countCandidates(lists),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/candidate-lists/confirm',
    access: 'election.import',
    tag: 'verkiezing',
    summary: 'Importeer de kandidatenlijsten na het intypen van de twee verborgen hashcode-groepen.',
    body: ListsConfirmBody,
    response: z.object({ election: ElectionDto.nullable() }),
    handler: async ({ ctx, user, body, now }) => {
      const upload = findUpload(ctx, body.uploadId, 'candidate_lists', user!, now);
      const { hiddenGroups } = upload.context;
      confirmUploadHash(
        ctx,
        upload,
        hiddenGroups,
        body.groups,
        { user: user!, action: 'election.candidate_lists.hash_mismatch', details: { fileName: upload.file_name } },
        now,
      );
      checkListsReplaceable(ctx);
      requireElection(ctx);
      const eml = await emlReaders();
      const parsed = await eml.readCandidateLists(upload.bytes);
      if (!parsed.ok) throw unreadable(ctx, parsed);
      // The election as it is now, after the wait for the worker (a definition confirmed meanwhile), up to the transaction.
      const election = requireElection(ctx);
      const match = eml.checkCandidateListsMatch(definitionOf(election), election.kieskring_number, parsed.value);
      if (!match.ok) throw ApiError.from(422, match);
      const lists = parsed.value;
      ctx.db.transaction(() => {
        checkListsReplaceable(ctx);
        const previous = candidateListsFile(ctx);
        replaceCandidateLists(ctx.db, {
          lists,
          fileName: upload.file_name,
          hash: upload.hash,
          bytes: upload.bytes,
          importedAt: now.toISOString(),
          importedBy: user!.id,
        });
        writeAudit(ctx.db, now, actorOf(user!), previous ? 'election.candidate_lists.replace' : 'election.candidate_lists.import', {
          fileName: upload.file_name,
          hash: formatHash(upload.hash),
          contestId: lists.contestId,
          lists: lists.affiliations.length,
          candidates: countCandidates(lists),
          ...(previous ? { previousHash: formatHash(previous.hash) } : {}),
        });
        takeUpload(ctx, upload.id);
      })();
      return { election: electionDto(ctx) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/election/regions',
    access: 'election.view',
    tag: 'verkiezing',
    summary: 'De kieskring en zijn gemeenten, met hun geïmporteerde sleutels.',
    response: Regions,
    handler: ({ ctx }) => {
      const e = requireElection(ctx);
      const keys = new Map(listMunicipalityKeys(ctx.db).map((k) => [k.code, k]));
      const stemgebied = stemgebiedOf(e);
      // A gemeente imports no municipality keys: it sees only itself.
      const own = stemgebied.category === 'GEMEENTE' ? stemgebied.number : null;
      return {
        stemgebied,
        kieskring: { number: e.kieskring_number, name: e.kieskring_name },
        municipalities: municipalitiesOf(definitionOf(e), e.kieskring_number).filter((m) => own === null || m.number === own).map((m) => {
          const code = municipalityCode(m.number);
          const k = keys.get(code);
          return {
            number: m.number,
            code,
            name: m.name,
            key: k ? { subject: k.subject, fingerprint: k.fingerprint, notAfter: k.not_after, importedAt: k.imported_at } : null,
          };
        }),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/election/lists',
    access: 'election.view',
    tag: 'verkiezing',
    summary: 'De kandidatenlijsten (partijen) met het aantal kandidaten.',
    response: z.object({ lists: z.array(ListSummary) }),
    handler: ({ ctx }) => {
      requireElection(ctx);
      const rows = listSummaries(ctx.db);
      return {
        lists: rows.map((r) => ({
          listNumber: r.list_number,
          name: r.name,
          type: r.type,
          publishGender: r.publish_gender === 1,
          candidates: r.candidates,
        })),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/election/lists/:listNumber/candidates',
    access: 'election.view',
    tag: 'verkiezing',
    summary: 'De kandidaten van één lijst.',
    params: ListParams,
    response: z.object({ list: ListSummary, candidates: z.array(Candidate) }),
    handler: ({ ctx, params }) => {
      const a = affiliationRow(ctx.db, params.listNumber);
      if (!a) throw new ApiError(404, 'list.not_found', `Lijst ${params.listNumber} bestaat niet.`);
      const cands = candidateRowsOfList(ctx.db, params.listNumber);
      return {
        list: { listNumber: a.list_number, name: a.name, type: a.type, publishGender: a.publish_gender === 1, candidates: cands.length },
        candidates: cands.map((c) => ({
          position: c.position,
          name: candidateDisplayName(candidateOfRow(c)),
          initials: c.initials,
          firstName: c.first_name,
          prefix: c.prefix,
          lastName: c.last_name,
          gender: c.gender,
          locality: c.locality,
        })),
      };
    },
  }),
];
