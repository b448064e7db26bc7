import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ns53Error } from '../../src/errors.js';
import { findDockerd, parseUnixSocketLine, parseUnixSockets, procView, type FindDockerdRequest, type UnixSocketRow } from '../../src/sources/dockerd-finder.js';

const HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path';

/** A /proc/net/unix row as the kernel prints it (inode padded to 5 columns, path after one space). */
function unixLine(inode: number, path: string | null, listening = true): string {
  const flags = listening ? '00010000' : '00000000';
  return `0000000000000000: 00000002 00000000 ${flags} 0001 ${listening ? '01' : '03'} ${String(inode).padStart(5)}${path === null ? '' : ` ${path}`}`;
}

interface FakeProcess {
  pid: number;
  comm: string;
  argv?: string[];
  /** Rows of the process's network namespace; processes in one netns get the same rows. */
  netUnix?: string[];
  /** Socket inodes the process has open. */
  sockets?: number[];
}

/** Builds a /proc tree in a temp dir; returns its root. */
function fakeProc(processes: FakeProcess[]): string {
  const root = mkdtempSync(join(tmpdir(), 'ns53-proc-'));
  for (const { pid, comm, argv = [comm], netUnix = [], sockets = [] } of processes) {
    const dir = join(root, String(pid));
    mkdirSync(join(dir, 'net'), { recursive: true });
    mkdirSync(join(dir, 'fd'));
    writeFileSync(join(dir, 'comm'), `${comm}\n`);
    writeFileSync(join(dir, 'cmdline'), argv.map((arg) => `${arg}\0`).join(''));
    writeFileSync(join(dir, 'net', 'unix'), [HEADER, ...netUnix, ''].join('\n'));
    symlinkSync('/dev/null', join(dir, 'fd', '0'));
    sockets.forEach((inode, i) => symlinkSync(`socket:[${inode}]`, join(dir, 'fd', String(i + 3))));
  }
  return root;
}

/** Runs findDockerd on a fake /proc with no pid file unless the request names one. */
function find(root: string, request: FindDockerdRequest): ReturnType<typeof findDockerd> {
  return findDockerd({ pidFile: join(root, 'absent.pid'), ...request }, procView(root));
}

/** Asserts that `run` throws an Ns53Error with this code and a message matching each pattern. */
function assertNs53Error(run: () => unknown, code: string, exitCode: number, ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof Ns53Error, String(error));
    assert.equal(error.code, code);
    assert.equal(error.exitCode, exitCode);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

test('parseUnixSocketLine: rows of /proc/net/unix', () => {
  const cases: Array<[string, UnixSocketRow | null]> = [
    [HEADER, null],
    ['', null],
    ['not a socket row', null],
    ['000000001e0a1019: 00000003 00000000 00000000 0001 03    52', { inode: 52, path: null, listening: false, type: 1, state: 3 }],
    [
      'ffff8a0c4b2e1c00: 00000002 00000000 00010000 0001 01 123456 /var/run/docker.sock',
      { inode: 123456, path: '/var/run/docker.sock', listening: true, type: 1, state: 1 },
    ],
    ['0000000000000000: 00000002 00000000 00010000 0001 01  2001 /tmp/my dir/docker.sock', { inode: 2001, path: '/tmp/my dir/docker.sock', listening: true, type: 1, state: 1 }],
    ['0000000000000000: 00000002 00000000 00000000 0001 03  2002 /tmp/trailing ', { inode: 2002, path: '/tmp/trailing ', listening: false, type: 1, state: 3 }],
    ['0000000000000000: 00000002 00000000 00010000 0005 01  2003 @/containerd-shim/abc.sock@', { inode: 2003, path: '@/containerd-shim/abc.sock@', listening: true, type: 5, state: 1 }],
    ['0000000000000000: 00000002 00000000 00000000 0002 01  2004', { inode: 2004, path: null, listening: false, type: 2, state: 1 }],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseUnixSocketLine(line), expected, line);
});

test('parseUnixSockets skips the header and blank lines', () => {
  const rows = parseUnixSockets([HEADER, unixLine(7, '/a b'), unixLine(8, null, false), ''].join('\n'));
  assert.deepEqual(rows.map((row) => [row.inode, row.path, row.listening]), [
    [7, '/a b', true],
    [8, null, false],
  ]);
});

