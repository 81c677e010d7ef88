import { z } from 'zod';
import type { AnyRoute, Method, ResponseOf } from '../http.ts';
import { route } from '../http.ts';
import { openApiDocument } from '../openapi.ts';
import { auditRoutes } from './audit.ts';
import { countRoutes } from './counts.ts';
import { csbRoutes } from './csb.ts';
import { documentRoutes } from './documents.ts';
import { electionRoutes } from './election.ts';
import { keyRoutes } from './keys.ts';
import { phaseRoutes } from './phase.ts';
import { pollingStationRoutes } from './pollingStations.ts';
import { sessionRoutes } from './session.ts';
import { userRoutes } from './users.ts';

const publicRoutes = [
  route({
    method: 'GET',
    url: '/api/health',
    access: 'public',
    tag: 'algemeen',
    summary: 'Draait de server?',
    response: z.object({ ok: z.boolean(), version: z.string() }),
    handler: ({ ctx }) => ({ ok: true, version: ctx.version }),
  }),
  route({
    method: 'GET',
    url: '/api/openapi.json',
    access: 'public',
    tag: 'algemeen',
    summary: 'Dit OpenAPI-document.',
    response: z.record(z.string(), z.unknown()),
    handler: ({ ctx }) => openApiDocument(allRoutes, ctx.version),
  }),
];

const routeTable = [
  ...publicRoutes,
  ...sessionRoutes,
  ...userRoutes,
  ...electionRoutes,
  ...keyRoutes,
  ...phaseRoutes,
  ...auditRoutes,
  ...countRoutes,
  ...documentRoutes,
  ...pollingStationRoutes,
  ...csbRoutes,
];

/** The single route table: every /api route with its access rule. Tests enumerate it. */
export const allRoutes: readonly AnyRoute[] = routeTable;

/** Every route with its method, URL and response type: the API contract the UI client is typed by. */
export type ApiRoute = (typeof routeTable)[number];

/** The JSON answer of `method url` (the URL as the route declares it, e.g. '/api/counts/:code'). */
export type ApiResponse<M extends Method, U extends Extract<ApiRoute, { readonly method: M }>['url']> = ResponseOf<ApiRoute, M, U>;

