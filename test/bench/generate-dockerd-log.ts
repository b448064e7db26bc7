// Generates a realistic strace log of Debian's dockerd 20.10 — what `strace -f -ttt -T -yy -s 4096 -o FILE
// -p <dockerd>` writes on a busy host — with DNS forwarding sessions mixed into the noise, and writes next to
// it the exact counts a correct reader must find (FILE.expected.json). Same seed, same bytes.
//
//   node dist/test/bench/generate-dockerd-log.js OUT_FILE [--mb 200] [--seed 1] [--lines-per-lookup 6000]
//
// Sample output (stderr): wrote /tmp/b.strace: 200.00 MB, 1,115,637 lines, 337 sessions, 1478 s of trace (9.7 s)

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ContainerdConnection } from './containerd-connection.js';
import { HealthChecks } from './container-healthcheck.js';
import { ContainerLogs } from './container-logs.js';
import { DockerApiTraffic } from './docker-api-traffic.js';
import { DockerdSyscalls } from './dockerd-syscalls.js';
import { buildDockerdWorld } from './dockerd-world.js';
import { buildNameCatalogue } from './dns-names.js';
import { DnsTraffic } from './dns-forwarding.js';
import { SessionTally, type ExpectedManifest } from './expected-manifest.js';
import { GoRuntime } from './go-runtime.js';
import { SeededRandom } from './seeded-random.js';
import { formatTimestamp, StraceLogWriter } from './strace-log-writer.js';
import { lockedThreadLoop, mainThreadLoop, sysmonLoop, tickerGoroutine } from './sysmon-thread.js';

/** What to generate. */
export interface GenerateOptions {
  outFile: string;
  /** Target size in MB (10^6 bytes); the log ends at the first quiet moment after it. */
  mb: number;
  seed: number;
  /** Mean log lines between two DNS lookups (a lookup is one or two sessions: A, and usually AAAA). */
  linesPerLookup?: number;
}

/**
 * How busy the simulated host is, calibrated against the real captures: futex, epoll_pwait and nanosleep
 * make up about 70% of the lines, reads and writes on unix sockets, fifos and log files most of the bytes,
 * about 55% of lines are unfinished/resumed halves, and lines average about 175 bytes (169 in
 * dev-forward-mixed.strace). That comes to about 750 lines per second of trace, so 200 MB spans about 25
 * minutes, with a DNS session every ~3,300 lines.
 */
const WORKLOAD = {
  /** Mean µs of a quick call under ptrace, and of user-space work between two calls. */
  timing: { quickCall: 70, userWork: 45 },
  /** Scales every container's log rate. */
  logRate: 2.5,
  /** Mean seconds between Engine API clients. */
  apiConnectEvery: 0.5,
  /** `docker stats` streams open for the whole trace. */
  statsStreams: 4,
  /** Runtime timers (tickers with no syscall of their own), by period in µs. */
  tickers: [100_000, 250_000, 500_000, 1_000_000, 1_000_000, 5_000_000],
};

/** Trace seconds a lookup can still need (a dropped query, retransmitted, then its 4 s deadline). */
const LOOKUP_TAIL_SECONDS = 8;

/** Modules that do not shape the log (the benchmark harness, tests). */
const NOT_GENERATOR = /^(run|measure-command)\.js$|\.test\.js$/;

