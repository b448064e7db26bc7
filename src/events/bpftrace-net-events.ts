import type { BpftraceRecordOf } from '../../parsers/bpftrace/records.js';
import type { FdDecoration, InetAddress } from '../../parsers/strace/index.js';
import { errnoName } from './errno-names.js';
import type { EventBase, NetEvent, Payload } from './net-event.js';

/** One io record with the peer and further payload records printed by the same syscall exit. */
export interface CapturedIo {
  io: BpftraceRecordOf<'io'>;
  peer: BpftraceRecordOf<'peer'> | null;
  more: BpftraceRecordOf<'more'>[];
}

/** A record once its io parts are joined: what the translation below takes. */
export type JoinedRecord =
  | BpftraceRecordOf<'setns' | 'nsopen' | 'connect' | 'mark' | 'accept' | 'close' | 'close_range' | 'dup'>
  | { k: 'io'; captured: CapturedIo };

/** The socket the state has at the thread's fd: its inode (null if unknown), or null for no socket (NetState.socketOf). */
export type SocketLookup = (tid: number, fd: number) => { inode: number | null } | null;

/** The where and when of an event: `at(ts, syscall)` for a record stamped `ts` (monotonic nanoseconds). */
export type EventPlace = (ts: number, syscall: string) => EventBase;

const SENDS = new Set([1, 2, 3, 4]);

/** An io record's `sys` code (see ns53.bt) → the call it was. */
const IO_SYSCALLS: Readonly<Record<number, string>> = {
  1: 'write', 2: 'writev', 3: 'sendto', 4: 'sendmsg', 5: 'read', 6: 'readv', 7: 'recvfrom', 8: 'recvmsg',
};

/**
 * The call behind records that do not say which of a family it was. A mark is printed on entry to recvmsg or
 * sendmsg; the listener is nearly always first met in recvmsg (dockerd waits for queries in it). A dup record
 * stands for dup, dup2, dup3 or fcntl(F_DUPFD*).
 */
const MARK_SYSCALL = 'recvmsg';
const DUP_SYSCALL = 'dup';

function familyOf(fam: number): 'inet' | 'inet6' | 'other' {
  return fam === 2 ? 'inet' : fam === 10 ? 'inet6' : 'other';
}

/** IPPROTO_TCP/UDP, or for socket(…, 0) the type: SOCK_STREAM is TCP and SOCK_DGRAM UDP for inet sockets. */
function protocolOf(type: number, proto: number): 'udp' | 'tcp' | 'other' {
  if (proto === 6) return 'tcp';
  if (proto === 17) return 'udp';
  if (proto !== 0) return 'other';
  // SOCK_NONBLOCK and SOCK_CLOEXEC ride in the type's upper bits.
  const base = type & 0xf;
  return base === 1 ? 'tcp' : base === 2 ? 'udp' : 'other';
}

function address(fam: number, ip: string, port: number): InetAddress | null {
  const family = familyOf(fam);
  return family === 'other' ? null : { family, ip, port };
}

/** The kernel's view of a socket, in the form strace's `-yy` decoration takes, so NetState can read it alike. */
function sockDecoration(record: BpftraceRecordOf<'connect' | 'mark' | 'accept'>, protocol: 'udp' | 'tcp' | 'other', inode: number | null = record.ino): FdDecoration {
  const family = familyOf(record.fam);
  const local = record.lport !== 0 ? address(record.fam, record.laddr, record.lport) : null;
  return { kind: 'socket', protocol, family: family === 'other' ? null : family, inode, local, remote: null };
}

function errnoOf(ret: number): string | null {
  return ret < 0 ? errnoName(-ret) : null;
}

/** The payload bytes of an io and its `more` records, in buffer order. */
export function payloadOf(captured: CapturedIo): Payload {
  if (captured.more.length === 0) {
    const bytes = Buffer.from(captured.io.p, 'hex');
    return { bytes, truncated: captured.io.trunc === 1 || bytes.length < captured.io.cap, length: captured.io.ret >= 0 ? captured.io.ret : null };
  }
  const parts = [{ iov: 0, off: 0, p: captured.io.p }, ...captured.more].sort((a, b) => a.iov - b.iov || a.off - b.off);
  const bytes = Buffer.from(parts.map((part) => part.p).join(''), 'hex');
  return { bytes, truncated: captured.io.trunc === 1 || bytes.length < captured.io.cap, length: captured.io.ret >= 0 ? captured.io.ret : null };
}

