import { readFileSync, readdirSync } from 'node:fs';

/** The fields of /proc/PID/status that say whether a process runs, is stopped, or is traced. */
export interface ProcessStatus {
  /** `State:` letter and word, e.g. `S (sleeping)`, `t (tracing stop)`. */
  state: string;
  /** `TracerPid:`, 0 when nobody traces it. */
  tracerPid: number;
}

/** Reads /proc/PID/status (or a task's); null when the process is gone. */
export function readProcessStatus(path: string): ProcessStatus | null {
  let text: string;
  try {
    text = readFileSync(`${path}/status`, 'utf8');
  } catch {
    return null;
  }
  const state = /^State:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? '?';
  const tracerPid = Number(/^TracerPid:\s*(\d+)$/m.exec(text)?.[1] ?? 0);
  return { state, tracerPid };
}

/** A process's own status, by PID. */
export function processStatus(pid: number, procRoot = '/proc'): ProcessStatus | null {
  return readProcessStatus(`${procRoot}/${pid}`);
}

/** Whether the process is gone: no longer in /proc, or a zombie waiting for its parent. */
export function hasExited(pid: number, procRoot = '/proc'): boolean {
  const status = processStatus(pid, procRoot);
  return status === null || status.state.startsWith('Z');
}

/** The threads of `pid` that are stopped (`T`) or in a tracing stop (`t`): left that way, they never run again. */
export function stoppedThreads(pid: number, procRoot = '/proc'): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`${procRoot}/${pid}/task`);
  } catch {
    return [];
  }
  return tids
    .map(Number)
    .filter((tid) => /^[Tt]/.test(readProcessStatus(`${procRoot}/${pid}/task/${tid}`)?.state ?? ''))
    .sort((a, b) => a - b);
}