/** A hash of the generator's own compiled modules, so a log cached by an older generator is not reused. */
export function generatorHash(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js') && !NOT_GENERATOR.test(n)).sort()) {
    hash.update(name).update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The manifest's path for a log. */
export function manifestPathOf(outFile: string): string {
  return `${outFile}.expected.json`;
}

/** Writes the log and its manifest; returns the manifest. Synchronous: output goes out in 1 MiB writes. */
export function generateDockerdLog(options: GenerateOptions): ExpectedManifest {
  const random = new SeededRandom(options.seed);
  // Each part draws from its own stream, so changing one part's behaviour leaves the others' unchanged.
  const world = buildDockerdWorld(random.fork());
  const names = buildNameCatalogue(random.fork());
  const writer = new StraceLogWriter(options.outFile);
  const rt = new GoRuntime(writer, random.fork(), world.startTime, world.pid, world.epollRef, WORKLOAD.timing);
  const sys = new DockerdSyscalls(rt, world, random.fork());
  const tally = new SessionTally();
  const dns = new DnsTraffic(rt, sys, world, random.fork(), names, tally);
  const containerd = new ContainerdConnection(rt, sys, world, random.fork());
  const logs = new ContainerLogs(rt, sys, world, random.fork(), WORKLOAD.logRate);
  const health = new HealthChecks(rt, sys, world, random.fork(), containerd);
  const api = new DockerApiTraffic(rt, sys, world, random.fork(), containerd, WORKLOAD.apiConnectEvery);
  const control = random.fork();

  // strace attaches thread by thread: each one's current call is its first line.
  let at = world.startTime;
  for (const thread of world.threads) {
    at += control.int(8, 25);
    if (thread.role === 'worker') rt.addWorker(thread.tid, thread.parkAddress, at);
    else if (thread.role === 'sysmon') rt.addThread(thread.tid, at, () => sysmonLoop(rt, world, control.fork()));
    else if (thread.role === 'waitid') rt.addThread(thread.tid, at, () => mainThreadLoop(world));
    else rt.addThread(thread.tid, at, () => lockedThreadLoop(thread.parkAddress));
  }
  containerd.start();
  dns.startListeners();
  logs.start();
  health.start();
  api.start(WORKLOAD.statsStreams);
  for (const period of WORKLOAD.tickers) rt.go(tickerGoroutine(rt, control.fork(), period));

  const target = Math.round(options.mb * 1e6);
  const linesPerLookup = options.linesPerLookup ?? 6000;
  let nextLookup = control.exponential(linesPerLookup);
  let lookupsOpen = true;
  while (rt.step()) {
    if (lookupsOpen && writer.lines >= nextLookup) {
      dns.startLookup();
      nextLookup += control.exponential(linesPerLookup);
    }
    if (lookupsOpen) {
      // Stop starting lookups early enough for the last ones to end near the target size.
      const elapsed = (rt.now - world.startTime) / 1e6;
      const tail = elapsed < LOOKUP_TAIL_SECONDS ? 0 : Math.min((writer.bytes / elapsed) * LOOKUP_TAIL_SECONDS, target / 2);
      if (writer.bytes >= target - tail) lookupsOpen = false;
    }
    if (!lookupsOpen && writer.bytes >= target && dns.active === 0) break;
  }
  writer.close();

  const manifest: ExpectedManifest = {
    generator: 'ns53/test/bench/generate-dockerd-log',
    formatVersion: 1,
    generatorHash: generatorHash(),
    seed: options.seed,
    targetMb: options.mb,
    file: {
      bytes: writer.bytes,
      lines: writer.lines,
      firstTimestamp: formatTimestamp(writer.firstTime ?? world.startTime),
      lastTimestamp: formatTimestamp(writer.lastTime),
      spanSeconds: Math.round((writer.lastTime - (writer.firstTime ?? world.startTime)) / 1000) / 1000,
    },
    lineKinds: writer.kinds,
    threads: world.threads.length,
    containers: world.containers.length,
    sessions: tally.sessions,
    attempts: tally.attempts,
    outcomes: tally.outcomes,
    rcodes: tally.rcodes,
    namespaces: tally.namespaces,
    replies: tally.replies,
    localAnswers: tally.localAnswers,
    retransmissions: tally.retransmissions,
    syscalls: Object.fromEntries([...writer.callsByName].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
  };
  writeFileSync(manifestPathOf(options.outFile), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { mb: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, 'lines-per-lookup': { type: 'string' } },
  });
  const outFile = positionals[0];
  const mb = Number(values.mb);
  const seed = Number(values.seed);
  const linesPerLookup = values['lines-per-lookup'] === undefined ? undefined : Number(values['lines-per-lookup']);
  if (outFile === undefined || !(mb > 0) || !Number.isInteger(seed) || (linesPerLookup !== undefined && !(linesPerLookup > 0))) {
    process.stderr.write('usage: generate-dockerd-log OUT_FILE [--mb 200] [--seed 1] [--lines-per-lookup 6000]\n');
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const manifest = generateDockerdLog({ outFile, mb, seed, ...(linesPerLookup === undefined ? {} : { linesPerLookup }) });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `wrote ${outFile}: ${(manifest.file.bytes / 1e6).toFixed(2)} MB, ${manifest.file.lines.toLocaleString('en-US')} lines, ` +
      `${manifest.sessions} sessions, ${manifest.file.spanSeconds.toFixed(0)} s of trace (${seconds.toFixed(1)} s)\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
