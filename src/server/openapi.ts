import { z } from 'zod';
import type { AnyRoute } from './http.ts';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, detail: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

/** OpenAPI 3.1 document generated from the route table and its zod schemas. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema);
      const props = (js.properties ?? {}) as Record<string, unknown>;
      const required = new Set((js.required as string[] | undefined) ?? []);
      for (const [name, s] of Object.entries(props)) {
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${p.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-access': r.access,
      ...(r.duringPasswordChange ? { 'x-allowed-during-password-change': true } : {}),
      ...(r.access === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: 'Gelukt',
          content: { [r.produces ?? 'application/json']: r.response ? { schema: jsonSchema(r.response, 'output') } : {} },
        },
        default: { description: 'Fout', content: { 'application/json': { schema: ERROR_SCHEMA } } },
      },
    };
    if (r.multipart) {
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: { file: { type: 'string', format: 'binary', maxLength: r.multipart.maxBytes } },
              required: ['file'],
            },
          },
        },
      };
    } else if (r.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    }
    (paths[p] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'uitslag API', version, description: 'JSON-API van uitslag; zie docs/api.md.' },
    components: {
      securitySchemes: { sessie: { type: 'apiKey', in: 'cookie', name: 'uitslag_sessie' } },
    },
    security: [{ sessie: [] }],
    paths,
  };
}
