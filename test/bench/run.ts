// The replay benchmark: ns53 against `LC_ALL=C grep -c connect` on the same realistic dockerd log, in the
// same run, and a check that ns53 found exactly the sessions the generator wrote.
//
//   npm run bench            (builds, then runs this)
//   node dist/test/bench/run.js [--mb 200] [--seed 1] [--runs 3] [--keep] [--dir /tmp/ns53-bench]
//
// Exit status: 1 when the replay's summary disagrees with the generator's manifest or reports parse issues
// (a correctness failure); 0 otherwise, whether or not the speed and memory targets are met (those are
// printed as PASS/FAIL). Sample output:
//
//   tool                          runs   seconds      MB/s      lines/s   peak RSS
//   LC_ALL=C grep -c connect         3     0.110    1818.2    9,710,000     2.6 MB
//   ns53 replay --format ndjson      3     2.400      83.3      445,000    98.0 MB
//   ns53 replay … --pcap             3     2.900      69.0      368,000   112.0 MB

import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoPath } from '../support/repo-root.js';
import { OUTCOMES, type ExpectedManifest } from './expected-manifest.js';
import { generateDockerdLog, generatorHash, manifestPathOf } from './generate-dockerd-log.js';
import { describeRssMethod, detectRssMethod, measureCommand, type Measurement, type RssMethod } from './measure-command.js';

const TARGET_MB_PER_SECOND = 250;
const TARGET_PEAK_RSS_MB = 200;
const MB = 1e6;

interface Options {
  mb: number;
  seed: number;
  runs: number;
  keep: boolean;
  dir: string;
}

/** What one tool did over its runs. */
interface ToolResult {
  name: string;
  runs: Measurement[];
  seconds: number;
  peakRss: number | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      mb: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      runs: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      dir: { type: 'string', default: join(tmpdir(), 'ns53-bench') },
    },
  });
  const options = { mb: Number(values.mb), seed: Number(values.seed), runs: Number(values.runs), keep: values.keep, dir: values.dir };
  if (!(options.mb > 0) || !Number.isInteger(options.seed) || !(Number.isInteger(options.runs) && options.runs > 0)) {
    throw new Error('usage: run [--mb 200] [--seed 1] [--runs 3] [--keep] [--dir DIR]');
  }
  return options;
}

