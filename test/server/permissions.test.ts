import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, can, type Role } from '../../src/domain/permissions.ts';
import { allRoutes } from '../../src/server/routes/index.ts';
import { ADMIN_PASSWORD, ApiClient, USER_PASSWORD, adminClient, startTestServer, userClient, type TestServer } from '../support/server.ts';

/**
 * Every route of the route table, as "METHOD url". A new route fails this test until it is added here
 * (and thereby checked by the role matrix below).
 */
const EXPECTED_ROUTES = [
  'GET /api/health',
  'GET /api/openapi.json',
  'POST /api/login',
  'POST /api/logout',
  'GET /api/session',
  'POST /api/session/extend',
  'POST /api/password',
  'GET /api/users',
  'POST /api/users',
  'POST /api/users/:id/disable',
  'POST /api/users/:id/enable',
  'POST /api/users/:id/reset-password',
  'GET /api/election',
  'POST /api/election/definition/preview',
  'POST /api/election/definition/confirm',
  'POST /api/election/candidate-lists/preview',
  'POST /api/election/candidate-lists/confirm',
  'GET /api/election/regions',
  'GET /api/election/lists',
  'GET /api/election/lists/:listNumber/candidates',
  'GET /api/keys/own',
  'POST /api/keys/own',
  'GET /api/keys/own/certificate',
  'POST /api/election/regions/:code/key/preview',
  'POST /api/election/regions/:code/key/confirm',
  'POST /api/election/regions/:code/key/approve-replace',
  'GET /api/phase',
  'POST /api/phase',
  'GET /api/audit',
  'GET /api/integrity',
  'GET /api/audit/export',
  'GET /api/counts/form-shape',
  'GET /api/counts/status',
  'GET /api/counts/:code',
  'POST /api/counts/:code/claim',
  'PUT /api/counts/:code/draft',
  'POST /api/counts/:code/submit',
  'POST /api/counts/:code/release',
  'POST /api/counts/:code/delete',
  'GET /api/counts/:code/differences',
  'POST /api/counts/:code/resolve',
  'POST /api/counts/import',
  'GET /api/counts/import/:jobId',
  'POST /api/counts/import/confirm',
  'GET /api/polling-stations',
  'POST /api/polling-stations',
  'PUT /api/polling-stations/:number',
  'POST /api/polling-stations/:number/delete',
  'POST /api/polling-stations/import',
  'PUT /api/election/eligible-voters',
  'GET /api/pv-details',
  'PUT /api/pv-details',
  'GET /api/finalise',
  'POST /api/finalise',
  'GET /api/documents/preview/o3.pdf',
  'GET /api/documents/preview/o3.odt',
  'GET /api/documents/preview/eml.xml',
  'GET /api/documents/preview/osv43.csv',
  'POST /api/documents/create',
  'GET /api/documents/jobs/:jobId',
  'GET /api/documents',
  'GET /api/documents/:id/download',
  'GET /api/results/osv43.csv',
  'GET /api/archive',
  'GET /api/archive/download',
  'POST /api/election/destroy',
  'GET /api/csb',
  'POST /api/csb/candidate-lists/preview',
  'POST /api/csb/candidate-lists/confirm',
  'POST /api/csb/keys/:kieskring/preview',
  'POST /api/csb/keys/:kieskring',
  'GET /api/csb/counts/:code/form-shape',
  'POST /api/csb/counts/:code/claim',
  'PUT /api/csb/counts/:code/draft',
  'POST /api/csb/counts/:code/submit',
  'POST /api/csb/counts/import',
  'POST /api/csb/counts/import/confirm',
  'GET /api/csb/lots',
  'POST /api/csb/lots',
  'POST /api/csb/documents',
];

/** Sample path parameter values that exist in no table (so allowed calls do nothing harmful). */
const PARAM_SAMPLES: Record<string, string> = { id: '99999', code: '0000', listNumber: '1', jobId: '0'.repeat(32), number: '99999', kieskring: '5' };

function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = PARAM_SAMPLES[name];
    if (v === undefined) throw new Error(`no sample value for path parameter ${name} in ${url}`);
    return v;
  });
}

describe('permissions: every route as every role', () => {
  let server: TestServer;
  const clients = new Map<Role | 'anoniem', ApiClient>();
  const passwords = new Map<Role, [string, string]>();

  before(async () => {
    server = await startTestServer();
    const admin = await adminClient(server);
    clients.set('beheerder', admin);
    passwords.set('beheerder', ['admin', ADMIN_PASSWORD]);
    for (const role of ROLES) {
      if (role === 'beheerder') continue;
      clients.set(role, await userClient(server, admin, role, `rol-${role}`));
      passwords.set(role, [`rol-${role}`, USER_PASSWORD + '!']);
    }
    clients.set('anoniem', new ApiClient(server.url));
  });
  after(() => server.close());

  test('the route table is exactly the tested list', () => {
    assert.deepEqual(allRoutes.map((r) => `${r.method} ${r.url}`).sort(), [...EXPECTED_ROUTES].sort());
  });

  test('the OpenAPI document describes every route', async () => {
    const r = await new ApiClient(server.url).get('/api/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.json.openapi, '3.1.0');
    for (const route of allRoutes) {
      const p = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = r.json.paths[p]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${p} missing`);
      assert.equal(op['x-access'], route.access);
      if (route.body) assert.ok(op.requestBody.content['application/json'].schema, `${p} body schema`);
      if (route.multipart) assert.ok(op.requestBody.content['multipart/form-data'], `${p} multipart`);
    }
    const login = r.json.paths['/api/login'].post.requestBody.content['application/json'].schema;
    assert.deepEqual([...login.required].sort(), ['password', 'username']);
  });

  for (const who of ['anoniem', ...ROLES] as const) {
    test(`as ${who}`, async () => {
      for (const route of allRoutes) {
        const client = clients.get(who)!;
        const url = concrete(route.url);
        const r = route.multipart
          ? await client.upload(url, 'bestand.xml', 'x')
          : await client.request(route.method, url, route.method === 'GET' ? undefined : {});
        const label = `${who}: ${route.method} ${route.url} -> ${r.status} ${r.text.slice(0, 200)}`;
        if (route.access === 'public') {
          assert.ok(r.status !== 401 && r.status !== 403, label);
        } else if (who === 'anoniem') {
          assert.equal(r.status, 401, label);
        } else if (route.access === 'session' || can(who, route.access)) {
          assert.ok(r.status !== 401 && r.status !== 403 && r.status < 500, label);
        } else {
          assert.equal(r.status, 403, label);
          assert.equal(r.json.error.code, 'permission.denied', label);
        }
        if (route.url === '/api/logout' && who !== 'anoniem') {
          const [u, p] = passwords.get(who)!;
          const again = await client.login(u, p);
          assert.equal(again.status, 200);
        }
      }
    });
  }
});
