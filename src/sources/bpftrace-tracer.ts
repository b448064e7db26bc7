import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Ns53Error } from '../errors.js';
import { REORDER_WINDOW_SECONDS } from '../events/bpftrace-event-reader.js';
import { bpftraceComplaints, explainBpftraceFailure } from './bpftrace-failure.js';
import { BpftraceProcess, type BpftraceExit } from './bpftrace-process.js';
import { checkBpftraceReadiness } from './bpftrace-readiness.js';
import { targetExited, type AttachEnd, type LiveTracer } from './live-tracer.js';
import { hasExited, processStatus } from './process-status.js';
import { formatCommandLine } from './strace-command.js';

/** The one bpftrace program of the backend, shipped beside the parsers that read its records. */
export const BPFTRACE_PROGRAM = fileURLToPath(new URL('../../../parsers/bpftrace/ns53.bt', import.meta.url));

/**
 * Runs parsers/bpftrace/ns53.bt against `pid`. Checks first that bpftrace can run here (installed, allowed,
 * tracefs and BTF present), so that each missing piece is reported with its fix rather than as a compile
 * error; a program that still fails to load is reported with bpftrace's own words.
 */
export async function startBpftraceTracer(pid: number, binary: string, hostInode: number | null, onOutput: (chunk: Buffer) => void): Promise<LiveTracer> {
  if (processStatus(pid) === null) throw new Ns53Error('E_NO_SUCH_PID', `no process with PID ${pid}`);
  const readiness = await checkBpftraceReadiness({ binary });
  if (!readiness.ready) throw readiness.error;
  const launch = { binary, programPath: BPFTRACE_PROGRAM, targetPid: pid, hostInode: hostInode ?? 0 };
  const pdeathsig = isOnPath('setpriv');
  const bpftrace = new BpftraceProcess(launch, onOutput, pdeathsig);
  let exit: BpftraceExit | null = null;
  const ended = bpftrace.exited.then((result) => {
    exit = result;
  });
  return {
    backend: 'bpftrace',
    command: `BPFTRACE_STRLEN=200 ${formatCommandLine(binary, ['-f', 'json', BPFTRACE_PROGRAM, String(pid), String(process.pid), String(launch.hostInode), String(cpus().length)])}`,
    version: readiness.version,
    attached: bpftrace.attached.then(
      (probes) => `${probes} probes`,
      (failed: BpftraceExit) => Promise.reject(explainBpftraceFailure(failed.stderr, failed)),
    ),
    ended,
    endsWithTarget: false,
    // Beyond the reorder window, so that the clock never passes records still held for reordering.
    lagSeconds: REORDER_WINDOW_SECONDS + 1,
    stop: async () => {
      await bpftrace.stop(pid);
      await ended;
    },
    endedBy: () => endOfBpftrace(exit!, pid),
    pause: () => bpftrace.pause(),
    resume: () => bpftrace.resume(),
  };
}

function endOfBpftrace(exit: BpftraceExit, pid: number): AttachEnd {
  if (hasExited(pid)) return targetExited(pid);
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
  const said = bpftraceComplaints(exit.stderr).slice(-3).join(' / ');
  return { reason: 'tracer-ended', detail: `bpftrace ${how} while PID ${pid} still runs; the sessions up to then are shown. bpftrace said: ${said || '(nothing)'}` };
}

function isOnPath(name: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
