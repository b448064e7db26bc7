import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AttemptRecord } from '../../src/sessions/index.js';
import { missingCommands, prerequisitesVerdictOn } from './prerequisites.js';
import { repoPath } from './repo-root.js';

/** The lab that runs a real dockerd (test/e2e/lab/lab.sh); see its README. */
export const LAB_SCRIPT = repoPath('test/e2e/lab/lab.sh');

const COMMANDS = ['dockerd', 'containerd', 'runc', 'dnsmasq', 'busybox', 'iptables', 'strace', 'bpftrace', 'nsenter', 'unshare', 'mkfifo', 'ip', 'python3'];

/** What the end-to-end tests need and this machine lacks. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (the lab creates network namespaces and attaches strace and bpftrace)');
  missing.push(...missingCommands(COMMANDS));
  if (!existsSync('/sys/kernel/tracing/events/syscalls')) missing.push('tracefs at /sys/kernel/tracing (mount -t tracefs nodev /sys/kernel/tracing), for bpftrace');
  return missing;
}

/** The lab's prerequisites, judged as every end-to-end suite judges them (see prerequisitesVerdictOn). */
export function prerequisitesVerdict(): { unmet: string | false; mustFail: boolean } {
  return prerequisitesVerdictOn(missingPrerequisites());
}

/** Runs lab.sh; fails the test with its output if it fails. */
export function lab(...args: string[]): string {
  const run = spawnSync('bash', [LAB_SCRIPT, ...args], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, `lab.sh ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** What reached the upstream during one scenario, measured by the lab from dnsmasq's log and the rule counters. */
export interface MeasuredFacts {
  attempts: number;
  answered: number;
  rejected: number;
  dropped: number;
  rcodes: Record<string, number>;
}

/**
 * The attempts ns53 found agree with what the lab measured during the same run: one attempt per query dnsmasq
 * logged or packet a REJECT/DROP rule caught, each outcome with its counter, and dnsmasq's rcodes.
 */
export function assertAttemptsMatchMeasured(attempts: AttemptRecord[], measured: MeasuredFacts): void {
  const count = (outcome: string): number => attempts.filter((a) => a.outcome === outcome).length;
  assert.equal(attempts.length, measured.attempts, 'attempts = queries dnsmasq saw + packets the rules caught');
  assert.equal(count('answer'), measured.answered, "answered = queries in dnsmasq's log");
  assert.equal(count('refused'), measured.rejected, 'refused = REJECT rule counter');
  assert.equal(count('timeout'), measured.dropped, 'timeouts = DROP rule counter');
  const rcodes: Record<string, number> = {};
  for (const a of attempts) if (a.rcode) rcodes[a.rcode] = (rcodes[a.rcode] ?? 0) + 1;
  assert.deepEqual(rcodes, measured.rcodes, 'rcodes as dnsmasq logged them');
}
