import { Ns53Error } from '../errors.js';
import { checkBpftraceReadiness } from '../sources/bpftrace-readiness.js';
import type { TracerBackend } from '../sources/live-tracer.js';
import type { BACKENDS } from './attach-options.js';

/** The backend a run uses, and why, in words for the user. */
export interface BackendChoice {
  backend: TracerBackend;
  why: string;
}

/**
 * `auto` takes bpftrace when it can run here (it stops nothing in dockerd) and otherwise strace, saying what
 * kept bpftrace out. An explicit backend is used as asked; its own checks report what is missing.
 */
export async function chooseBackend(requested: (typeof BACKENDS)[number], binaries: { strace: string; bpftrace: string }): Promise<BackendChoice> {
  if (requested === 'strace') return { backend: 'strace', why: 'as asked' };
  if (requested === 'bpftrace') return { backend: 'bpftrace', why: 'as asked' };
  const readiness = await checkBpftraceReadiness({ binary: binaries.bpftrace });
  if (readiness.ready) return { backend: 'bpftrace', why: `auto: ${readiness.version} can run here, and it stops nothing in the target` };
  const reason = readiness.error instanceof Ns53Error ? readiness.error.message : String(readiness.error);
  return { backend: 'strace', why: `auto: bpftrace cannot run here, so strace, which stops the target at every traced call. bpftrace: ${firstLine(reason)}` };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
