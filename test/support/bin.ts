/** Running the command line `bin/uitslag` as a user does, in tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths.ts';

export const BIN = path.join(ROOT, 'bin', 'uitslag');

export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `bin/uitslag args…` in `cwd`; resolves with its exit code and output when it ends. */
export function runBin(args: readonly string[], cwd: string): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
