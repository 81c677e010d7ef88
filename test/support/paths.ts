import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared folder beside the repository (real election files, never copied into the repo). */
export const SHARED = process.env.UITSLAG_SHARED ?? path.resolve(ROOT, '..', 'shared');
export const EML = path.join(SHARED, 'eml');

export function eml(...parts: string[]): string {
  return path.join(EML, ...parts);
}
