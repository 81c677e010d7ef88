/**
 * The API contract (issue 14): every JSON answer is described by its route's zod `response` schema,
 * which types the handler, the UI client (`ApiResponse` in src/server/routes/index.ts) and the
 * OpenAPI document; test servers check every answer against it (`checkResponses`). Every JSON route
 * has one: a new route must come with its schema (NOT_YET_DESCRIBED stays empty).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApiDocument } from '../../src/server/openapi.ts';
import { allRoutes } from '../../src/server/routes/index.ts';

const NOT_YET_DESCRIBED: readonly string[] = [];

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema?: { type?: unknown } }> }> }>> };

describe('the API contract: response schemas', () => {
  it('every JSON route has a response schema, apart from the listed ones (the list only shrinks)', () => {
    const undescribed = allRoutes.filter((r) => r.produces === undefined && r.response === undefined).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undescribed.sort(), [...NOT_YET_DESCRIBED].sort());
  });

  it('the OpenAPI document serves each response schema', () => {
    const doc = openApiDocument(allRoutes, 'test') as Doc;
    for (const r of allRoutes) {
      const op = doc.paths[r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.url} in the document`);
      const success = op.responses[String(r.status ?? 200)];
      assert.ok(success, `${r.method} ${r.url}: its success answer`);
      const schema = success.content[r.produces ?? 'application/json']?.schema;
      if (r.response === undefined) assert.equal(schema, undefined);
      else assert.equal(schema?.type, 'object', `${r.method} ${r.url}: an object schema`);
    }
  });

  it('an answer that leaves out a field or has another type does not pass its schema', () => {
    const health = allRoutes.find((r) => r.method === 'GET' && r.url === '/api/health');
    assert.ok(health?.response);
    assert.equal(health.response.safeParse({ ok: true, version: '1' }).success, true);
    assert.equal(health.response.safeParse({ ok: true }).success, false);
    assert.equal(health.response.safeParse({ ok: 'ja', version: '1' }).success, false);
  });
});
