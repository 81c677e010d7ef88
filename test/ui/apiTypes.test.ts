/**
 * The UI client (src/ui/api.ts) is typed by the server's route table: `path()` fills a route URL,
 * and the type check (`npm run typecheck`, part of `npm test`) refuses what the server's routes do
 * not have. The `@ts-expect-error` lines below are that proof: if one of them stopped being an
 * error (the client no longer typed by the routes), tsc fails on the unused directive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, path } from '../../src/ui/api.ts';

test('path() fills the parameters of a route URL, each encoded', () => {
  assert.equal(path('/api/counts/:code', { code: '0363' }), '/api/counts/0363');
  assert.equal(path('/api/counts/:code/claim', { code: 'a/b c' }), '/api/counts/a%2Fb%20c/claim');
  assert.equal(path('/api/election/lists/:listNumber/candidates', { listNumber: 12 }), '/api/election/lists/12/candidates');
  assert.equal(path('/api/csb/keys/:kieskring/preview', { kieskring: '5' }), '/api/csb/keys/5/preview');
});

test('path() adds the query, leaving out what is not given', () => {
  assert.equal(path('/api/audit', {}, { limit: 100 }), '/api/audit?limit=100');
  assert.equal(path('/api/audit', {}, { limit: 100, before: 7 }), '/api/audit?limit=100&before=7');
  assert.equal(path('/api/audit', {}, { limit: 100, before: undefined }), '/api/audit?limit=100');
  assert.equal(path('/api/documents/jobs/:jobId', { jobId: 'j 1' }, { wait: '1' }), '/api/documents/jobs/j%201?wait=1');
  assert.equal(path('/api/counts/status', {}), '/api/counts/status');
});

/** Never called: only type-checked. Each `@ts-expect-error` must be an error for tsc to pass. */
export async function typeChecks(code: string): Promise<void> {
  const lists = await api.get('/api/election/lists');
  if (lists.ok) {
    const n: number = lists.value.lists.length;
    void n;
    // @ts-expect-error: the answer of GET /api/election/lists has no field `list`
    void lists.value.list;
    // @ts-expect-error: a list's name is a string, not a number
    const name: number = lists.value.lists[0]?.name ?? 0;
    void name;
  }

  const detail = await api.get(path('/api/counts/:code', { code }));
  if (detail.ok) {
    void detail.value.history;
    // @ts-expect-error: a unit's detail has no field `histories`
    void detail.value.histories;
  }

  // A URL with a choice of routes answers with either's answer.
  const claim = await api.post(path(code === '' ? '/api/counts/:code/claim' : '/api/csb/counts/:code/claim', { code }));
  void claim;

  // @ts-expect-error: the server has no route GET /api/elections
  await api.get('/api/elections');
  // @ts-expect-error: POST /api/counts/import/confirm is not a GET route
  await api.get('/api/counts/import/confirm');
  // @ts-expect-error: a URL with a parameter is filled by path(), never passed as it is declared
  await api.get('/api/counts/:code');
  // @ts-expect-error: the parameter of /api/counts/:code is `code`
  path('/api/counts/:code', { id: code });
  // @ts-expect-error: a path() of a GET route is not a POST route
  await api.post(path('/api/counts/:code', { code }));

  // The body is the route's body schema's input.
  await api.post('/api/phase', { target: 2 });
  // @ts-expect-error: POST /api/phase takes a body
  await api.post('/api/phase');
  // @ts-expect-error: the phase's `target` is a number
  await api.post('/api/phase', { target: 'twee' });
  // @ts-expect-error: GET /api/audit's query has no field `after`
  path('/api/audit', {}, { after: 3 });
}
