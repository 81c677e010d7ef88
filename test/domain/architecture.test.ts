/**
 * The gates of the architecture (issue 14), checked on the source text:
 * - src/domain is pure: it imports only from src/domain, and nothing of Node, the clock or randomness;
 * - the formats (src/eml, src/reports, src/crypto, src/transfer) never import the server, UI or CLI;
 * - every SQL statement of the server lives in its store module (src/server/store/) or in the database's
 *   set-up (src/server/db/): no `.prepare(` or `.exec(` elsewhere;
 * - a JSON column is read through its schema (src/server/store/json.ts): no `JSON.parse(…) as` in the server;
 * - tables added by a new migration are STRICT.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from '../../src/server/db/migrations.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e)) out.push(p);
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

const rel = (p: string) => path.relative(ROOT, p).replace(/\\/g, '/');

/** The module specifiers a file imports (static imports and re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

test('the domain imports only the domain: no Node, no clock, no randomness', () => {
  const bad: string[] = [];
  for (const f of sources('src/domain')) {
    for (const spec of importsOf(f)) {
      const target = spec.startsWith('.') ? path.resolve(path.dirname(f), spec) : spec;
      if (!spec.startsWith('.') || !rel(target).startsWith('src/domain/')) bad.push(`${rel(f)} imports ${spec}`);
    }
    const text = readFileSync(f, 'utf8');
    for (const [re, what] of [
      [/\bDate\.now\(|\bnew Date\(\)/, 'the clock'],
      [/\bMath\.random\(/, 'randomness'],
    ] as const) {
      if (re.test(text)) bad.push(`${rel(f)} uses ${what}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the formats never import the server, the UI or the CLI', () => {
  const bad: string[] = [];
  for (const dir of ['src/eml', 'src/reports', 'src/crypto', 'src/transfer']) {
    for (const f of sources(dir)) {
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const target = rel(path.resolve(path.dirname(f), spec));
        if (/^src\/(server|ui|cli)\//.test(target)) bad.push(`${rel(f)} imports ${target}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test("the server's SQL lives in its store modules (src/server/store) and the database's set-up (src/server/db)", () => {
  const bad: string[] = [];
  for (const f of sources('src/server')) {
    const r = rel(f);
    if (r.startsWith('src/server/store/') || r.startsWith('src/server/db/')) continue;
    const text = readFileSync(f, 'utf8');
    // Also a call split over lines (`ctx.db\n  .prepare(`); RegExp's exec is not a database's.
    for (const m of text.matchAll(/\.\s*prepare\s*\(|\bdb\s*\.\s*(?:exec|pragma)\s*\(/g)) {
      const line = text.slice(0, m.index).split('\n').length;
      bad.push(`${r}:${line}: ${(text.split('\n')[line - 1] ?? '').trim()}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('a JSON column is read through its schema: no `JSON.parse(…) as` in the server', () => {
  const bad: string[] = [];
  for (const f of sources('src/server')) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/JSON\.parse\([^;]*\)\s+as\s/.test(line)) bad.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(bad, []);
});

/** Migrations up to this number (counted from 1) were written before tables had to be STRICT. */
const LAST_MIGRATION_BEFORE_STRICT = 8;

test('every table a new migration creates is STRICT', () => {
  const bad: string[] = [];
  MIGRATIONS.forEach((sql, i) => {
    if (i + 1 <= LAST_MIGRATION_BEFORE_STRICT) return;
    for (const m of sql.matchAll(/CREATE TABLE\s+(\w+)\s*\(([\s\S]*?)\)\s*(STRICT)?\s*;/g)) {
      if (m[3] !== 'STRICT') bad.push(`migration ${i + 1}: table ${m[1]}`);
    }
  });
  assert.deepEqual(bad, []);
  assert.ok(MIGRATIONS.length >= LAST_MIGRATION_BEFORE_STRICT, 'the migrations counted here exist');
});
