import { readFileSync } from 'node:fs';
import { Ns53Error } from '../errors.js';
import { callDecoders } from '../events/decoders/index.js';
import { procView } from './dockerd-finder.js';
import { targetExited, type AttachEnd, type LiveTracer } from './live-tracer.js';
import { hasExited, processStatus } from './process-status.js';
import { buildStraceArgs, DEFAULT_STRING_LIMIT, formatCommandLine } from './strace-command.js';
import { attachFailure, explainPtraceDenied, lastStraceMessage, type AttachContext } from './strace-failure.js';
import { StraceProcess, type StraceExit } from './strace-process.js';
import { straceVersion } from './strace-version.js';

/** Attaches strace to `pid`; fails early, with the fix, when ptrace will not be allowed. */
export async function startStraceTracer(pid: number, binary: string, onOutput: (chunk: Buffer) => void): Promise<LiveTracer> {
  const context = attachContext(pid, binary);
  if (context.tracer !== null) throw new Ns53Error('E_ATTACH_DENIED', `cannot attach to PID ${pid}: ${explainPtraceDenied(context)}`);
  const version = await straceVersion(binary);
  const args = buildStraceArgs({ pid, calls: [...callDecoders.keys()], stringLimit: DEFAULT_STRING_LIMIT });
  const strace = new StraceProcess(binary, args, pid, onOutput);
  let exit: StraceExit | null = null;
  const ended = strace.exited.then((result) => {
    exit = result;
  });
  return {
    backend: 'strace',
    command: formatCommandLine(binary, args),
    version,
    attached: strace.attached.then(
      (threads) => `${threads} thread${threads === 1 ? '' : 's'}`,
      (failed: StraceExit) => Promise.reject(attachFailure(failed, context)),
    ),
    ended,
    endsWithTarget: true,
    lagSeconds: 2,
    stop: async () => {
      await strace.stop();
      await ended;
    },
    endedBy: () => endOfStrace(exit!, pid),
    pause: () => strace.pause(),
    resume: () => strace.resume(),
  };
}

/** strace ended by itself: the target exited, strace was signalled (a terminal's Ctrl-C), or strace failed. */
function endOfStrace(exit: StraceExit, pid: number): AttachEnd {
  if (hasExited(pid)) return targetExited(pid);
  if (exit.detached) return { reason: 'stopped', detail: 'strace was interrupted and detached (Ctrl-C reaches it too)' };
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
  const said = lastStraceMessage(exit.stderr);
  return { reason: 'tracer-ended', detail: `strace ${how} while PID ${pid} still runs; the sessions up to then are shown. strace said: ${said || '(nothing)'}` };
}

function attachContext(pid: number, binary: string): AttachContext {
  const status = processStatus(pid);
  if (status === null) throw new Ns53Error('E_NO_SUCH_PID', `no process with PID ${pid}`);
  const tracer = status.tracerPid === 0 ? null : { pid: status.tracerPid, comm: procView().comm(status.tracerPid) };
  return { pid, binary, euid: process.geteuid?.() ?? 0, ptraceScope: readPtraceScope(), tracer };
}

function readPtraceScope(): number | null {
  try {
    return Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim());
  } catch {
    return null;
  }
}
