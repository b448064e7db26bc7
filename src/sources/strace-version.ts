import { execa } from 'execa';
import { Ns53Error } from '../errors.js';
import { STRACE_PACKAGE_HINT } from './strace-failure.js';

/** `strace 6.1`, from `strace -V`; a missing strace is an error that says how to install it. */
export async function straceVersion(binary: string): Promise<string | null> {
  const result = await execa(binary, ['-V'], { stdin: 'ignore', reject: false, timeout: 10_000 });
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new Ns53Error('E_TRACER_MISSING', `${binary} is not installed (or not on PATH); ${STRACE_PACKAGE_HINT}`);
  }
  if (result.exitCode !== 0) return null;
  const version = /version (\S+)/.exec(String(result.stdout))?.[1];
  return version === undefined ? null : `strace ${version}`;
}
