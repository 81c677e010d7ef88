import { z } from 'zod';
import { MAX_COUNT } from '../../domain/entry.ts';
import { MAX_POLLING_STATION_NUMBER, parsePollingStationsCsv, type PollingStationInput } from '../../domain/pollingStations.ts';
import { looksLikeXml, MAX_110B_BYTES, readPollingStations110b } from '../../eml/eml110b.ts';
import { ApiError, route } from '../http.ts';
import {
  addPollingStation,
  deletePollingStation,
  importPollingStations,
  pollingStationDto,
  pollingStationsOverview,
  PollingStationsOverview,
  PollingStationDto,
  EligibleVoters,
  requireStationSetup,
  setEligibleVoters,
  updatePollingStation,
} from '../pollingStations.ts';
import { sha256Hex } from '../sessions.ts';
import { requireElection, requireGemeente } from '../state.ts';

/** A CSV of a few thousand stations is far below this. */
export const MAX_POLLING_STATION_CSV_BYTES = 1024 * 1024;
/** The upload limit of the import: a CSV (≤ 1 MB) or an EML 110b (≤ 10 MB; with the newer address extensions a 110b is larger). */
export const MAX_POLLING_STATION_FILE_BYTES = MAX_110B_BYTES;

const StationNumber = z
  .number({ error: 'Het nummer van een stembureau is een heel getal.' })
  .int({ error: 'Het nummer van een stembureau is een heel getal.' })
  .min(1, { error: 'Het nummer van een stembureau is 1 of hoger.' })
  .max(MAX_POLLING_STATION_NUMBER, { error: `Het nummer van een stembureau is ten hoogste ${MAX_POLLING_STATION_NUMBER}.` });
const Name = z.string().max(1000);
const Postcode = z.string().max(20).nullable().optional();

const NumberParams = z.object({ number: z.coerce.number().int().min(1).max(MAX_POLLING_STATION_NUMBER) });
const AddBody = z.object({ number: StationNumber, name: Name, postcode: Postcode }).strict();
const UpdateBody = z.object({ number: StationNumber.optional(), name: Name, postcode: Postcode }).strict();
const ImportQuery = z.object({ replace: z.enum(['true', 'false']).optional() });
const EligibleBody = z
  .object({
    count: z
      .number({ error: 'Vul een heel getal in.' })
      .int({ error: 'Vul een heel getal in.' })
      .min(0, { error: 'Het aantal kan niet negatief zijn.' })
      .max(MAX_COUNT),
  })
  .strict();

export const pollingStationRoutes = [
  route({
    method: 'GET',
    url: '/api/polling-stations',
    access: 'election.view',
    tag: 'stembureaus',
    summary: 'Gemeente: de stembureaus (nummer, naam, postcode) en het aantal kiesgerechtigden van de gemeente.',
    response: PollingStationsOverview,
    handler: ({ ctx }) => pollingStationsOverview(ctx),
  }),
  route({
    method: 'POST',
    url: '/api/polling-stations',
    access: 'election.import',
    tag: 'stembureaus',
    summary: 'Gemeente, fase 1: voeg een stembureau toe.',
    body: AddBody,
    status: 201,
    response: z.object({ pollingStation: PollingStationDto }),
    handler: ({ ctx, user, body, now }) => {
      const p = addPollingStation(ctx, user!, body, now);
      return { pollingStation: pollingStationDto(ctx, p) };
    },
  }),
  route({
    method: 'PUT',
    url: '/api/polling-stations/:number',
    access: 'election.import',
    tag: 'stembureaus',
    summary: 'Gemeente, fase 1: wijzig naam, postcode of nummer van een stembureau (nummer alleen zonder steminvoer).',
    params: NumberParams,
    body: UpdateBody,
    response: z.object({ pollingStation: PollingStationDto }),
    handler: ({ ctx, user, params, body, now }) => {
      const p = updatePollingStation(ctx, user!, params.number, body, now);
      return { pollingStation: pollingStationDto(ctx, p) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/polling-stations/:number/delete',
    access: 'election.import',
    tag: 'stembureaus',
    summary: 'Gemeente, fase 1: verwijder een stembureau (geweigerd als het steminvoer heeft).',
    params: NumberParams,
    response: z.object({ deleted: z.number().int() }),
    handler: ({ ctx, user, params, now }) => {
      deletePollingStation(ctx, user!, params.number, now);
      return { deleted: params.number };
    },
  }),
  route({
    method: 'POST',
    url: '/api/polling-stations/import',
    access: 'election.import',
    tag: 'stembureaus',
    summary:
      'Gemeente, fase 1: importeer de stembureaus uit een CSV-bestand (nummer;naam;postcode, met kopregel) of uit een ' +
      'EML 110b (herkend aan de inhoud); alles of niets. Bestaande stembureaus worden alleen vervangen met ?replace=true.',
    multipart: { maxBytes: MAX_POLLING_STATION_FILE_BYTES },
    query: ImportQuery,
    response: PollingStationsOverview.extend({ imported: z.number().int(), format: z.enum(['csv', 'eml110b']) }),
    handler: ({ ctx, user, file, query, now }) => {
      requireStationSetup(ctx);
      const f = file!;
      let stations: readonly PollingStationInput[];
      let format: 'csv' | 'eml110b';
      if (looksLikeXml(f.bytes)) {
        const election = requireElection(ctx);
        const gemeente = requireGemeente(ctx, 'Stembureaus beheren');
        const parsed = readPollingStations110b(f.bytes, {
          electionId: election.election_id,
          electionDate: election.election_date,
          municipalityCode: gemeente.code,
          municipalityName: gemeente.name,
        });
        if (!parsed.ok) throw ApiError.from(422, parsed, 'lines' in parsed ? { lines: parsed.lines } : undefined);
        stations = parsed.value.stations;
        format = 'eml110b';
      } else {
        if (f.bytes.length > MAX_POLLING_STATION_CSV_BYTES) {
          throw new ApiError(413, 'upload.too_large', 'Het bestand is te groot om te importeren: een CSV-bestand mag hoogstens 1 MB zijn.');
        }
        const parsed = parsePollingStationsCsv(f.bytes);
        if (!parsed.ok) {
          throw ApiError.from(422, parsed, 'lines' in parsed ? { lines: parsed.lines } : undefined);
        }
        stations = parsed.value;
        format = 'csv';
      }
      const count = importPollingStations(
        ctx,
        user!,
        stations,
        { fileName: f.fileName, sha256: sha256Hex(f.bytes), format },
        query.replace === 'true',
        now,
      );
      return { imported: count, format, ...pollingStationsOverview(ctx) };
    },
  }),
  route({
    method: 'PUT',
    url: '/api/election/eligible-voters',
    access: 'election.import',
    tag: 'stembureaus',
    summary: 'Gemeente, fase 1 of 2: het aantal kiesgerechtigden van de gemeente (Z van de gemeente).',
    body: EligibleBody,
    response: z.object({ eligibleVoters: EligibleVoters }),
    handler: ({ ctx, user, body, now }) => ({ eligibleVoters: setEligibleVoters(ctx, user!, body.count, now) }),
  }),
];
