import { Ns53Error } from '../errors.js';
import type { StraceExit } from './strace-process.js';

/** What is known about the machine when strace fails to attach, to say which fix applies. */
export interface AttachContext {
  pid: number;
  binary: string;
  /** Effective user id of ns53. */
  euid: number;
  /** kernel.yama.ptrace_scope, or null without Yama. */
  ptraceScope: number | null;
  /** Another tracer already attached to the target, with its command name. */
  tracer: { pid: number; comm: string | null } | null;
}

/** The install hint for strace. */
export const STRACE_PACKAGE_HINT = 'install it: apt-get install strace (Debian, Ubuntu), dnf install strace (Fedora, RHEL), apk add strace (Alpine)';

/** Why tracing the target is not allowed, and what fixes it, judged from the context. */
export function explainPtraceDenied(context: AttachContext): string {
  const { pid, euid, ptraceScope, tracer } = context;
  if (tracer !== null) {
    return `PID ${pid} is already traced by PID ${tracer.pid} (${tracer.comm ?? 'gone'}); a process has one tracer at a time. Stop that tracer (a debugger or another strace) and try again`;
  }
  if (ptraceScope === 3) return 'ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3); only a reboot undoes that';
  if (euid !== 0) {
    return `tracing another user's process needs root or CAP_SYS_PTRACE: run ns53 with sudo${ptraceScope !== null && ptraceScope >= 1 ? ` (kernel.yama.ptrace_scope = ${ptraceScope} also requires it)` : ''}`;
  }
  return 'ns53 runs as root but may not ptrace: inside a container it needs CAP_SYS_PTRACE (docker run --cap-add SYS_PTRACE --pid host), and a seccomp or LSM policy (AppArmor, SELinux) can forbid ptrace';
}

/** Turns a strace run that ended before it attached into an error that names the cause and the fix. */
export function attachFailure(exit: StraceExit, context: AttachContext): Ns53Error {
  if (exit.spawnError === 'ENOENT') return new Ns53Error('E_TRACER_MISSING', `${context.binary} is not installed (or not on PATH); ${STRACE_PACKAGE_HINT}`);
  if (exit.spawnError === 'EACCES') return new Ns53Error('E_TRACER_MISSING', `${context.binary} cannot be run (permission denied)`);
  const said = lastStraceMessage(exit.stderr);
  if (/Operation not permitted/.test(exit.stderr)) {
    return new Ns53Error('E_ATTACH_DENIED', `cannot attach to PID ${context.pid}: ${explainPtraceDenied(context)}.\n  strace said: ${said}`);
  }
  if (/No such process/.test(exit.stderr)) return new Ns53Error('E_NO_SUCH_PID', `PID ${context.pid} exited before strace could attach (strace said: ${said})`);
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
  return new Ns53Error('E_ATTACH_FAILED', `strace ${how} before it attached to PID ${context.pid}.\n  strace said: ${said || '(nothing)'}`);
}

/** strace's last complaint, for a message: its stderr lines, without blank ones, the last three. */
export function lastStraceMessage(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(-3)
    .join(' | ');
}
