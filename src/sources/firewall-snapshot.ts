import { execa } from 'execa';
import { backendOf, buildFirewallSnapshot, type FirewallCaptures, type FirewallSnapshot } from '../firewall/index.js';

/*
 * Reads a network namespace's firewall with the tools the user has: `iptables -V`, `iptables-save -c`,
 * `ip6tables-save -c`, `iptables-legacy-save -c` (only beside an nf_tables iptables, and only when it prints
 * something), `nft -j list ruleset`; under `nsenter --net=<path>` for another namespace. A tool that is missing,
 * times out or is refused becomes a note naming it and the fix; nothing here throws.
 */

export interface CommandOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** `ENOENT` when the program does not exist; `ETIMEDOUT` when it was killed for taking too long. */
  errorCode: string | null;
}

/** Runs one program; the default uses execa, tests pass a fake. */
export type CommandRunner = (file: string, args: string[], timeoutMs: number) => Promise<CommandOutcome>;

export interface FirewallReading {
  snapshot: FirewallSnapshot;
  /** What could not be read and how to fix it, one sentence each. */
  notes: string[];
  captures: FirewallCaptures;
}

export interface ReadFirewallOptions {
  timeoutMs?: number;
  run?: CommandRunner;
}

const runWithExeca: CommandRunner = async (file, args, timeoutMs) => {
  const result = await execa(file, args, { stdin: 'ignore', reject: false, timeout: timeoutMs, stripFinalNewline: false });
  const code = (result as { code?: string }).code;
  return {
    exitCode: result.exitCode ?? null, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''),
    errorCode: result.timedOut ? 'ETIMEDOUT' : (code ?? null),
  };
};

/** The firewall of `netnsPath` (null: ns53's own namespace), parsed, with notes for every tool that failed. */
export async function readFirewall(netnsPath: string | null, options: ReadFirewallOptions = {}): Promise<FirewallReading> {
  const run = options.run ?? runWithExeca;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const notes: string[] = [];
  const capture = async (tool: string, args: string[], optional = false): Promise<string | null> => {
    const [file, argv] = netnsPath === null ? [tool, args] : ['nsenter', [`--net=${netnsPath}`, tool, ...args]];
    const outcome = await run(file, argv, timeoutMs);
    const failure = describeFailure(tool, netnsPath, outcome);
    if (failure === null) return outcome.stdout.trim() === '' ? null : outcome.stdout;
    if (!(optional && failure.missing)) notes.push(failure.note);
    return null;
  };
  const iptablesVersion = await capture('iptables', ['-V']);
  const iptablesSave = await capture('iptables-save', ['-c']);
  const ip6tablesSave = await capture('ip6tables-save', ['-c']);
  const backend = backendOf(iptablesVersion, null);
  const iptablesLegacySave = backend === 'nf_tables' ? await capture('iptables-legacy-save', ['-c'], true) : null;
  const nftJson = await capture('nft', ['-j', 'list', 'ruleset']);
  const captures: FirewallCaptures = { iptablesVersion: iptablesVersion?.trim() ?? null, iptablesSave, ip6tablesSave, iptablesLegacySave, nftJson };
  return { snapshot: buildFirewallSnapshot(captures), notes, captures };
}

/** Why a tool gave nothing usable, and what to do; null when it worked. */
export function describeFailure(tool: string, netnsPath: string | null, outcome: CommandOutcome): { note: string; missing: boolean } | null {
  if (outcome.errorCode === null && outcome.exitCode === 0) return null;
  const said = outcome.stderr.trim().split('\n')[0] ?? '';
  if (outcome.errorCode === 'ENOENT') {
    const program = netnsPath === null ? tool : 'nsenter';
    return { note: `${program} is not installed (or not on PATH): install ${program === 'nsenter' ? 'util-linux' : PACKAGES[tool] ?? tool} to read these rules`, missing: true };
  }
  if (netnsPath !== null && /^nsenter: (cannot open|reassociate|failed to open)/.test(said)) {
    return { note: `cannot enter the network namespace ${netnsPath} to run ${tool} (${said}): is the container still running, and is ns53 root?`, missing: false };
  }
  if (outcome.errorCode === 'ETIMEDOUT') return { note: `${tool} took too long and was stopped; its rules are not shown`, missing: false };
  if (/not found|No such file or directory|failed to execute/.test(said) || outcome.exitCode === 127) {
    return { note: `${tool} is not installed (or not on PATH): install ${PACKAGES[tool] ?? tool} to read these rules`, missing: true };
  }
  if (/Permission denied|must be root|Operation not permitted|EPERM/i.test(said)) {
    return { note: `${tool} was refused (${said}): run ns53 diagnose as root (sudo) to read the firewall`, missing: false };
  }
  if (/JSON support not compiled/i.test(said)) return { note: `${tool} was built without JSON support: install an nft with JSON (nftables ≥ 0.9 from your distribution)`, missing: false };
  return { note: `${tool} failed (exit ${outcome.exitCode ?? '?'}${said === '' ? '' : `: ${said}`}); its rules are not shown`, missing: false };
}

const PACKAGES: Record<string, string> = {
  iptables: 'iptables', 'iptables-save': 'iptables', 'ip6tables-save': 'iptables', 'iptables-legacy-save': 'iptables', nft: 'nftables',
};
