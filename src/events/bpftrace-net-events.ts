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
  | BpftraceRecordOf<'setns' | 'nsopen' | 'socket' | 'connect' | 'local' | 'mark' | 'accept' | 'close' | 'close_range' | 'dup'>
  | { k: 'io'; captured: CapturedIo };

/** Whether the thread's fd is already known as an internet socket (see NetState.fdKind). */
export type FdKindLookup = (tid: number, fd: number) => 'inet' | 'other' | 'unknown';

const SENDS = new Set([1, 2, 3, 4]);

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
  const parts = [{ iov: 0, off: 0, p: captured.io.p }, ...captured.more].sort((a, b) => a.iov - b.iov || a.off - b.off);
  const bytes = Buffer.from(parts.map((part) => part.p).join(''), 'hex');
  return { bytes, truncated: captured.io.trunc === 1 || bytes.length < captured.io.cap };
}

/**
 * The NetEvents one bpftrace record stands for. A socket the trace has not shown being created (it was made
 * before the trace, like the embedded DNS listener, or its socket record was lost) is introduced by a
 * `socket` event first, with the namespace the kernel says it lives in.
 */
export function netEventsOf(record: JoinedRecord, base: EventBase, fdKind: FdKindLookup): NetEvent[] {
  switch (record.k) {
    case 'setns':
      if (record.ret !== 0) return [];
      return [{ ...base, type: 'netns-enter', fd: record.fd, decoration: { kind: 'netns', inode: record.after }, inodeAfter: record.after }];
    case 'nsopen':
      return [{ ...base, type: 'fd-open', fd: record.fd, path: record.path, decoration: { kind: 'path', path: record.path } }];
    case 'socket':
      if (record.ret < 0) return [];
      return [{ ...base, type: 'socket', fd: record.ret, family: familyOf(record.fam), protocol: protocolOf(record.type, record.proto), decoration: null, netnsInode: record.tnet }];
    case 'connect': {
      const protocol = protocolOf(record.type, record.proto);
      const decoration = sockDecoration(record, protocol);
      const connect: NetEvent = { ...base, type: 'connect', fd: record.fd, decoration, address: address(record.fam, record.raddr, record.rport), errno: errnoOf(record.ret) };
      if (fdKind(base.tid, record.fd) === 'inet') return [connect];
      return [{ ...base, type: 'socket', fd: record.fd, family: familyOf(record.fam), protocol, decoration, netnsInode: record.net }, connect];
    }
    case 'local': {
      const local = record.ret === 0 ? address(record.fam, record.laddr, record.lport) : null;
      return local ? [{ ...base, type: 'local-address', fd: record.fd, decoration: null, address: local }] : [];
    }
    case 'mark': {
      const protocol = protocolOf(record.type, record.proto);
      return [{ ...base, type: 'socket', fd: record.fd, family: familyOf(record.fam), protocol, decoration: sockDecoration(record, protocol), netnsInode: record.net }];
    }
    case 'accept': {
      if (record.ret < 0) return [];
      // The record describes the new connection; the listener shares its namespace and local address.
      const listener = sockDecoration(record, 'tcp', null);
      const accept: NetEvent = { ...base, type: 'accept', fd: record.fd, decoration: listener, newFd: record.ret, peer: address(record.fam, record.raddr, record.rport) };
      if (fdKind(base.tid, record.fd) === 'inet') return [accept];
      return [{ ...base, type: 'socket', fd: record.fd, family: familyOf(record.fam), protocol: 'tcp', decoration: listener, netnsInode: record.net }, accept];
    }
    case 'io': {
      const { io, peer } = record.captured;
      const send = SENDS.has(io.sys);
      const failed = io.ret < 0;
      // A failed receive moved nothing; a failed send still shows what it tried to send.
      const payload = failed && !send ? null : payloadOf(record.captured);
      const peerAddress = peer ? address(peer.fam, peer.addr, peer.port) : null;
      return [{ ...base, type: send ? 'send' : 'receive', fd: io.fd, decoration: null, peer: peerAddress, payload, errno: errnoOf(io.ret) }];
    }
    case 'close':
      return [{ ...base, type: 'close', fd: record.fd }];
    case 'close_range':
      return record.ret === 0 ? [{ ...base, type: 'close-range', first: record.first, last: record.last }] : [];
    case 'dup':
      return record.ret >= 0 ? [{ ...base, type: 'dup', fd: record.fd, newFd: record.ret }] : [];
  }
}
