import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/…, three levels below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A path inside the repository. */
export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}
