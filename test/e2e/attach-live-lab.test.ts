import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { replayTrace } from '../../src/replay.js';
import type { AttemptRecord, SessionRecord, SummaryRecord } from '../../src/sessions/index.js';
import { ipOf } from '../../src/sessions/verdict.js';
import { stoppedThreads, processStatus } from '../../src/sources/process-status.js';
import { assertAttemptsMatchMeasured, lab, prerequisitesVerdict, type MeasuredFacts } from '../support/lab.js';
import { Ns53Process, parseNdjson } from '../support/ns53-process.js';
import { repoPath } from '../support/repo-root.js';
import { toolVersions } from '../support/tool-versions.js';

/**
 * `ns53 attach` on a real dockerd (Debian's docker.io, in the lab of test/e2e/lab/lab.sh). For each scenario:
 * the real CLI attaches with --save, the lab makes containers resolve names and measures what reached the
 * upstream (dnsmasq's log, REJECT/DROP counters), ns53 is stopped the way users stop it, and then:
 * - the sessions printed live equal, record for record and in order, `ns53 replay` of the saved trace;
 * - they agree with what the lab measured, independently of ns53;
 * - dockerd is left running, not stopped or traced, and a container still resolves.
 *
 * NS53_RECORD_FIXTURES=1 also keeps each scenario's saved traces as replay fixtures (fixtures/replay/live-* for
 * strace, live-bpftrace-* for bpftrace); NS53_RECORD_FIXTURES=strace or =bpftrace keeps one backend's only.
 */

type Stop = 'SIGTERM' | 'SIGINT' | 'duration';

interface Scenario {
  name: string;
  stop: Stop;
  /** Source addresses of the attempts (container IPs, or 127.0.0.1 on the host path). */
  sources: string[];
  upstream: string;
  namespace: 'container' | 'host';
  check?(sessions: SessionRecord[]): void;
}

const attemptsOf = (sessions: SessionRecord[]) => sessions.flatMap((s) => s.attempts);

