// What scanProcContainers costs on this machine's real /proc: it reads every process's cgroup, so its time
// grows with the number of processes. `--spawn N` first starts N idle processes of its own (`sleep`), to see a
// busy node's count on a quiet machine, and ends them, by pid, before it exits. Read-only on /proc otherwise.
//
//   npm run build && node dist/test/bench/proc-scan.js [--runs 20] [--spawn 0]
//
// Sample output (--spawn 1000 on a 70-process Debian 12 VM, Linux 6.18, Node 20; 1.6 ms without --spawn):
//
//   processes in /proc: 1070 (1000 spawned by this benchmark)
//   containers found:   0
//   first scan:         44.6 ms
//   median of 20 runs:  33.4 ms (min 25.6, max 47.6)
//   per container:      182 µs more (readlink ns/net, net/{fib_trie,route,if_inet6})

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readNetnsInode } from '../../src/sources/netns-inode.js';
import { readNetnsNetworks, scanProcContainers } from '../../src/sources/proc-containers.js';

interface Options {
  runs: number;
  spawn: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '20' }, spawn: { type: 'string', default: '0' } } });
  const options = { runs: Number(values.runs), spawn: Number(values.spawn) };
  if (!(Number.isInteger(options.runs) && options.runs > 0) || !(Number.isInteger(options.spawn) && options.spawn >= 0)) {
    throw new Error('usage: proc-scan [--runs 20] [--spawn 0]');
  }
  return options;
}

/** Starts `count` idle children and waits until /proc lists them all. */
async function spawnIdle(count: number): Promise<ChildProcess[]> {
  const children = Array.from({ length: count }, () => spawn('sleep', ['600'], { stdio: 'ignore' }));
  await Promise.all(children.map((child) => new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject))));
  return children;
}

function millisecondsOf(scan: () => unknown): number {
  const started = process.hrtime.bigint();
  scan();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const children = await spawnIdle(options.spawn);
  try {
    const processes = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
    let containers = 0;
    const first = millisecondsOf(() => (containers = scanProcContainers().length));
    const times = Array.from({ length: options.runs }, () => millisecondsOf(() => scanProcContainers())).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(`processes in /proc: ${processes}${options.spawn > 0 ? ` (${options.spawn} spawned by this benchmark)` : ''}`);
    console.log(`containers found:   ${containers}`);
    console.log(`first scan:         ${first.toFixed(1)} ms`);
    console.log(`median of ${options.runs} runs:  ${median.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)})`);
    // What each container adds, measured on this process's own netns: its readlink and its three net files.
    const perContainer = millisecondsOf(() => {
      for (let i = 0; i < 100; i++) {
        readNetnsInode(`/proc/${process.pid}/ns/net`);
        readNetnsNetworks(process.pid);
      }
    }) / 100;
    console.log(`per container:      ${(perContainer * 1000).toFixed(0)} µs more (readlink ns/net, net/{fib_trie,route,if_inet6})`);
  } finally {
    for (const child of children) child.kill();
  }
}

await main();
