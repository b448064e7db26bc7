import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { replayTrace } from '../../../src/replay.js';
import type { SessionRecord } from '../../../src/sessions/index.js';
import { buildSessionDetail, storyStepsOf, type DetailLine, type StoryStep } from '../../../src/sinks/tui/session-story.js';
import { TracePipeline } from '../../../src/trace-pipeline.js';
import { REPO_ROOT } from '../../support/repo-root.js';
import { replayFixtures, type ReplayFixture } from '../../support/replay-fixtures.js';
import { straceString } from '../../support/strace-text.js';
import { dnsAnswer, dnsQuery, TraceScript } from '../../support/trace-script.js';

/** A session as the TUI gets it: its record, and the steps it keeps of the model behind it. */
interface Story {
  record: SessionRecord;
  steps: StoryStep[];
}

const fixtures = replayFixtures();

function fixtureNamed(name: string): ReplayFixture {
  const fixture = fixtures.find((candidate) => candidate.name === name);
  assert.ok(fixture, `fixture ${name}`);
  return fixture;
}

/** Replays a fixture as the TUI would, keeping each session's steps. */
async function replayStories(fixture: ReplayFixture): Promise<Story[]> {
  process.chdir(REPO_ROOT);
  const stories: Story[] = [];
  await replayTrace(fixture.inputs, { session: (record, session) => stories.push({ record, steps: storyStepsOf(session) }) });
  return stories;
}

/** Runs hand-written strace lines through the pipeline, keeping each session's steps. */
function scriptStories(lines: string[]): Story[] {
  const stories: Story[] = [];
  const pipeline = new TracePipeline({ session: (record, session) => stories.push({ record, steps: storyStepsOf(session) }) });
  lines.forEach((line, i) => pipeline.pushLine(line, 'test.strace', i + 1));
  pipeline.end({ inputs: ['test.strace'], bytes: 0, notes: [] });
  return stories;
}

/** The detail pane as plain text, one line a line: tone, then (for steps) offset and thread, text, trace line. */
function renderDetail(lines: DetailLine[]): string {
  return lines
    .map((line) => {
      const step = line.offsetMs === undefined ? '' : `${line.offsetMs === null ? '' : `+${line.offsetMs.toFixed(3)} ms`}`.padStart(13) + `  ${line.tid ?? '-'}  `;
      return `${line.tone.padEnd(7)} ${step}${line.text}${line.ref ? `  (${line.ref})` : ''}`.trimEnd();
    })
    .join('\n');
}

/** The step lines of a detail (those with a trace line). */
function stepLines(lines: DetailLine[]): DetailLine[] {
  return lines.filter((line) => line.ref !== undefined);
}

function findLine(lines: DetailLine[], pattern: RegExp): DetailLine {
  const found = lines.find((line) => pattern.test(line.text));
  assert.ok(found, `no line matches ${pattern}:\n${renderDetail(lines)}`);
  return found;
}

test('refused (live-reject): the container namespace, the container source under FORWARD, ECONNREFUSED on the read', async () => {
  const stories = await replayStories(fixtureNamed('live-reject'));
  assert.equal(stories.length, 4);
  for (const { record, steps } of stories) {
    const lines = buildSessionDetail(record, steps);
    findLine(lines, /^setns: thread \d+ enters container namespace sandbox [0-9a-f]{12}$/);
    const source = findLine(lines, /^getsockname: source address 172\.18\.0\.\d+:\d+ — this is the container's IP, so the host's rules for forwarded traffic apply \(FORWARD, DOCKER-USER\)$/);
    assert.equal(source.tone, 'plain');
    const refused = findLine(lines, /^read → ECONNREFUSED: an ICMP port unreachable came back; typically an iptables REJECT \(or nothing listens on port 53 there\)$/);
    assert.equal(refused.tone, 'bad');
    assert.match(refused.ref!, /^trace\.strace:\d+$/);
    findLine(lines, /^refused: an ICMP port unreachable came back \(ECONNREFUSED\) after [\d.]+ ms$/);
    assert.equal(findLine(lines, /^no reply reached the client/).tone, 'bad');
    const offsets = stepLines(lines).map((line) => line.offsetMs!);
    assert.equal(offsets[0], 0);
    assert.ok(offsets.every((offset, i) => i === 0 || offset >= offsets[i - 1]!), `offsets ${offsets.join(', ')}`);
    assert.ok(offsets.at(-1)! > 0);
  }
});