const CONTAINER_SCENARIOS: Scenario[] = [
  {
    name: 'answered',
    stop: 'SIGTERM',
    sources: ['172.18.0.2'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check(sessions) {
      const [session] = sessions;
      assert.equal(session?.query?.name, 'www.example.test');
      assert.equal(session?.reply?.rcode, 'NOERROR');
      assert.deepEqual(session?.attempts[0]?.answers.map((a) => a.data), ['10.0.0.5']);
      assert.match(session!.verdict, /^forwarded from container web's namespace \(sandbox [0-9a-f]{12}(, net:\[\d+\])?\) as 172\.18\.0\.2:\d+ to 10\.77\.0\.2:53; answered NOERROR/);
    },
  },
  {
    name: 'nxdomain',
    stop: 'SIGINT',
    sources: ['172.18.0.2'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check: (sessions) => assert.deepEqual(attemptsOf(sessions).map((a) => a.rcode), ['NXDOMAIN']),
  },
  {
    name: 'refused',
    stop: 'duration',
    sources: ['172.18.0.2'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check: (sessions) => assert.deepEqual(attemptsOf(sessions).map((a) => a.rcode), ['REFUSED']),
  },
  {
    name: 'reject',
    stop: 'SIGTERM',
    sources: ['172.18.0.2', '172.18.0.3'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check(sessions) {
      for (const attempt of attemptsOf(sessions)) assert.equal(attempt.errno, 'ECONNREFUSED');
      for (const session of sessions) assert.match(session.verdict, /a REJECT rule on the forwarded path \(the host's FORWARD chain\) rejects 172\.18\.0\.[23]/);
    },
  },
  {
    name: 'drop',
    stop: 'SIGTERM',
    sources: ['172.18.0.2'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check(sessions) {
      for (const attempt of attemptsOf(sessions)) assert.ok(attempt.latencyMs! > 3900, `timed out after dockerd's 4 s (${attempt.latencyMs} ms)`);
      assert.match(sessions[0]!.verdict, /a DROP rule/);
    },
  },
  {
    name: 'api-only',
    stop: 'SIGINT',
    sources: ['172.18.0.2', '172.18.0.3'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check(sessions) {
      for (const attempt of attemptsOf(sessions)) {
        assert.equal(attempt.outcome, ipOf(attempt.source) === '172.18.0.3' ? 'refused' : 'answer', `${attempt.source}: only api is blocked`);
      }
    },
  },
  {
    name: 'tcp',
    stop: 'SIGTERM',
    sources: ['172.18.0.2'],
    upstream: '10.77.0.2:53',
    namespace: 'container',
    check(sessions) {
      const attempts = attemptsOf(sessions);
      assert.ok(attempts.every((a) => a.proto === 'tcp'));
      assert.equal(sessions[0]?.client?.proto, 'tcp');
    },
  },
];

const HOST_SCENARIO: Scenario = {
  name: 'host',
  stop: 'SIGTERM',
  sources: ['127.0.0.1'],
  upstream: '127.0.77.53:53',
  namespace: 'host',
  check(sessions) {
    assert.deepEqual(attemptsOf(sessions).map((a) => a.rcode).sort(), ['NOERROR', 'NXDOMAIN']);
    for (const session of sessions) {
      assert.match(session.verdict, /^forwarded from the host namespace .* as 127\.0\.0\.1:\d+ to 127\.0\.77\.53:53/);
      assert.doesNotMatch(session.verdict, /container/);
    }
  },
};

/** The lab's dockerd must run on after a detach: no thread stopped, no tracer left. */
function assertDockerdRunsFree(pid: number): void {
  assert.deepEqual(stoppedThreads(pid), [], 'no dockerd thread is left stopped');
  const status = processStatus(pid);
  assert.ok(status, 'dockerd is alive');
  assert.equal(status.tracerPid, 0, 'no tracer is left attached');
  assert.doesNotMatch(status.state, /^[Tt]/);
}

/** The two backends watch the same traffic at once: strace through ptrace, bpftrace through tracepoints. */
const BACKENDS = ['strace', 'bpftrace'] as const;
type Backend = (typeof BACKENDS)[number];

/** What one backend's ns53 printed live, and the replay of what it saved. */
interface BackendRun {
  backend: Backend;
  sessions: SessionRecord[];
  replayed: SessionRecord[];
  summary: SummaryRecord;
  stderr: string;
  savePath: string;
}

interface LiveRun {
  runs: BackendRun[];
  measured: MeasuredFacts;
  dir: string;
}

const SAVE_NAMES: Record<Backend, string> = { strace: 'trace.strace', bpftrace: 'trace.ndjson' };

async function attachDuring(dockerd: number, scenario: Scenario): Promise<LiveRun> {
  const dir = mkdtempSync(join(tmpdir(), `ns53-live-${scenario.name}-`));
  const factsPath = join(dir, 'measured.json');
  const duration = scenario.stop === 'duration' ? ['--duration', '8'] : [];
  const processes = BACKENDS.map((backend) => {
    const savePath = join(dir, SAVE_NAMES[backend]);
    return { backend, savePath, ns53: new Ns53Process(['attach', '--pid', String(dockerd), '--backend', backend, '--format', 'ndjson', '--save', savePath, ...duration]) };
  });
  try {
    await Promise.all(processes.map(({ ns53 }) => ns53.attached));
    lab('scenario', scenario.name, '--facts', factsPath);
    if (scenario.stop !== 'duration') for (const { ns53 } of processes) ns53.child.kill(scenario.stop);
    const runs: BackendRun[] = [];
    for (const { backend, savePath, ns53 } of processes) {
      const exit = await ns53.waitForExit(30_000);
      assert.equal(exit.code, 0, `ns53 --backend ${backend} exit status; stderr:\n${exit.stderr}`);
      const why = { SIGTERM: 'SIGTERM', SIGINT: 'Ctrl-C', duration: 'the --duration passed' }[scenario.stop];
      assert.match(exit.stderr, new RegExp(`ns53: detached from PID ${dockerd} \\(${why}\\); it keeps running`));
      assert.match(exit.stderr, new RegExp(`ns53: backend: ${backend} \\(as asked\\)`));
      const { sessions, summary } = parseNdjson(exit.stdout);
      assert.ok(summary, 'a summary ends the NDJSON');
      assert.equal(summary.parseIssues.total, 0, JSON.stringify(summary.parseIssues.first));
      if (backend === 'bpftrace') assert.equal(summary.lostEvents, 0, 'bpftrace lost no events');
      const replayed: SessionRecord[] = [];
      await replayTrace([savePath], { session: (record) => replayed.push(record) });
      runs.push({ backend, sessions, replayed, summary, stderr: exit.stderr, savePath });
    }
    const measured = JSON.parse(readFileSync(factsPath, 'utf8')) as MeasuredFacts;
    return { runs, measured, dir };
  } finally {
    for (const { ns53 } of processes) if (ns53.child.exitCode === null && ns53.child.signalCode === null) ns53.child.kill('SIGKILL');
  }
}

/**
 * An attempt as both backends must report it: who sent what where, from which namespace (the sandbox that
 * dockerd entered, or the host), and how it ended. The inode is not compared: strace's `-yy` shows the
 * sandbox path that setns() used, not the namespace's inode, which only bpftrace reads from the kernel.
 */
function attemptKey(attempt: AttemptRecord, question: string): string {
  return JSON.stringify([attempt.source, attempt.upstream, attempt.proto, question, attempt.outcome, attempt.rcode, attempt.errno, attempt.netns.label, attempt.netns.host]);
}

function attemptKeys(sessions: SessionRecord[]): string[] {
  return sessions.flatMap((session) => session.attempts.map((attempt) => attemptKey(attempt, `${session.query?.name} ${session.query?.type}`))).sort();
}

/**
 * The namespace of every attempt, as bpftrace read it from the kernel, is the one the kernel gives the
 * container (or dockerd, on the host path): `stat -L -c %i /proc/<pid>/ns/net`, by the attempt's source address.
 */
function assertNetnsInodes(sessions: SessionRecord[], scenario: Scenario, dockerd: number): void {
  const expected = new Map<string, number>();
  if (scenario.namespace === 'host') expected.set('127.0.0.1', statSync(`/proc/${dockerd}/ns/net`).ino);
  else {
    for (const line of lab('netns').trim().split('\n')) {
      const [, ip, inode] = line.split(' ');
      expected.set(ip!, Number(inode));
    }
  }
  for (const attempt of attemptsOf(sessions)) {
    assert.equal(attempt.netns.inode, expected.get(ipOf(attempt.source) ?? ''), `netns inode of ${attempt.source}`);
  }
}

function assertMatchesMeasured(run: BackendRun, measured: MeasuredFacts, scenario: Scenario): void {
  const attempts = attemptsOf(run.sessions);
  assert.ok(measured.attempts > 0, 'the scenario reached the upstream');
  assertAttemptsMatchMeasured(attempts, measured);
  assert.deepEqual([...new Set(attempts.map((a) => ipOf(a.source)))].sort(), scenario.sources, 'source addresses');
  for (const attempt of attempts) {
    assert.equal(attempt.upstream, scenario.upstream);
    assert.equal(attempt.netns.host, scenario.namespace === 'host', `netns ${attempt.netns.label}`);
    if (scenario.namespace === 'container') assert.match(attempt.netns.label, /^sandbox [0-9a-f]{12}$/);
    else assert.ok(attempt.netns.inode !== null, 'the host namespace is named by its inode, read from /proc at attach');
  }
}

/** With NS53_RECORD_FIXTURES (see above): the saved trace, its meta file, and the measured facts become a replay fixture. */
function keepAsFixture(run: BackendRun, measured: MeasuredFacts, scenario: Scenario, dockerd: number): void {
  const record = process.env['NS53_RECORD_FIXTURES'];
  if (record !== '1' && record !== run.backend) return;
  const dir = repoPath('fixtures/replay', run.backend === 'strace' ? `live-${scenario.name}` : `live-bpftrace-${scenario.name}`);
  const file = SAVE_NAMES[run.backend];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(run.savePath, join(dir, file));
  const meta = JSON.parse(readFileSync(`${run.savePath}.meta.json`, 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, `${file}.meta.json`), `${JSON.stringify(meta, null, 2)}\n`);
  const outcomes = Object.fromEntries(
    [
      ['answer', measured.answered],
      ['refused', measured.rejected],
      ['timeout', measured.dropped],
    ].filter(([, n]) => (n as number) > 0),
  );
  const facts = {
    source: "measured independently of ns53 during the live run: dnsmasq's query log and the REJECT/DROP rule counters (lab.sh scenario --facts); sources, upstream and namespace kind from the scenario's design",
    attempts: measured.attempts,
    outcomes,
    rcodes: measured.rcodes,
    sources: scenario.sources,
    upstreams: [scenario.upstream],
    namespaces: { [scenario.namespace]: measured.attempts },
  };
  writeFileSync(join(dir, 'facts.json'), `${JSON.stringify(facts, null, 2)}\n`);
  const versions = toolVersions(dockerd);
  writeFileSync(
    join(dir, 'NOTES.md'),
    [
      `# ${basename(dir)}: saved by \`ns53 attach --backend ${run.backend} --save\` from the lab's dockerd`,
      '',
      `Recorded by test/e2e/attach-live-lab.test.ts (NS53_RECORD_FIXTURES=${record}) on ${new Date().toISOString().slice(0, 10)}.`,
      `The scenario is \`lab.sh scenario ${scenario.name}\` (see test/e2e/lab/README.md); ns53 was stopped with ${scenario.stop}.`,
      '',
      `- \`${file}\`: the raw trace exactly as ${run.backend} printed it (lab paths under /tmp/ns53-lab are not rewritten).`,
      `- \`${file}.meta.json\`: what ns53 read from /proc at attach (each thread's netns inode) and the ${run.backend} command.`,
      '- `facts.json`: what reached the upstream, measured by the lab, not by ns53.',
      '',
      '| tool | version |',
      '|---|---|',
      ...Object.entries(versions).map(([tool, version]) => `| ${tool} | ${version} |`),
      '',
      `${run.backend} command: \`${String(meta['command'])}\``,
      '',
    ].join('\n'),
  );
}

async function runScenario(dockerd: number, scenario: Scenario): Promise<void> {
  const { runs, measured, dir } = await attachDuring(dockerd, scenario);
  try {
    for (const run of runs) {
      assert.deepEqual(run.sessions, run.replayed, `${run.backend}: the live sessions are exactly the replay of the saved trace`);
      assertMatchesMeasured(run, measured, scenario);
      try {
        scenario.check?.(run.sessions);
      } catch (error) {
        throw new Error(`${run.backend}: ${(error as Error).message}\n${run.sessions.map((session) => JSON.stringify(session)).join('\n')}`, { cause: error });
      }
      if (run.backend === 'bpftrace') assertNetnsInodes(run.sessions, scenario, dockerd);
      keepAsFixture(run, measured, scenario, dockerd);
    }
    const [strace, bpftrace] = runs;
    assert.deepEqual(attemptKeys(bpftrace!.sessions), attemptKeys(strace!.sessions), 'both backends report the same attempts for the same traffic');
    assertDockerdRunsFree(dockerd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { unmet, mustFail } = prerequisitesVerdict();

if (mustFail) {
  test('end-to-end prerequisites are installed (CI=true)', () => assert.fail(`cannot run the real-dockerd tests: ${unmet}`));
} else {
  describe('ns53 attach on a real dockerd, container-namespace forwarding ("dns" override)', { skip: unmet, timeout: 900_000 }, () => {
    let dockerd = 0;
    before(() => {
      lab('up');
      dockerd = Number(lab('pid').trim());
    });
    after(() => {
      lab('down');
    });

    for (const scenario of CONTAINER_SCENARIOS) {
      test(`${scenario.name}, stopped by ${scenario.stop}`, async () => {
        await runScenario(dockerd, scenario);
        // A container still resolves through dockerd after the detach.
        assert.match(lab('scenario', 'answered'), /10\.0\.0\.5/);
      });
    }

    for (const backend of BACKENDS) {
      test(`the output pipe closing detaches cleanly (${backend})`, async () => {
        const ns53 = new Ns53Process(['attach', '--pid', String(dockerd), '--backend', backend, '--format', 'ndjson']);
        await ns53.attached;
        ns53.child.stdout!.destroy();
        // The next session ns53 writes meets the closed pipe.
        lab('scenario', 'answered');
        const exit = await ns53.waitForExit(30_000);
        assert.equal(exit.code, 0, exit.stderr);
        assert.match(exit.stderr, /detached from PID \d+ \(the output pipe closed\); it keeps running/);
        assertDockerdRunsFree(dockerd);
        assert.match(lab('scenario', 'answered'), /10\.0\.0\.5/);
      });
    }

    test('--docker finds the lab daemon through DOCKER_HOST', async () => {
      const labDir = process.env['NS53_LAB_DIR'] ?? '/tmp/ns53-lab';
      const ns53 = new Ns53Process(['attach', '--docker', '--duration', '1', '--format', 'ndjson'], { env: { ...process.env, DOCKER_HOST: `unix://${labDir}/docker.sock` } });
      const exit = await ns53.waitForExit(30_000);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stderr, /ns53: backend: bpftrace \(auto: bpftrace v[\d.]+ can run here/);
      assert.match(exit.stderr, new RegExp(`attached to dockerd \\(PID ${dockerd}, \\d+ probes; .*DOCKER_HOST`));
      assertDockerdRunsFree(dockerd);
    });
  });

  describe('ns53 attach on a real dockerd, host-namespace forwarding (loopback resolv.conf, no "dns")', { skip: unmet, timeout: 300_000 }, () => {
    let dockerd = 0;
    before(() => {
      lab('up', '--host-resolver');
      dockerd = Number(lab('pid').trim());
    });
    after(() => {
      lab('down');
    });

    test('host: forwarded from dockerd\'s own namespace, reported as host', async () => {
      await runScenario(dockerd, HOST_SCENARIO);
      assert.match(lab('scenario', 'host'), /10\.0\.0\.5/);
    });
  });
}
