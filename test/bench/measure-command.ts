import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';

// Runs a command with its stdout going to a file and measures its wall time and peak resident set size.
//
// Peak RSS, most honest first:
// - `gnu-time`: /usr/bin/time -f %M (Debian package `time`) reports ru_maxrss from wait4(): the kernel's own
//   peak for the child, exact, nothing missed.
// - `proc-vmhwm`: without it, /proc/<pid>/status VmHWM (the kernel's high-water mark of the process's RSS)
//   polled every 5 ms. VmHWM only grows, so polling loses nothing but growth in the last interval before
//   exit; the result is a lower bound, usually exact to within a few hundred kB.
// Wall time is measured here in both cases, from spawn to exit (a millisecond of fork/exec included).

/** How peak RSS is measured. */
export type RssMethod = 'gnu-time' | 'proc-vmhwm' | 'none';

/** One run. */
export interface Measurement {
  seconds: number;
  /** Bytes; null when no method is available. */
  peakRss: number | null;
  exitCode: number | null;
  stderr: string;
}

/** A line saying how RSS was measured, for the report. */
export function describeRssMethod(method: RssMethod): string {
  switch (method) {
    case 'gnu-time':
      return '/usr/bin/time -f %M (ru_maxrss from wait4: exact)';
    case 'proc-vmhwm':
      return 'VmHWM from /proc/<pid>/status polled every 5 ms (/usr/bin/time not found; a lower bound, may miss the last 5 ms)';
    default:
      return 'not measured (neither /usr/bin/time nor /proc is available)';
  }
}

/** Picks the best method this machine supports. */
export function detectRssMethod(scratchFile: string): RssMethod {
  if (existsSync('/usr/bin/time')) {
    const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', scratchFile, 'true'], { stdio: 'ignore' });
    const ok = result.status === 0 && existsSync(scratchFile) && /^\d+\s*$/.test(readFileSync(scratchFile, 'utf8'));
    rmSync(scratchFile, { force: true });
    if (ok) return 'gnu-time';
  }
  return existsSync('/proc/self/status') ? 'proc-vmhwm' : 'none';
}

/** Runs `argv` with stdout to `stdoutPath`, extra `env`, measuring as `method` says. */
export async function measureCommand(argv: readonly string[], options: { stdoutPath: string; env?: NodeJS.ProcessEnv; method: RssMethod; scratchFile: string }): Promise<Measurement> {
  const { method, scratchFile } = options;
  const [command, ...args] = method === 'gnu-time' ? ['/usr/bin/time', '-f', '%M', '-o', scratchFile, ...argv] : argv;
  const stdout = openSync(options.stdoutPath, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(command!, args, { stdio: ['ignore', stdout, 'pipe'], env: { ...process.env, ...options.env } });
  closeSync(stdout);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });
  let polled = 0;
  const poll = method === 'proc-vmhwm' && child.pid !== undefined ? setInterval(() => (polled = Math.max(polled, readVmHwm(child.pid!))), 5) : null;
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (poll !== null) clearInterval(poll);
  let peakRss: number | null = null;
  if (method === 'gnu-time') {
    // GNU time prints the child's status line first when it fails; the last line is %M in KiB.
    const kib = Number(readFileSync(scratchFile, 'utf8').trim().split('\n').at(-1));
    peakRss = Number.isFinite(kib) ? kib * 1024 : null;
    rmSync(scratchFile, { force: true });
  } else if (method === 'proc-vmhwm') {
    peakRss = polled > 0 ? polled : null;
  }
  return { seconds, peakRss, exitCode, stderr };
}

/** VmHWM in bytes, or 0 once the process is gone. */
function readVmHwm(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