test('--pid naming dockerd: chosen, no warning', () => {
  const root = fakeProc([{ pid: 1234, comm: 'dockerd' }]);
  assert.deepEqual(find(root, { pid: 1234 }), { pid: 1234, comm: 'dockerd', how: '--pid 1234', warning: null, notes: [] });
});

test('--pid naming no process: E_NO_SUCH_PID', () => {
  const root = fakeProc([{ pid: 1234, comm: 'dockerd' }]);
  assertNs53Error(() => find(root, { pid: 4321 }), 'E_NO_SUCH_PID', 2, /^no process with PID 4321$/);
});

test('--pid that is not a process id: E_USAGE', () => {
  const root = fakeProc([]);
  assertNs53Error(() => find(root, { pid: -3 }), 'E_USAGE', 64, /--pid wants a process id/);
});

test('--pid naming another process: chosen, with a warning', () => {
  const root = fakeProc([{ pid: 1234, comm: 'containerd' }]);
  const target = find(root, { pid: 1234, dockerHost: 'tcp://ignored:2375' });
  assert.equal(target.comm, 'containerd');
  assert.equal(target.warning, "PID 1234 is 'containerd', not dockerd; tracing it anyway");
});

/** Two daemons in two network namespaces; the second netns also lists a docker.sock that its dockerd does not hold. */
function twoNetnsProc(): string {
  const netnsA = [unixLine(1000, '/var/run/docker.sock'), unixLine(1001, '/var/run/docker.sock', false), unixLine(1002, null, false)];
  const netnsB = [unixLine(2000, '/tmp/x/docker.sock'), unixLine(3000, '/var/run/docker.sock'), unixLine(2001, null, false)];
  return fakeProc([
    { pid: 100, comm: 'dockerd', netUnix: netnsA, sockets: [1000, 1001] },
    { pid: 200, comm: 'dockerd', netUnix: netnsB, sockets: [2000, 2001] },
    { pid: 300, comm: 'socat', netUnix: netnsB, sockets: [3000] },
  ]);
}

test('DOCKER_HOST=unix://PATH picks the dockerd holding that listening socket in its own netns', () => {
  const root = twoNetnsProc();
  assert.deepEqual(find(root, { dockerHost: 'unix:///tmp/x/docker.sock' }), {
    pid: 200,
    comm: 'dockerd',
    how: 'the daemon listening on unix:///tmp/x/docker.sock (DOCKER_HOST)',
    warning: null,
    notes: [],
  });
  assert.equal(find(root, { dockerHost: 'unix:///var/run/docker.sock' }).pid, 100);
  assert.equal(find(root, { dockerHost: 'unix:///var/run//docker.sock' }).pid, 100, 'doubled slashes name the same file');
});

test('DOCKER_HOST naming a socket no dockerd holds: E_DOCKERD_NOT_FOUND listing where the daemons listen', () => {
  const root = twoNetnsProc();
  assertNs53Error(
    () => find(root, { dockerHost: 'unix:///run/other.sock' }),
    'E_DOCKERD_NOT_FOUND',
    2,
    /DOCKER_HOST is unix:\/\/\/run\/other\.sock, but no dockerd process listens on \/run\/other\.sock/,
    /PID 100 listens on unix:\/\/\/var\/run\/docker\.sock/,
    /PID 200 listens on unix:\/\/\/tmp\/x\/docker\.sock/,
  );
});

test('DOCKER_HOST with no dockerd at all says how to get one found', () => {
  const root = fakeProc([{ pid: 1, comm: 'init' }]);
  assertNs53Error(() => find(root, { dockerHost: 'unix:///var/run/docker.sock' }), 'E_DOCKERD_NOT_FOUND', 2, /no dockerd process listens/, /--pid=host/);
});

test('a remote DOCKER_HOST: E_DOCKER_HOST_REMOTE asking for --pid', () => {
  const root = twoNetnsProc();
  for (const dockerHost of ['tcp://10.0.0.5:2376', 'ssh://me@build-host', 'localhost:2375']) {
    assertNs53Error(() => find(root, { dockerHost }), 'E_DOCKER_HOST_REMOTE', 64, new RegExp(`DOCKER_HOST is ${dockerHost}`), /pass --pid/);
  }
});

test('an empty DOCKER_HOST counts as unset', () => {
  const root = fakeProc([{ pid: 100, comm: 'dockerd' }]);
  assert.equal(find(root, { dockerHost: '' }).how, 'the only process named dockerd');
});

