import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { Ns53Error } from '../errors.js';
import { parseDockerHost } from './docker-host.js';

/*
 * Picks the process `ns53 attach` traces: the one given with `--pid`, or for `--docker` the dockerd that
 * DOCKER_HOST points at, the one in docker's pid file, or the only dockerd running. The choice is explained
 * in `how`, since picking the wrong daemon on a host with several shows up only as an empty trace.
 */

/** What the user asked for: `--pid N`, or `--docker` with the pid file and DOCKER_HOST to consider. */
export interface FindDockerdRequest {
  pid?: number;
  /** Default {@link DEFAULT_PID_FILE}. */
  pidFile?: string;
  /** The caller passes process.env.DOCKER_HOST; empty counts as unset, as it does for the docker CLI. */
  dockerHost?: string | undefined;
}

/** The process to attach to and why it was chosen. */
export interface AttachTarget {
  pid: number;
  comm: string;
  /** E.g. "pid file /var/run/docker.pid", "the only process named dockerd". */
  how: string;
  /** Set when `--pid` names a process that is not dockerd: allowed, since any DNS forwarder can be traced. */
  warning: string | null;
  /** Steps skipped on the way, e.g. a stale pid file. */
  notes: string[];
}

/** One row of /proc/<pid>/net/unix. */
export interface UnixSocketRow {
  inode: number;
  /** Null for unbound sockets; abstract names start with '@'. */
  path: string | null;
  /** __SO_ACCEPTCON in Flags: the socket is listening (accepted connections also show the listener's path). */
  listening: boolean;
  /** SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5. */
  type: number;
  /** SS_UNCONNECTED = 1, SS_CONNECTED = 3, … */
  state: number;
}

/** What {@link findDockerd} needs to know about processes; every method answers null (or []) for a process that is gone or hidden. */
export interface ProcView {
  /** Process ids (thread-group leaders only: /proc does not list other threads). */
  listPids(): number[];
  /** /proc/<pid>/comm without its newline. */
  comm(pid: number): string | null;
  /** /proc/<pid>/cmdline split at its NULs. */
  cmdline(pid: number): string[] | null;
  /** The unix sockets of the process's network namespace (/proc/<pid>/net/unix). */
  unixSockets(pid: number): UnixSocketRow[] | null;
  /** Inodes of the sockets the process has open (its /proc/<pid>/fd links `socket:[INODE]`); null when not permitted. */
  socketInodes(pid: number): Set<number> | null;
  /** The text of a pid file, or null when it cannot be read. */
  readPidFile(path: string): string | null;
}

/** Where dockerd writes its pid unless started with --pidfile. */
export const DEFAULT_PID_FILE = '/var/run/docker.pid';

const DOCKERD_COMM = 'dockerd';
const SO_ACCEPTCON = 0x10000;
const CMDLINE_SHOWN_CHARS = 100;

/** Chooses the process to attach to; throws an Ns53Error when there is none or the choice is the user's to make. */
export function findDockerd(request: FindDockerdRequest, system: ProcView): AttachTarget {
  if (request.pid !== undefined) return chooseGivenPid(request.pid, system);
  const notes: string[] = [];
  const dockerHost = request.dockerHost?.trim();
  if (dockerHost) return findByDockerHost(dockerHost, system, notes);
  return findByPidFile(request.pidFile, system, notes) ?? findOnlyDockerd(system, notes);
}

function chooseGivenPid(pid: number, system: ProcView): AttachTarget {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Ns53Error('E_USAGE', `--pid wants a process id, got ${pid}`);
  const comm = system.comm(pid);
  if (comm === null) throw new Ns53Error('E_NO_SUCH_PID', `no process with PID ${pid}`);
  const warning = comm === DOCKERD_COMM ? null : `PID ${pid} is '${comm}', not dockerd; tracing it anyway`;
  return { pid, comm, how: `--pid ${pid}`, warning, notes: [] };
}

/** Same file name for the kernel and for us: `//` and `/./` do not matter; abstract names are compared as they are. */
function sameSocketPath(a: string, b: string): boolean {
  const normal = (path: string): string => (path.startsWith('/') ? posix.normalize(path) : path);
  return normal(a) === normal(b);
}

/** Paths of the listening unix sockets the process holds, or null when its fds cannot be read. */
export function listeningSocketPaths(pid: number, system: ProcView): string[] | null {
  const listening = (system.unixSockets(pid) ?? []).filter((row) => row.listening && row.path !== null);
  const held = system.socketInodes(pid);
  if (held === null) return null;
  return [...new Set(listening.filter((row) => held.has(row.inode)).map((row) => row.path!))];
}

/** Processes named dockerd, with their comm read once (a process may vanish between reads). */
function dockerdPids(system: ProcView): number[] {
  return system.listPids().filter((pid) => system.comm(pid) === DOCKERD_COMM);
}

