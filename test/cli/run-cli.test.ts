import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NAMES_UNKNOWN } from '../../src/replay.js';
import { runCli } from '../../src/cli/run-cli.js';
import { SessionRecordSchema, SummaryRecordSchema } from '../../src/sessions/record-schemas.js';
import { repoPath } from '../support/repo-root.js';

const MIXED = repoPath('fixtures/replay/dev-forward-mixed/dev-forward-mixed.strace');

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdoutIsTerminal: false });
  return { code, stdout, stderr };
}

test('replay prints a table: one row per attempt and a verdict per session, then a summary', async () => {
  const { code, stdout, stderr } = await run(['replay', MIXED]);
  assert.equal(code, 0);
  assert.equal(stderr, `ns53: note: ${NAMES_UNKNOWN}\n`, 'names are said to be unknown, once, and nothing else');
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^TIME \(UTC\)\s+CLIENT\s+QUERY\s+NETNS\s+SOURCE\s+UPSTREAM\s+OUTCOME\s+LATENCY$/);
  assert.equal(lines.filter((l) => l.startsWith('  └ ')).length, 18);
  assert.equal(lines.filter((l) => /refused ECONNREFUSED/.test(l)).length, 4);
  assert.match(stdout, /18 sessions, 18 upstream attempts: answer 14, refused 4 \(rcodes: NXDOMAIN 6, NOERROR 4, REFUSED 4\)/);
});

test('--format ndjson prints one valid session object per line and a final summary', async () => {
  const { code, stdout } = await run(['replay', '--format', 'ndjson', MIXED]);
  assert.equal(code, 0);
  const records = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string });
  assert.equal(records.length, 19);
  for (const record of records.slice(0, -1)) SessionRecordSchema.parse(record);
  const summary = SummaryRecordSchema.parse(records.at(-1));
  assert.equal(summary.sessions, 18);
});

test('a missing file says so and exits 2', async () => {
  const { code, stderr } = await run(['replay', '/nonexistent/trace.strace']);
  assert.equal(code, 2);
  assert.match(stderr, /ns53: \/nonexistent\/trace\.strace: no such file \[E_INPUT_NOT_FOUND\]/);
});

test('an unknown format is a usage error that lists the choices', async () => {
  const { code, stderr } = await run(['replay', '--format', 'xml', MIXED]);
  assert.notEqual(code, 0);
  assert.match(stderr, /Allowed choices are tui, table, ndjson/);
});

test('unreadable lines are counted and pointed at on stderr, and the run goes on', async () => {
  const { code, stdout, stderr } = await run(['replay', repoPath('fixtures/strace-corpus/strace-corpus.txt')]);
  assert.equal(code, 0);
  assert.match(stderr, /^ns53: \d+ lines could not be read \((\w[\w-]+ \d+(, )?)+\); they were skipped:\n  strace-corpus\.txt:\d+:\d+: [a-z-]+: /);
  assert.match(stderr, /see "parseIssues" in the summary/);
  assert.match(stdout, /\d+ parse issues/);
});

test('the installed binary reads standard input and survives a closed pipe', () => {
  const bin = repoPath('dist/src/cli/main.js');
  const piped = spawnSync(process.execPath, [bin, 'replay', '--format', 'ndjson', '-'], { input: readFileSync(MIXED) });
  assert.equal(piped.status, 0, piped.stderr.toString());
  assert.equal(piped.stdout.toString().trimEnd().split('\n').length, 19);
  const headClosed = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" replay "${MIXED}" | head -1`]);
  assert.equal(headClosed.status, 0);
  // The summary's note may or may not come before head has gone; a complaint about the pipe never does.
  assert.ok(['', `ns53: note: ${NAMES_UNKNOWN}\n`].includes(headClosed.stderr.toString()), headClosed.stderr.toString());
});

test('--version prints the package version', async () => {
  const { code, stdout } = await run(['--version']);
  assert.equal(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
});

const BPFTRACE_REJECT = repoPath('fixtures/replay/live-bpftrace-reject/trace.ndjson');

test('bpftrace records replay from a file and from standard input alike, and lost events are shown', () => {
  const bin = repoPath('dist/src/cli/main.js');
  const fromFile = spawnSync(process.execPath, [bin, 'replay', BPFTRACE_REJECT]);
  assert.equal(fromFile.status, 0, fromFile.stderr.toString());
  assert.match(fromFile.stdout.toString(), /4 sessions, 4 upstream attempts: refused 4\n.*; 0 parse issues; bpftrace lost 0 events\n/);
  // bpftrace said it dropped events: the summary counts them and a warning says what that means.
  const lost = Buffer.concat([readFileSync(BPFTRACE_REJECT), Buffer.from('{"type": "lost_events", "data": {"events": 8}}\n')]);
  const piped = spawnSync(process.execPath, [bin, 'replay', '--format', 'ndjson', '-'], { input: lost });
  assert.equal(piped.status, 0, piped.stderr.toString());
  const summary = SummaryRecordSchema.parse(JSON.parse(piped.stdout.toString().trimEnd().split('\n').at(-1)!));
  assert.equal(summary.sessions, 4);
  assert.equal(summary.lostEvents, 8);
  assert.match(piped.stderr.toString(), /ns53: warning: bpftrace lost 8 events: its buffers overflowed/);
});
