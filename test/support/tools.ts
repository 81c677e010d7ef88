/**
 * The programs some tests need (Debian packages): a test that needs one fails when it is missing,
 * naming the package to install, instead of skipping silently. `npm test` checks them all first
 * (scripts/test.ts); `.ci/run` installs them.
 */
import { spawnSync } from 'node:child_process';

const PACKAGES: Record<string, { readonly commands: readonly string[]; readonly args: readonly string[]; readonly pkg: string }> = {
  pdftotext: { commands: ['pdftotext'], args: ['-v'], pkg: 'poppler-utils' },
  soffice: { commands: ['soffice', 'libreoffice'], args: ['--version'], pkg: 'libreoffice-writer-nogui' },
  xmllint: { commands: ['xmllint'], args: ['--version'], pkg: 'libxml2-utils' },
  openssl: { commands: ['openssl'], args: ['version'], pkg: 'openssl' },
};

const found = new Map<string, string>();

/** The command to run for `tool`; throws (the test fails) with the install command when it is missing. */
export function tool(name: keyof typeof PACKAGES): string {
  const known = found.get(name);
  if (known !== undefined) return known;
  const t = PACKAGES[name];
  if (t === undefined) throw new Error(`unknown tool ${name}`);
  const command = t.commands.find((c) => spawnSync(c, [...t.args], { stdio: 'ignore' }).error === undefined);
  if (command === undefined) throw new Error(`${name} ontbreekt: installeer het met apt-get install -y ${t.pkg}`);
  found.set(name, command);
  return command;
}
