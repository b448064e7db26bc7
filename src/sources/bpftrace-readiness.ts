import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { Ns53Error } from '../errors.js';
import { hasCapability, readEffectiveCapabilities } from './capabilities.js';
import {
  BPF_CAPABILITIES_HINT,
  BPFTRACE_PACKAGE_HINT,
  BPFTRACE_ROOT_ONLY,
  STRACE_BACKEND_HINT,
  tracefsMountHint,
} from './bpftrace-failure.js';

/** Whether bpftrace can run ns53's program here: its version, or the first thing in the way and its fix. */
export type BpftraceReadiness = { ready: true; binary: string; version: string } | { ready: false; error: Ns53Error };

export interface BpftraceReadinessOptions {
  /** The bpftrace to run: a name looked up on PATH, or a path. */
  binary: string;
  /** Where sysfs is mounted; tests point it elsewhere. Default `/sys`. */
  sysRoot?: string;
  /** Effective user id; default ns53's own. */
  euid?: number;
  /** Effective capability mask; default ns53's own (/proc/self/status); null when unknown (not judged). */
  capEff?: bigint | null;
}

/** The oldest bpftrace ns53's program runs on (-f json records, buf() as %rx, BTF struct access). */
const MINIMUM_VERSION = [0, 17] as const;

/** The file-system questions the tracing checks ask, so they can be answered by a fake in tests. */
export interface SysView {
  exists(path: string): boolean;
}

/** The real file system. */
export const REAL_SYS_VIEW: SysView = { exists: existsSync };

/**
 * Checks, in order, that bpftrace runs, that ns53 may load BPF programs, that the syscall tracepoints are
 * visible, and that the kernel has BTF; the first failure is an error that says what is wrong and the fix.
 */
export async function checkBpftraceReadiness(options: BpftraceReadinessOptions): Promise<BpftraceReadiness> {
  const { binary, sysRoot = '/sys' } = options;
  const version = await bpftraceVersion(binary);
  if (version instanceof Ns53Error) return { ready: false, error: version };
  const euid = options.euid ?? process.geteuid?.() ?? 0;
  const capEff = options.capEff === undefined ? readEffectiveCapabilities() : options.capEff;
  const error = judgePrivileges(euid, capEff) ?? judgeTracing(REAL_SYS_VIEW, sysRoot);
  return error === null ? { ready: true, binary, version } : { ready: false, error };
}

/** `bpftrace v0.17.0`, from `bpftrace --version`; or why bpftrace cannot be run or is too old. */
async function bpftraceVersion(binary: string): Promise<string | Ns53Error> {
  const result = await execa(binary, ['--version'], { stdin: 'ignore', reject: false, timeout: 10_000 });
  const spawnError = (result as { code?: string }).code;
  if (spawnError === 'ENOENT') return new Ns53Error('E_TRACER_MISSING', `${binary} is not installed (or not on PATH); ${BPFTRACE_PACKAGE_HINT}`);
  if (spawnError === 'EACCES') return new Ns53Error('E_TRACER_MISSING', `${binary} cannot be run (permission denied); ${BPFTRACE_PACKAGE_HINT}`);
  const said = `${String(result.stdout)}\n${String(result.stderr)}`.trim();
  if (result.exitCode !== 0) {
    return new Ns53Error('E_TRACER_MISSING', `\`${binary} --version\` failed (${result.signal ?? `status ${result.exitCode}`}): ${said || '(nothing)'}; ${BPFTRACE_PACKAGE_HINT}`);
  }
  const version = /bpftrace v?(\d+)\.(\d+)\S*/.exec(said);
  if (version === null) return said.split('\n')[0] ?? said;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major < MINIMUM_VERSION[0] || (major === MINIMUM_VERSION[0] && minor < MINIMUM_VERSION[1])) {
    return new Ns53Error('E_TRACER_MISSING', `${version[0]} is too old: ns53 needs bpftrace v${MINIMUM_VERSION.join('.')} or later; ${BPFTRACE_PACKAGE_HINT}`);
  }
  return version[0];
}

/**
 * Root, and the capabilities to load BPF programs and open tracepoints. bpftrace 0.17 refuses any user but
 * root whatever its capabilities (it checks geteuid()), and root without CAP_SYS_ADMIN or CAP_BPF +
 * CAP_PERFMON (a container's default set) fails to create its maps.
 */
export function judgePrivileges(euid: number, capEff: bigint | null): Ns53Error | null {
  if (euid !== 0) return new Ns53Error('E_ATTACH_DENIED', `ns53 runs as user ${euid}, and ${BPFTRACE_ROOT_ONLY}`);
  if (capEff === null || hasCapability(capEff, 'CAP_SYS_ADMIN') || (hasCapability(capEff, 'CAP_BPF') && hasCapability(capEff, 'CAP_PERFMON'))) return null;
  return new Ns53Error(
    'E_ATTACH_DENIED',
    `ns53 runs as root but without the capabilities BPF tracing needs (CapEff ${capEff.toString(16).padStart(16, '0')} has neither CAP_SYS_ADMIN nor both CAP_BPF and CAP_PERFMON); ${BPF_CAPABILITIES_HINT}`,
  );
}

/**
 * The syscall tracepoints where bpftrace 0.17 looks for them, and kernel BTF. bpftrace reads
 * <sys>/kernel/debug/tracing whenever that path exists (access(F_OK)), and <sys>/kernel/tracing otherwise.
 */
export function judgeTracing(view: SysView, sysRoot: string): Ns53Error | null {
  const debugTracing = `${sysRoot}/kernel/debug/tracing`;
  const tracing = view.exists(debugTracing) ? debugTracing : `${sysRoot}/kernel/tracing`;
  if (!view.exists(`${tracing}/events/syscalls`)) {
    if (!view.exists(`${tracing}/events`)) {
      const where = tracing === debugTracing ? ' (bpftrace 0.17 looks there, not in /sys/kernel/tracing, whenever that directory exists)' : '';
      return new Ns53Error('E_TRACING_UNAVAILABLE', `tracefs is not mounted at ${tracing}${where}, so bpftrace cannot see the syscall tracepoints; ${tracefsMountHint(tracing)}`);
    }
    return new Ns53Error(
      'E_TRACING_UNAVAILABLE',
      `tracefs at ${tracing} has no syscall tracepoints (no events/syscalls): this kernel was built without CONFIG_FTRACE_SYSCALLS; ${STRACE_BACKEND_HINT}`,
    );
  }
  if (!view.exists(`${sysRoot}/kernel/btf/vmlinux`)) {
    return new Ns53Error(
      'E_TRACING_UNAVAILABLE',
      `the kernel has no BTF (no ${sysRoot}/kernel/btf/vmlinux): it was built without CONFIG_DEBUG_INFO_BTF, and ns53's bpftrace program reads kernel structures (the socket's and the thread's network namespace) through BTF; ${STRACE_BACKEND_HINT}`,
    );
  }
  return null;
}