/** The cached log if it was made by this generator with this seed and size, else null. */
function reusableManifest(logPath: string, options: Options): ExpectedManifest | null {
  const manifestPath = manifestPathOf(logPath);
  if (!existsSync(logPath) || !existsSync(manifestPath)) return null;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ExpectedManifest;
    const same = manifest.formatVersion === 1 && manifest.seed === options.seed && manifest.targetMb === options.mb && manifest.generatorHash === generatorHash();
    return same && statSync(logPath).size === manifest.file.bytes ? manifest : null;
  } catch {
    return null;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function measureTool(name: string, argv: string[], options: Options, context: { stdoutPath: string; env?: NodeJS.ProcessEnv; method: RssMethod; scratchFile: string }): Promise<ToolResult> {
  const runs: Measurement[] = [];
  for (let i = 0; i < options.runs; i++) {
    const run = await measureCommand(argv, context);
    if (run.exitCode !== 0 && !(name.startsWith('LC_ALL=C grep') && run.exitCode === 1)) {
      throw new Error(`${name} exited with ${run.exitCode}: ${run.stderr.trim()}`);
    }
    runs.push(run);
    process.stderr.write(`  ${name}: run ${i + 1}/${options.runs} ${run.seconds.toFixed(3)} s\n`);
  }
  const rss = runs.map((r) => r.peakRss).filter((r): r is number => r !== null);
  return { name, runs, seconds: median(runs.map((r) => r.seconds)), peakRss: rss.length > 0 ? Math.max(...rss) : null };
}

/** The replay's last line: its summary. */
function readSummary(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8').trimEnd();
  const last = text.slice(text.lastIndexOf('\n') + 1);
  const summary = JSON.parse(last) as Record<string, unknown>;
  if (summary.type !== 'summary') throw new Error(`the replay's last line is not its summary: ${last.slice(0, 200)}`);
  return summary;
}

/** Every disagreement between the replay's summary and the manifest, in words. */
function compareSummary(summary: Record<string, unknown>, manifest: ExpectedManifest): string[] {
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown): void => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${what}: replay says ${JSON.stringify(actual)}, the generator wrote ${JSON.stringify(expected)}`);
  };
  expect('lines', summary.lines, manifest.file.lines);
  expect('bytes', summary.bytes, manifest.file.bytes);
  expect('sessions', summary.sessions, manifest.sessions);
  expect('attempts', summary.attempts, manifest.attempts);
  const outcomes = (summary.outcomes ?? {}) as Record<string, number>;
  for (const outcome of OUTCOMES) expect(`outcomes.${outcome}`, outcomes[outcome] ?? 0, manifest.outcomes[outcome]);
  const rcodes = (summary.rcodes ?? {}) as Record<string, number>;
  for (const rcode of new Set([...Object.keys(rcodes), ...Object.keys(manifest.rcodes)])) expect(`rcodes.${rcode}`, rcodes[rcode] ?? 0, manifest.rcodes[rcode] ?? 0);
  const namespaces = (summary.namespaces ?? {}) as Record<string, number>;
  expect('namespaces.container', namespaces.container, manifest.namespaces.container);
  const issues = (summary.parseIssues ?? {}) as { total?: number; first?: unknown[] };
  if (issues.total !== 0) problems.push(`parseIssues.total is ${String(issues.total)}, expected 0; first: ${JSON.stringify(issues.first?.slice(0, 3))}`);
  return problems;
}

function formatRow(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

function formatRss(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / MB).toFixed(1)} MB`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const cli = repoPath('dist/src/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -p tsconfig.json)`);
  mkdirSync(options.dir, { recursive: true });
  const logPath = join(options.dir, `dockerd-${options.mb}mb-seed${options.seed}.strace`);
  const scratchFile = join(options.dir, `time-${process.pid}.txt`);

  let manifest = reusableManifest(logPath, options);
  let provenance = 'reused';
  if (manifest === null) {
    process.stderr.write(`generating ${options.mb} MB with seed ${options.seed} into ${logPath} ...\n`);
    const started = performance.now();
    manifest = generateDockerdLog({ outFile: logPath, mb: options.mb, seed: options.seed });
    provenance = `generated in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  }
  const { bytes, lines } = manifest.file;
  const method = detectRssMethod(scratchFile);

  const grep = await measureTool('LC_ALL=C grep -c connect', ['grep', '-c', 'connect', logPath], options, {
    stdoutPath: join(options.dir, 'grep.out'),
    env: { LC_ALL: 'C' },
    method,
    scratchFile,
  });
  const replayOut = join(options.dir, 'replay.ndjson');
  const replay = await measureTool('ns53 replay --format ndjson', [process.execPath, cli, 'replay', '--format', 'ndjson', logPath], options, { stdoutPath: replayOut, method, scratchFile });
  const problems = compareSummary(readSummary(replayOut), manifest);
  // The same replay writing every session's packets too: what --pcap costs on top.
  const pcapPath = join(options.dir, 'replay.pcapng');
  const withPcap = await measureTool('ns53 replay … --pcap', [process.execPath, cli, 'replay', '--format', 'ndjson', '--pcap', pcapPath, logPath], options, {
    stdoutPath: join(options.dir, 'replay-pcap.ndjson'),
    method,
    scratchFile,
  });
  const grepCount = readFileSync(join(options.dir, 'grep.out'), 'utf8').trim();

  const out: string[] = [];
  out.push(`ns53 replay benchmark: a dockerd-like strace log of ${(bytes / MB).toFixed(2)} MB, ${lines.toLocaleString('en-US')} lines, ` + `${manifest.file.spanSeconds.toFixed(0)} s of trace, ${manifest.sessions} DNS sessions (seed ${manifest.seed})`);
  out.push(`log: ${logPath} (${provenance})`);
  out.push(`peak RSS: ${describeRssMethod(method)}; seconds: median of ${options.runs} runs; MB = 10^6 bytes`);
  out.push('');
  const widths = [30, 5, 9, 9, 13, 10];
  out.push(formatRow(['tool', 'runs', 'seconds', 'MB/s', 'lines/s', 'peak RSS'], widths));
  for (const tool of [grep, replay, withPcap]) {
    out.push(formatRow([tool.name, String(tool.runs.length), tool.seconds.toFixed(3), (bytes / MB / tool.seconds).toFixed(1), Math.round(lines / tool.seconds).toLocaleString('en-US'), formatRss(tool.peakRss)], widths));
  }
  out.push('');
  out.push(`grep counted ${grepCount} lines containing "connect"; each replay run: ${replay.runs.map((r) => `${r.seconds.toFixed(3)} s/${formatRss(r.peakRss)}`).join(', ')}`);
  out.push(`--pcap: ${(withPcap.seconds / replay.seconds).toFixed(2)}x the replay's time, ${(statSync(pcapPath).size / MB).toFixed(1)} MB of pcapng`);
  if (problems.length === 0) {
    const outcomes = Object.entries(manifest.outcomes).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    const rcodes = Object.entries(manifest.rcodes).map(([k, n]) => `${k} ${n}`).join(', ');
    out.push(`correctness: PASS (sessions ${manifest.sessions}, attempts ${manifest.attempts}; ${outcomes}; rcodes ${rcodes}; 0 parse issues)`);
  } else {
    out.push(`correctness: FAIL`);
    for (const problem of problems) out.push(`  - ${problem}`);
  }
  const mbPerSecond = bytes / MB / replay.seconds;
  out.push(`target ≥ ${TARGET_MB_PER_SECOND} MB/s end to end: ${mbPerSecond >= TARGET_MB_PER_SECOND ? 'PASS' : 'FAIL'} (${mbPerSecond.toFixed(1)} MB/s)`);
  const rss = replay.peakRss;
  out.push(`target peak RSS < ${TARGET_PEAK_RSS_MB} MB: ${rss === null ? 'UNKNOWN (not measured)' : rss / MB < TARGET_PEAK_RSS_MB ? 'PASS' : 'FAIL'} (${formatRss(rss)})`);
  process.stdout.write(`${out.join('\n')}\n`);

  rmSync(join(options.dir, 'grep.out'), { force: true });
  for (const path of [pcapPath, join(options.dir, 'replay-pcap.ndjson')]) rmSync(path, { force: true });
  if (options.keep) {
    process.stdout.write(`kept: ${logPath}, ${manifestPathOf(logPath)}, ${replayOut}\n`);
  } else {
    for (const path of [logPath, manifestPathOf(logPath), replayOut]) rmSync(path, { force: true });
  }
  return problems.length === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