function findByDockerHost(dockerHost: string, system: ProcView, notes: string[]): AttachTarget {
  const host = parseDockerHost(dockerHost);
  if (!('path' in host)) {
    throw new Ns53Error(
      'E_DOCKER_HOST_REMOTE',
      `DOCKER_HOST is ${dockerHost}, a ${host.scheme} address; ns53 traces a process on this machine and finds dockerd only by its unix socket. ` +
        'If that daemon runs here, pass --pid with its process id; otherwise unset DOCKER_HOST.',
    );
  }
  const candidates = dockerdPids(system);
  const listeners: Array<{ pid: number; paths: string[] }> = [];
  const unreadable: number[] = [];
  for (const pid of candidates) {
    const paths = listeningSocketPaths(pid, system);
    if (paths === null) unreadable.push(pid);
    else listeners.push({ pid, paths });
  }
  const holders = listeners.filter(({ paths }) => paths.some((path) => sameSocketPath(path, host.path)));
  if (holders.length === 1) {
    const pid = holders[0]!.pid;
    return { pid, comm: DOCKERD_COMM, how: `the daemon listening on unix://${host.path} (DOCKER_HOST)`, warning: null, notes };
  }
  if (holders.length > 1) {
    throw new Ns53Error(
      'E_DOCKERD_AMBIGUOUS',
      `several dockerd processes hold the socket ${host.path} named by DOCKER_HOST; pass --pid with the one to trace:\n` +
        holders.map(({ pid }) => `  ${describeCandidate(pid, system)}`).join('\n'),
    );
  }
  const lines = [`DOCKER_HOST is ${dockerHost}, but no dockerd process listens on ${host.path}.`];
  if (candidates.length === 0) lines.push(noDockerdAdvice());
  for (const { pid, paths } of listeners) {
    lines.push(`  PID ${pid} listens on ${paths.length > 0 ? paths.map((path) => `unix://${path}`).join(', ') : 'no unix socket'}`);
  }
  if (unreadable.length > 0) {
    lines.push(`  could not read the open files of PID ${unreadable.join(', ')} (permission denied? attaching needs root anyway)`);
  }
  if (candidates.length > 0) lines.push('Set DOCKER_HOST to the daemon to trace, unset it, or pass --pid.');
  throw new Ns53Error('E_DOCKERD_NOT_FOUND', withNotes(lines.join('\n'), notes));
}

/** The pid file's dockerd, or null (with a note when the file is worth mentioning) to go on scanning. */
function findByPidFile(requested: string | undefined, system: ProcView, notes: string[]): AttachTarget | null {
  const path = requested ?? DEFAULT_PID_FILE;
  const text = system.readPidFile(path);
  if (text === null) {
    // The default file is often absent (rootless docker, --pidfile elsewhere); only a file the user named deserves a note.
    if (requested !== undefined) notes.push(`pid file ${path} could not be read`);
    return null;
  }
  const pid = /^\s*(\d+)\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    notes.push(`pid file ${path} does not hold a process id; ignored it`);
    return null;
  }
  const comm = system.comm(pid);
  if (comm === null) {
    notes.push(`pid file ${path} names PID ${pid}, which is not running: a stale pid file, or ns53 cannot see the host's processes; ignored it`);
    return null;
  }
  if (comm !== DOCKERD_COMM) {
    notes.push(`pid file ${path} names PID ${pid}, which is '${comm}', not dockerd: a stale pid file whose PID was reused; ignored it`);
    return null;
  }
  return { pid, comm, how: `pid file ${path}`, warning: null, notes };
}

function findOnlyDockerd(system: ProcView, notes: string[]): AttachTarget {
  const candidates = dockerdPids(system);
  if (candidates.length === 1) {
    return { pid: candidates[0]!, comm: DOCKERD_COMM, how: 'the only process named dockerd', warning: null, notes };
  }
  if (candidates.length === 0) {
    throw new Ns53Error('E_DOCKERD_NOT_FOUND', withNotes(`no dockerd process found. ${noDockerdAdvice()}`, notes));
  }
  throw new Ns53Error(
    'E_DOCKERD_AMBIGUOUS',
    withNotes(
      `${candidates.length} dockerd processes are running; pass --pid with the one to trace ` +
        '(or set DOCKER_HOST=unix://PATH to pick the daemon listening there):\n' +
        candidates.map((pid) => `  ${describeCandidate(pid, system)}`).join('\n'),
      notes,
    ),
  );
}

function noDockerdAdvice(): string {
  return (
    'If the daemon runs under another name, pass --pid with its process id. ' +
    "ns53 must see the host's processes: inside a container, run it with --pid=host."
  );
}

function withNotes(message: string, notes: string[]): string {
  return notes.length === 0 ? message : `${message}\n${notes.map((note) => `(${note})`).join('\n')}`;
}