/**
 * The NetEvents one bpftrace record stands for. A connect record also says what the thread did before: its
 * last setns() (a netns-enter event, at its own time) and the socket() that made the fd; the socket is
 * introduced with the namespace the kernel says it lives in, unless the state already holds that very
 * socket (same inode). So is a listener found before the trace began (mark), or behind an accept.
 */
export function netEventsOf(record: JoinedRecord, at: EventPlace, socketAt: SocketLookup): NetEvent[] {
  switch (record.k) {
    case 'setns':
      // Only a failed setns is printed (see ns53.bt); it changes nothing.
      return [];
    case 'nsopen':
      return [{ ...at(record.ts, 'openat'), type: 'fd-open', fd: record.fd, path: record.path, decoration: { kind: 'path', path: record.path } }];
    case 'connect': {
      const events: NetEvent[] = [];
      if (record.nsts > 0) {
        const entered = record.nsafter;
        events.push({ ...at(record.nsts, 'setns'), type: 'netns-enter', fd: record.nsfd, decoration: { kind: 'netns', inode: entered }, inodeAfter: entered });
      }
      const protocol = protocolOf(record.type, record.proto);
      const decoration = sockDecoration(record, protocol);
      if (socketAt(record.tid, record.fd)?.inode !== record.ino) {
        const created = at(record.sockts > 0 ? record.sockts : record.ts, 'socket');
        events.push({ ...created, type: 'socket', fd: record.fd, family: familyOf(record.fam), protocol, decoration, netnsInode: record.net });
      }
      const here = at(record.ts, 'connect');
      events.push({ ...here, type: 'connect', fd: record.fd, decoration, address: address(record.fam, record.raddr, record.rport), errno: errnoOf(record.ret) });
      return events;
    }
    case 'mark': {
      const protocol = protocolOf(record.type, record.proto);
      return [{ ...at(record.ts, MARK_SYSCALL), type: 'socket', fd: record.fd, family: familyOf(record.fam), protocol, decoration: sockDecoration(record, protocol), netnsInode: record.net }];
    }
    case 'accept': {
      if (record.ret < 0) return [];
      // The record describes the new connection; the listener shares its namespace and local address.
      const listener = sockDecoration(record, 'tcp', null);
      const here = at(record.ts, 'accept4');
      const accept: NetEvent = { ...here, type: 'accept', fd: record.fd, decoration: listener, newFd: record.ret, peer: address(record.fam, record.raddr, record.rport) };
      if (socketAt(record.tid, record.fd) !== null) return [accept];
      return [{ ...here, type: 'socket', fd: record.fd, family: familyOf(record.fam), protocol: 'tcp', decoration: listener, netnsInode: record.net }, accept];
    }
    case 'io': {
      const { io, peer } = record.captured;
      const send = SENDS.has(io.sys);
      const failed = io.ret < 0;
      // A failed receive moved nothing; a failed send still shows what it tried to send.
      const payload = failed && !send ? null : payloadOf(record.captured);
      const peerAddress = peer ? address(peer.fam, peer.addr, peer.port) : null;
      return [{ ...at(io.ts, IO_SYSCALLS[io.sys]!), type: send ? 'send' : 'receive', fd: io.fd, decoration: null, peer: peerAddress, payload, errno: errnoOf(io.ret) }];
    }
    case 'close':
      return [{ ...at(record.ts, 'close'), type: 'close', fd: record.fd }];
    case 'close_range':
      return record.ret === 0 ? [{ ...at(record.ts, 'close_range'), type: 'close-range', first: record.first, last: record.last }] : [];
    case 'dup':
      return record.ret >= 0 ? [{ ...at(record.ts, DUP_SYSCALL), type: 'dup', fd: record.fd, newFd: record.ret }] : [];
  }
}