test('the refused detail is exactly fixtures/replay/live-reject/detail.txt (UPDATE_GOLDEN=1 rewrites it)', async () => {
  const fixture = fixtureNamed('live-reject');
  const stories = await replayStories(fixture);
  const actual = `${stories.map(({ record, steps }) => renderDetail(buildSessionDetail(record, steps))).join('\n\n')}\n`;
  const goldenPath = join(fixture.dir, 'detail.txt');
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenPath)) {
    assert.ok(process.env.UPDATE_GOLDEN === '1', `${goldenPath} is missing: run the test with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(goldenPath, actual);
    return;
  }
  assert.equal(actual, readFileSync(goldenPath, 'utf8'));
});

test('timeout (live-drop): the close that ends the wait says it was a timeout', async () => {
  const stories = await replayStories(fixtureNamed('live-drop'));
  assert.ok(stories.length > 0);
  for (const { record, steps } of stories) {
    const lines = buildSessionDetail(record, steps);
    const close = findLine(lines, /^close: closes the socket 4\.0 s after the query with no answer: a timeout/);
    assert.equal(close.tone, 'bad');
    assert.ok(close.offsetMs! > 4000, `offset ${close.offsetMs}`);
    findLine(lines, /^write: sends the query \(id 0x[0-9a-f]{4} A{1,4} www\.example\.test\) to 10\.77\.0\.2:53; by now the thread is in the host namespace, but the packet leaves from the socket's namespace/);
    assert.equal(findLine(lines, /^timed out: no answer, then the socket was closed after 4\.0 s$/).tone, 'bad');
  }
});

test('answered (live-answered): the answer read, the records with their TTLs, the reply to the client', async () => {
  const [story, ...rest] = await replayStories(fixtureNamed('live-answered'));
  assert.equal(rest.length, 0);
  const lines = buildSessionDetail(story!.record, story!.steps);
  assert.deepEqual(lines.slice(0, 3).map((line) => line.text), [
    'www.example.test A (id 0x4ef1)',
    'client 127.0.0.1:38351 over UDP, on a listener opened before the trace began (its namespace is not in the trace)',
    'at 2026-11-24T11:04:14.344105Z',
  ]);
  assert.equal(findLine(lines, /^recvmsg: the client's query arrives from 127\.0\.0\.1:38351 \(id 0x4ef1 A www\.example\.test\)$/).offsetMs, 0);
  assert.equal(findLine(lines, /^read: reads the answer: NOERROR, 1 record$/).tone, 'good');
  assert.equal(findLine(lines, /^sendmsg: the reply goes back to 127\.0\.0\.1:38351: NOERROR, 1 record$/).tone, 'good');
  assert.equal(findLine(lines, /^NOERROR in 2\.211 ms, 1 record$/).tone, 'good');
  assert.equal(lines.filter((line) => line.text === '  www.example.test A TTL 0 10.0.0.5').length, 2, 'the attempt and the reply');
  assert.deepEqual(lines.filter((line) => line.tone === 'heading').map((line) => line.text), [
    'www.example.test A (id 0x4ef1)',
    'Syscalls',
    'Attempt 1 of 1: 172.18.0.2:56634 → 10.77.0.2:53 over UDP',
    'Reply to the client',
    'Verdict',
  ]);
});

test('host path (live-host): no setns, a socket in the host namespace, and the host chains for its source address', async () => {
  const stories = await replayStories(fixtureNamed('live-host'));
  for (const { record, steps } of stories) {
    const lines = buildSessionDetail(record, steps);
    assert.ok(!steps.some((step) => step.kind === 'netns-enter'));
    findLine(lines, /^socket: opens a UDP socket \(fd \d+\) in the host namespace \(the traced process's own\) \(net:\[4026532467\]\)$/);
    findLine(lines, /^getsockname: source address 127\.0\.0\.1:\d+ — the host's own address, so the host's OUTPUT and INPUT rules apply$/);
    assert.ok(!lines.some((line) => line.text.includes('by now the thread is in')), 'the thread never left the socket\'s namespace');
  }
});

test('TCP (live-tcp): a non-blocking connect, its SO_ERROR, and the client leg read from the accepted connection', async () => {
  const [story] = await replayStories(fixtureNamed('live-tcp'));
  const lines = buildSessionDetail(story!.record, story!.steps);
  findLine(lines, /^socket: opens a TCP socket/);
  assert.equal(findLine(lines, /^connect: connects it to upstream 10\.77\.0\.2:53 → EINPROGRESS: the TCP handshake has started/).tone, 'dim');
  findLine(lines, /^getsockopt: SO_ERROR is 0: the TCP connection to the upstream is up$/);
  findLine(lines, /^read: the client's query arrives from 127\.0\.0\.1:\d+ \(id 0x[0-9a-f]{4} A www\.example\.test\)$/);
  findLine(lines, /^write: the reply goes back to 127\.0\.0\.1:\d+: NOERROR, 1 record$/);
});

test('bpftrace (live-bpftrace-reject): the source address comes with the connect record, ECONNREFUSED on the read', async () => {
  const stories = await replayStories(fixtureNamed('live-bpftrace-reject'));
  assert.ok(stories.length > 0);
  for (const { record, steps } of stories) {
    const lines = buildSessionDetail(record, steps);
    findLine(lines, /^setns: thread \d+ enters container namespace sandbox [0-9a-f]{12} \(net:\[\d+\]\)$/);
    findLine(lines, /^connect: connects it to upstream 10\.77\.0\.2:53; the kernel binds source address 172\.18\.0\.\d+:\d+ — this is the container's IP, so the host's rules for forwarded traffic apply \(FORWARD, DOCKER-USER\)$/);
    assert.equal(findLine(lines, /^read → ECONNREFUSED: an ICMP port unreachable came back/).tone, 'bad');
    findLine(lines, /^client 127\.0\.0\.1:\d+ over UDP, on a listener in container namespace sandbox/);
  }
});

/** The text of every line of a fixture's input files, by `file:line` as refs name them. */
function fixtureLines(fixture: ReplayFixture): Map<string, string> {
  const lines = new Map<string, string>();
  for (const input of fixture.inputs) {
    const file = input.split('/').at(-1)!;
    readFileSync(join(REPO_ROOT, input), 'utf8').split('\n').forEach((text, i) => lines.set(`${file}:${i + 1}`, text));
  }
  return lines;
}

test('every step of every session names a real line of its fixture, which shows that call by that thread', async () => {
  // Compressed traces are left out: their refs are lines of the uncompressed text.
  for (const fixture of fixtures.filter((candidate) => !candidate.inputs.some((input) => input.endsWith('.gz')))) {
    const lines = fixtureLines(fixture);
    for (const { steps } of await replayStories(fixture)) {
      for (const step of steps) {
        const text = lines.get(step.ref);
        assert.ok(text !== undefined, `${fixture.name}: ${step.ref} is not a line of the fixture`);
        if (text.startsWith('{"type"')) {
          // bpftrace: one record stands for several calls (connect carries setns and socket); its thread is the step's.
          assert.ok(text.includes(`\\"tid\\":${step.tid},`), `${fixture.name} ${step.ref}: thread ${step.tid} in ${text.slice(0, 120)}`);
        } else {
          assert.ok(text.includes(`${step.syscall}(`) || text.includes(`<... ${step.syscall} resumed>`), `${fixture.name} ${step.ref}: ${step.syscall} in ${text.slice(0, 120)}`);
        }
      }
    }
  }
});

test('every session of every fixture: steps in time order, attempts that exist, and the verdict last', async () => {
  for (const fixture of fixtures) {
    for (const { record, steps } of await replayStories(fixture)) {
      const where = `${fixture.name} session ${record.id}`;
      steps.forEach((step, i) => {
        if (i > 0 && step.time !== null && steps[i - 1]!.time !== null) assert.ok(step.time >= steps[i - 1]!.time!, `${where}: ${step.ref}`);
        assert.ok(step.attempt === null || step.attempt < record.attempts.length, `${where}: attempt ${step.attempt}`);
      });
      for (const detail of [buildSessionDetail(record, steps), buildSessionDetail(record, null)]) {
        assert.deepEqual(detail.at(-1), { text: record.verdict, tone: detail.at(-1)!.tone }, where);
        assert.equal(detail.at(-2)?.text, 'Verdict', where);
      }
    }
  }
});

test('without its steps the detail says so in one dim line where the syscalls would be', async () => {
  const [story] = await replayStories(fixtureNamed('live-answered'));
  const withSteps = buildSessionDetail(story!.record, story!.steps);
  const without = buildSessionDetail(story!.record, null);
  assert.ok(!without.some((line) => line.text === 'Syscalls' || line.ref !== undefined));
  const start = withSteps.findIndex((line) => line.text === 'Syscalls');
  const end = withSteps.findIndex((line) => line.text.startsWith('Attempt 1'));
  assert.deepEqual(without, [...withSteps.slice(0, start), { text: 'the syscalls of this session were not kept', tone: 'dim' }, ...withSteps.slice(end)]);
});

test('failover: each attempt has its own steps, in order, and its own section', () => {
  const query = dnsQuery(11, 'www.example.test');
  const answer = dnsAnswer(11, 'www.example.test', 'NOERROR', ['10.0.0.5']);
  const script = new TraceScript()
    .clientQuery(100, 40, 1000, query)
    .dialFromSandbox(101, 61, '6d527838845f', '172.18.0.2:1111', '10.77.0.2')
    .send(101, 61, query)
    .receiveError(101, 61, 'ECONNREFUSED')
    .dialFromSandbox(101, 62, '6d527838845f', '172.18.0.2:2222', '10.77.0.3')
    .send(101, 62, query)
    .receive(101, 62, answer)
    .clientReply(101, 40, 1000, answer)
    .close(101, 61)
    .close(101, 62);
  const [story, ...rest] = scriptStories(script.lines);
  assert.equal(rest.length, 0);
  const { record, steps } = story!;
  assert.deepEqual(steps.map((step) => [step.attempt, step.syscall]), [
    [null, 'recvmsg'],
    [0, 'setns'],
    [0, 'socket'],
    [0, 'connect'],
    [0, 'getsockname'],
    [0, 'write'],
    [0, 'read'],
    [1, 'setns'],
    [1, 'socket'],
    [1, 'connect'],
    [1, 'getsockname'],
    [1, 'write'],
    [1, 'read'],
    [null, 'sendmsg'],
  ]);
  assert.deepEqual(steps[3], {
    time: steps[3]!.time,
    tid: 101,
    ref: 'test.strace:6',
    syscall: 'connect',
    kind: 'connect',
    attempt: 0,
    netns: { inode: null, path: '/var/run/docker/netns/6d527838845f', label: 'sandbox 6d527838845f', host: false, container: null },
    fd: 61,
    address: '10.77.0.2:53',
    errno: null,
  });
  assert.equal(steps[1]!.netns, steps[2]!.netns, 'steps in one namespace share its record');
  const lines = buildSessionDetail(record, steps);
  assert.deepEqual(lines.filter((line) => line.text.startsWith('Attempt')).map((line) => line.text), [
    'Attempt 1 of 2: 172.18.0.2:1111 → 10.77.0.2:53 over UDP',
    'Attempt 2 of 2: 172.18.0.2:2222 → 10.77.0.3:53 over UDP',
  ]);
  findLine(lines, /^connect: connects it to upstream 10\.77\.0\.3:53$/);
  assert.equal(findLine(lines, /^sendmsg: the reply goes back to 127\.0\.0\.1:1000: NOERROR, 1 record$/).tone, 'good');
});

test('a query written again on the same socket is sent "again"; the EAGAIN before it only says "not yet"', () => {
  const query = dnsQuery(1, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 1, query)
    .dialFromSandbox(101, 61, '6d527838845f', '172.18.0.2:1')
    .line(101, `write(61<UDP:[661]>, ${straceString(query)}, ${query.length}) = -1 EAGAIN (Resource temporarily unavailable)`)
    .send(101, 61, query)
    .receive(101, 61, dnsAnswer(1, 'www.example.test', 'NOERROR', ['10.0.0.5']));
  const [story] = scriptStories(script.lines);
  const lines = stepLines(buildSessionDetail(story!.record, story!.steps));
  const writes = lines.filter((line) => line.text.startsWith('write'));
  assert.deepEqual(writes.map((line) => [line.text, line.tone]), [
    ['write: sends the query (id 0x0001 A www.example.test) to 10.77.0.2:53; by now the thread is in namespace net:[4026532177], but the packet leaves from the socket\'s namespace, the one it was made in → EAGAIN: not yet; Go waits until the socket is ready and makes the call again', 'dim'],
    ['write: sends the query (id 0x0001 A www.example.test) to 10.77.0.2:53 again; by now the thread is in namespace net:[4026532177], but the packet leaves from the socket\'s namespace, the one it was made in', 'plain'],
  ]);
});
