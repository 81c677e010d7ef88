/**
 * `npm test`: the type check, the linter (scripts/lint.ts), the UI build, then the three parts of the suite, each its own node:test
 * run: unit (pure modules, files in parallel), server (the real server over HTTP, the CLI, the bench
 * smoke test) and browser (Debian's chromium), one file at a time. Prints each part's time and a
 * closing line "N passed, N failed" over all parts. `npm test -- unit` (or server, browser) runs one
 * part; `npm run test:unit` etc. do the same.
 *
 * A test that needs a tool (chromium, xmllint, pdftotext, LibreOffice, openssl) fails when the tool
 * is missing: this script first checks them and stops at once with the command that installs them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PARTS = {
  unit: { dirs: ['test/domain', 'test/eml', 'test/crypto', 'test/reports', 'test/transfer', 'test/ui', 'test/national'], concurrency: 2 },
  /** Everything else under test/ (the real server over HTTP, the CLI, the bench smoke test). */
  server: { dirs: ['test'], concurrency: 1 },
  browser: { dirs: ['test/browser'], concurrency: 1 },
} as const;
type Part = keyof typeof PARTS;

/** Debian packages of the tools the tests use. */
const TOOLS: readonly { command: string; args: string[]; pkg: string; env?: string }[] = [
  { command: 'chromium', args: ['--version'], pkg: 'chromium', env: 'UITSLAG_CHROMIUM' },
  { command: 'xmllint', args: ['--version'], pkg: 'libxml2-utils' },
  { command: 'pdftotext', args: ['-v'], pkg: 'poppler-utils' },
  { command: 'soffice', args: ['--version'], pkg: 'libreoffice-writer-nogui' },
  { command: 'openssl', args: ['version'], pkg: 'openssl' },
];

function missingTools(parts: readonly Part[]): string[] {
  const needed = parts.includes('browser') ? TOOLS : TOOLS.filter((t) => t.command !== 'chromium');
  return needed
    .filter((t) => {
      const command = (t.env && process.env[t.env]) || t.command;
      return spawnSync(command, t.args, { stdio: 'ignore' }).error !== undefined;
    })
    .map((t) => t.pkg);
}

function testFiles(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.test.ts')) out.push(path.relative(ROOT, p));
    }
  };
  for (const d of dirs) walk(path.join(ROOT, d));
  return out;
}

function run(command: string, args: readonly string[]): Promise<{ code: number; pass: number; fail: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let pass = 0;
    let fail = 0;
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buf += chunk.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^# (pass|fail) (\d+)$/.exec(l);
        if (m) m[1] === 'pass' ? (pass = Number(m[2])) : (fail = Number(m[2]));
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, pass, fail }));
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(argv: readonly string[]): Promise<number> {
  const chosen = argv.filter((a): a is Part => a in PARTS);
  const parts: Part[] = chosen.length > 0 ? chosen : ['unit', 'server', 'browser'];
  const missing = missingTools(parts);
  if (missing.length > 0) {
    process.stderr.write(
      `De tests hebben programma's nodig die ontbreken. Installeer ze met:\n\n  apt-get update && apt-get install -y ${missing.join(' ')}\n\n(.ci/run doet dit zelf.)\n`,
    );
    return 2;
  }
  const t0 = Date.now();
  const times: string[] = [];
  let pass = 0;
  let fail = 0;
  let failedStep = false;
  for (const step of chosen.length > 0 ? [] : (['typecheck', 'lint', 'build'] as const)) {
    const t = Date.now();
    const r =
      step === 'typecheck'
        ? await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'])
        : step === 'lint'
          ? await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/lint.ts')])
          : await run(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
    times.push(`${step} ${seconds(Date.now() - t)}`);
    if (r.code !== 0) {
      process.stderr.write(`\n${step} failed\n`);
      return 1;
    }
  }
  const elsewhere = new Set([...testFiles(PARTS.unit.dirs), ...testFiles(PARTS.browser.dirs)]);
  for (const part of parts) {
    const files = testFiles(PARTS[part].dirs).filter((f) => part !== 'server' || !elsewhere.has(f));
    if (files.length === 0) continue;
    const t = Date.now();
    const r = await run(process.execPath, [
      '--import',
      'tsx',
      '--import',
      './test/support/property.ts',
      '--test',
      `--test-concurrency=${PARTS[part].concurrency}`,
      ...files,
    ]);
    times.push(`${part} ${seconds(Date.now() - t)} (${r.pass} passed, ${r.fail} failed)`);
    pass += r.pass;
    fail += r.fail;
    if (r.code !== 0) failedStep = true;
  }
  process.stdout.write(`\nsuite time: ${times.join(' · ')} · total ${seconds(Date.now() - t0)}\n`);
  process.stdout.write(`${pass} passed, ${fail} failed\n`);
  return failedStep || fail > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