test('the pid file names the daemon among several', () => {
  const root = twoNetnsProc();
  const pidFile = join(root, 'docker.pid');
  writeFileSync(pidFile, '200\n');
  assert.deepEqual(find(root, { pidFile }), { pid: 200, comm: 'dockerd', how: `pid file ${pidFile}`, warning: null, notes: [] });
});

test('a stale pid file is skipped with a note: a dead PID, or a PID reused by another program', () => {
  const root = fakeProc([
    { pid: 100, comm: 'dockerd' },
    { pid: 500, comm: 'bash' },
  ]);
  const pidFile = join(root, 'docker.pid');
  writeFileSync(pidFile, '999\n');
  const dead = find(root, { pidFile });
  assert.equal(dead.pid, 100);
  assert.equal(dead.how, 'the only process named dockerd');
  assert.match(dead.notes.join('\n'), /pid file .*docker\.pid names PID 999, which is not running/);
  writeFileSync(pidFile, '500');
  assert.match(find(root, { pidFile }).notes.join('\n'), /names PID 500, which is 'bash', not dockerd/);
  writeFileSync(pidFile, 'garbage');
  assert.match(find(root, { pidFile }).notes.join('\n'), /does not hold a process id/);
});

test('no pid file: the only dockerd is chosen; other processes and vanished ones are ignored', () => {
  const root = fakeProc([
    { pid: 1, comm: 'systemd' },
    { pid: 100, comm: 'dockerd' },
    { pid: 101, comm: 'containerd' },
  ]);
  mkdirSync(join(root, '102')); // exited between readdir and reading comm
  mkdirSync(join(root, 'self'));
  const target = find(root, {});
  assert.equal(target.pid, 100);
  assert.equal(target.how, 'the only process named dockerd');
  assert.match(target.notes.join('\n'), /absent\.pid could not be read/, 'a pid file the caller named is mentioned');
});

test('several dockerds and no pid file: E_DOCKERD_AMBIGUOUS listing each with its data-root and -H', () => {
  const longTail = Array.from({ length: 30 }, (_, i) => `--label=k${i}=v`);
  const root = fakeProc([
    { pid: 100, comm: 'dockerd', argv: ['/usr/bin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock'] },
    { pid: 200, comm: 'dockerd', argv: ['dockerd', '--data-root=/srv/docker b', '-Hunix:///tmp/b.sock', ...longTail] },
  ]);
  assert.throws(
    () => find(root, {}),
    (error: unknown) => {
      assert.ok(error instanceof Ns53Error);
      assert.equal(error.code, 'E_DOCKERD_AMBIGUOUS');
      assert.equal(error.exitCode, 64);
      assert.match(error.message, /2 dockerd processes are running; pass --pid/);
      assert.match(error.message, /PID 100 {2}-H fd:\/\/ {2}\/usr\/bin\/dockerd -H fd:\/\//);
      assert.match(error.message, /PID 200 {2}data-root \/srv\/docker b, -H unix:\/\/\/tmp\/b\.sock {2}dockerd '--data-root=\/srv\/docker b'/);
      const line200 = error.message.split('\n').find((line) => line.includes('PID 200'))!;
      assert.ok(line200.endsWith('…') && !line200.includes('k29'), `shortened: ${line200}`);
      return true;
    },
  );
});

test('no dockerd: E_DOCKERD_NOT_FOUND saying how to pass --pid and that the host /proc must be visible', () => {
  const root = fakeProc([{ pid: 1, comm: 'sh' }]);
  assertNs53Error(() => find(root, {}), 'E_DOCKERD_NOT_FOUND', 2, /^no dockerd process found/, /pass --pid/, /--pid=host/);
});

test('a /proc that is not there lists no processes instead of throwing', () => {
  const view = procView(join(tmpdir(), 'ns53-no-such-proc'));
  assert.deepEqual(view.listPids(), []);
  assert.equal(view.comm(1), null);
  assert.equal(view.socketInodes(1), null);
  assert.equal(view.unixSockets(1), null);
  assert.equal(view.cmdline(1), null);
});

test('the real /proc: this test process is node, traced with a warning', () => {
  const target = findDockerd({ pid: process.pid }, procView());
  assert.equal(target.pid, process.pid);
  assert.equal(target.comm, 'node');
  assert.equal(target.warning, `PID ${process.pid} is 'node', not dockerd; tracing it anyway`);
  assert.ok(procView().listPids().includes(process.pid));
});