/** Flags that tell one daemon from another, as labels for the ambiguity message. */
const DISTINGUISHING_FLAGS: ReadonlyArray<{ label: string; long: string[]; short: string | null }> = [
  { label: 'data-root', long: ['--data-root', '--graph'], short: '-g' },
  { label: '-H', long: ['--host'], short: '-H' },
];

/** `data-root X` and `-H Y` values visible in a dockerd command line (pflag syntax: `--f v`, `--f=v`, `-f v`, `-fv`). */
function distinguishingFlags(argv: string[]): string[] {
  const found: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    for (const { label, long, short } of DISTINGUISHING_FLAGS) {
      let value: string | undefined;
      if (long.includes(arg) || arg === short) value = argv[++i];
      else if (long.some((name) => arg.startsWith(`${name}=`))) value = arg.slice(arg.indexOf('=') + 1);
      else if (short !== null && arg.startsWith(short) && !arg.startsWith('--')) value = arg.slice(short.length).replace(/^=/, '');
      if (value !== undefined) {
        found.push(`${label} ${value}`);
        break;
      }
    }
  }
  return found;
}

/** "PID 123  data-root /x, -H unix:///y  dockerd --data-root /x …" for a list of daemons to choose from. */
function describeCandidate(pid: number, system: ProcView): string {
  const argv = system.cmdline(pid);
  if (argv === null || argv.length === 0) return `PID ${pid}  (command line not visible)`;
  const flags = distinguishingFlags(argv);
  return [`PID ${pid}`, ...(flags.length > 0 ? [flags.join(', ')] : []), shorten(argv.map(quoteArg).join(' '))].join('  ');
}

function quoteArg(arg: string): string {
  return arg === '' || /\s/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : arg;
}

function shorten(text: string): string {
  return text.length <= CMDLINE_SHOWN_CHARS ? text : `${text.slice(0, CMDLINE_SHOWN_CHARS - 1)}…`;
}

const UNIX_SOCKET_LINE = /^\s*[0-9a-fA-F]+:\s+[0-9a-fA-F]+\s+[0-9a-fA-F]+\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\d+)(?: (.*))?$/;

/** Parses one line of /proc/net/unix; null for the header and anything else that is not a socket row. */
export function parseUnixSocketLine(line: string): UnixSocketRow | null {
  const match = UNIX_SOCKET_LINE.exec(line);
  if (match === null) return null;
  const [, flags, type, state, inode, path] = match;
  // The path is everything after the single space that follows the inode: it may contain or end with spaces.
  return {
    inode: Number(inode),
    path: path === undefined || path === '' ? null : path,
    listening: (parseInt(flags!, 16) & SO_ACCEPTCON) !== 0,
    type: parseInt(type!, 16),
    state: parseInt(state!, 16),
  };
}

/** Parses the whole of /proc/net/unix, skipping its header and any line that is not a socket row. */
export function parseUnixSockets(text: string): UnixSocketRow[] {
  const rows: UnixSocketRow[] = [];
  for (const line of text.split('\n')) {
    const row = parseUnixSocketLine(line);
    if (row !== null) rows.push(row);
  }
  return rows;
}

/** Errors that mean this one process is gone or hidden from us: skip it rather than stop the scan. */
const SKIPPED_ERRORS = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'EINVAL']);

function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (SKIPPED_ERRORS.has((error as NodeJS.ErrnoException)?.code ?? '')) return null;
    throw error;
  }
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/** The ProcView of a /proc tree (another root lets tests build a fake one); reads are synchronous because a /proc scan is quick. */
export function procView(root = '/proc'): ProcView {
  const at = (pid: number, ...parts: string[]): string => posix.join(root, String(pid), ...parts);
  return {
    listPids: () => (orNull(() => readdirSync(root)) ?? []).filter((name) => /^\d+$/.test(name)).map(Number),
    comm: (pid) => orNull(() => readFileSync(at(pid, 'comm'), 'utf8').replace(/\n$/, '')),
    cmdline: (pid) => {
      const argv = orNull(() => readFileSync(at(pid, 'cmdline'), 'utf8').split('\0'));
      if (argv?.at(-1) === '') argv.pop(); // each argument ends with a NUL, the last one too
      return argv;
    },
    unixSockets: (pid) => orNull(() => parseUnixSockets(readFileSync(at(pid, 'net', 'unix'), 'utf8'))),
    socketInodes: (pid) =>
      orNull(() => {
        const inodes = new Set<number>();
        for (const fd of readdirSync(at(pid, 'fd'))) {
          // An fd closed between readdir and readlink is simply not open any more.
          const target = orNull(() => readlinkSync(at(pid, 'fd', fd)));
          const inode = target === null ? undefined : SOCKET_LINK.exec(target)?.[1];
          if (inode !== undefined) inodes.add(Number(inode));
        }
        return inodes;
      }),
    readPidFile: (path) => orNull(() => readFileSync(path, 'utf8')),
  };
}
