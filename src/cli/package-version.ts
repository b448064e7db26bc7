import { readFileSync } from 'node:fs';

/** The version in package.json (two levels above dist/src/cli): for --version, and for the files ns53 writes. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
