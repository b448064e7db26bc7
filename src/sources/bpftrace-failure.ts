import { Ns53Error, type Ns53ErrorCode } from '../errors.js';
import type { TracerExit } from './tracer-exit.js';

/** How bpftrace ended, as far as explaining it goes: an exit status, or the signal that killed it. */
export type BpftraceEnding = Pick<TracerExit, 'code' | 'signal'>;

/** The install hint for bpftrace. */
export const BPFTRACE_PACKAGE_HINT =
  'install it: apt install bpftrace (Debian, Ubuntu), dnf install bpftrace (Fedora, RHEL), apk add bpftrace (Alpine); or use --backend strace';

/** The way out when the kernel cannot be traced with BPF. */
export const STRACE_BACKEND_HINT = 'use --backend strace, which needs none of this';

/** Why a user other than root cannot use bpftrace, and the fix. */
export const BPFTRACE_ROOT_ONLY =
  'bpftrace runs only as root: it refuses any other user, whatever capabilities it holds ("bpftrace currently only supports running as the root user"). Run ns53 as root (sudo), or use --backend strace';

/** What root needs besides its user id, and how a container gets it. */
export const BPF_CAPABILITIES_HINT =
  'grant CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN). In a container: docker run --privileged --pid host, or --cap-add BPF --cap-add PERFMON (or --cap-add SYS_ADMIN) --pid host; outside one, a capability bounding set (setpriv, systemd CapabilityBoundingSet=) has removed them';

/** How to mount tracefs where bpftrace looks for it. */
export function tracefsMountHint(tracingDir = '/sys/kernel/tracing'): string {
  return `mount it: mount -t tracefs nodev ${tracingDir} (in a container: --privileged, or mount it on the host and -v ${tracingDir}:${tracingDir}); or use --backend strace`;
}

/** A recognisable failure: what bpftrace says, the code it maps to, and what to tell the user. */
interface KnownFailure {
  said: RegExp;
  code: Ns53ErrorCode;
  hint: (match: RegExpExecArray) => string;
}

/** bpftrace 0.17's own words for failures with a known cause, first match wins (fixtures in test/sources/bpftrace-failure/). */
const KNOWN_FAILURES: KnownFailure[] = [
  { said: /only supports running as the root user/, code: 'E_ATTACH_DENIED', hint: () => BPFTRACE_ROOT_ONLY },
  {
    said: /Operation not permitted/,
    code: 'E_ATTACH_DENIED',
    hint: () => `the kernel did not allow ns53 to load BPF programs (EPERM): ${BPF_CAPABILITIES_HINT}`,
  },
  {
    said: /tracepoint not found: (\S+)/,
    code: 'E_TRACING_UNAVAILABLE',
    hint: (m) =>
      `the kernel shows no tracepoint ${m[1]}: syscall tracepoints need tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing) and a kernel built with CONFIG_FTRACE_SYSCALLS; ${STRACE_BACKEND_HINT}`,
  },
  {
    said: /Error attaching probe: (\S+)/,
    code: 'E_ATTACH_FAILED',
    hint: (m) => `the kernel would not attach ${m[1]} (bpftrace's line before it says why): its tracefs entry is missing or unusable; check that tracefs at /sys/kernel/tracing is the kernel's own, or ${STRACE_BACKEND_HINT}`,
  },
  {
    said: /BPF stack limit of (\d+) bytes/,
    code: 'E_ATTACH_FAILED',
    hint: (m) => `the BPF program needs more than the ${m[1]} bytes of stack the kernel allows: a BPFTRACE_STRLEN above ns53's 200 does this (unset it); otherwise it is an ns53 bug`,
  },
  {
    said: /\bBTF\b|does not contain a field named|Unknown struct/,
    code: 'E_ATTACH_FAILED',
    hint: () =>
      `bpftrace could not find the kernel structures ns53's program reads (task_struct, sock) in the kernel's type information (BTF): the kernel needs CONFIG_DEBUG_INFO_BTF (/sys/kernel/btf/vmlinux), and a BPFTRACE_BTF in the environment must name that file or be unset; ${STRACE_BACKEND_HINT}`,
  },
];

/** Turns a bpftrace run that ended before its probes were attached into an error that names the cause and the fix. */
export function explainBpftraceFailure(stderr: string, exit: BpftraceEnding): Ns53Error {
  const lines = bpftraceComplaints(stderr);
  const said = lines.length > 0 ? lines.join(' | ') : '(nothing)';
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
  for (const known of KNOWN_FAILURES) {
    const match = known.said.exec(lines.join('\n'));
    if (match !== null) return new Ns53Error(known.code, `bpftrace ${how} before it attached: ${known.hint(match)}.\n  bpftrace said: ${said}`);
  }
  if (exit.signal === 'SIGSEGV' && lines.length === 0) {
    // Seen with bpftrace 0.17 when BPFTRACE_BTF names a file that is not BTF: it crashes without a word.
    return new Ns53Error('E_ATTACH_FAILED', `bpftrace ${how} before it attached, without a word: bpftrace 0.17 crashes so when BPFTRACE_BTF names a missing or broken file (unset it); otherwise ${STRACE_BACKEND_HINT}`);
  }
  return new Ns53Error('E_ATTACH_FAILED', `bpftrace ${how} before it attached.\n  bpftrace said: ${said}`);
}

/** Marks a source excerpt under a located diagnostic: `~~~~` under the offending span. */
const EXCERPT_MARKER = /^\s*~+\s*$/;
/** `stdin:1:1-36: ERROR: …` or `ns53.bt:626:53-55: WARNING: …`. */
const LOCATED_DIAGNOSTIC = /^\S+:\d+(?:[-:]\d+)*: (ERROR|WARNING): /;
/** Printed on every start where the memlock limit cannot be raised; harmless on kernels >= 5.11 (memcg accounting). */
const MEMLOCK_NOISE = /couldn't set RLIMIT_MEMLOCK/;

/**
 * The lines of bpftrace's stderr that say what went wrong: without blank lines, the RLIMIT_MEMLOCK notice,
 * warnings, and the program excerpt (source line and `~~~` marker) bpftrace prints under a diagnostic.
 */
export function bpftraceComplaints(stderr: string): string[] {
  const lines = stderr.split('\n').map((line) => line.trimEnd());
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const located = LOCATED_DIAGNOSTIC.exec(line);
    if (located !== null) {
      if (EXCERPT_MARKER.test(lines[i + 2] ?? '')) i += 2;
      else if (EXCERPT_MARKER.test(lines[i + 1] ?? '')) i += 1;
      if (located[1] === 'WARNING') continue;
    } else if (line.trim() === '' || MEMLOCK_NOISE.test(line) || /^WARNING: /.test(line)) {
      continue;
    }
    kept.push(line.trim());
  }
  return kept;
}
