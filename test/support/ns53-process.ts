import { spawn, type ChildProcess } from 'node:child_process';
import type { SessionRecord, SummaryRecord } from '../../src/sessions/index.js';
import { repoPath } from './repo-root.js';

/** The built CLI, as users run it. */
export const NS53_CLI = repoPath('dist/src/cli/main.js');

/** How an ns53 process ended, with everything it printed. */
export interface Ns53Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A real `ns53` process started by a test (by PID only; stopped only by the test that started it). */
export class Ns53Process {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Resolves when ns53 says it attached; rejects if it exits first. */
  readonly attached: Promise<void>;
  readonly exited: Promise<Ns53Exit>;

  /** `wrap`: a command that runs `node ns53 ARGS` given as its last arguments (e.g. `unshare -m sh -c …`). */
  constructor(args: string[], options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; detached?: boolean; wrap?: string[] } = {}) {
    const { wrap = [], ...spawnOptions } = options;
    const [file, ...argv] = [...wrap, process.execPath, NS53_CLI, ...args];
    this.child = spawn(file!, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    // A test may close our end of stdout on purpose; that must not crash the test process.
    this.child.stdout!.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
    this.attached = new Promise((resolve, reject) => {
      this.child.stderr!.setEncoding('utf8').on('data', (text: string) => {
        this.stderr += text;
        if (this.stderr.includes('ns53: attached to ')) resolve();
      });
      void this.exited.then((exit) => reject(new Error(`ns53 exited (${exit.code ?? exit.signal}) before attaching:\n${exit.stderr}`)));
    });
    this.attached.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for the exit, failing after `ms`. */
  async waitForExit(ms: number): Promise<Ns53Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`ns53 did not exit within ${ms} ms; stderr so far:\n${this.stderr}`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The NDJSON records of a run: sessions in the order printed, and the summary. */
export function parseNdjson(stdout: string): { sessions: SessionRecord[]; summary: SummaryRecord | null } {
  const records = stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as SessionRecord | SummaryRecord);
  const sessions = records.filter((r): r is SessionRecord => r.type === 'session');
  const summary = records.find((r): r is SummaryRecord => r.type === 'summary') ?? null;
  return { sessions, summary };
}
