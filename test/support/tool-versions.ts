import { spawnSync } from 'node:child_process';
import { release } from 'node:os';

function firstLine(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n')[0]?.trim() || 'unknown';
}

/** The versions a recording depends on: strace, bpftrace, the traced dockerd (by its own binary), the kernel, node. */
export function toolVersions(dockerdPid: number): Record<string, string> {
  return {
    strace: firstLine('strace', ['-V']),
    bpftrace: firstLine('bpftrace', ['--version']),
    dockerd: firstLine(`/proc/${dockerdPid}/exe`, ['--version']),
    kernel: release(),
    node: process.version,
  };
}
