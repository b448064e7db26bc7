import { atomText, integerOf, outputOf, parseArgs, parseFdDecoration, readSocketAddress, type ArgValue, type InetAddress } from '../../../parsers/strace/index.js';
import { errnoName } from '../errno-names.js';
import type { NetEvent } from '../net-event.js';
import type { CallDecoder } from './call-decoder.js';
import { readLeadingFd } from './leading-fd.js';

const FAMILY_BY_NAME: Readonly<Record<string, 'inet' | 'inet6'>> = { AF_INET: 'inet', AF_INET6: 'inet6' };
/** `-X raw` prints families as numbers: AF_INET is 2 and AF_INET6 is 10 on Linux. */
const FAMILY_BY_NUMBER: Readonly<Record<number, 'inet' | 'inet6'>> = { 2: 'inet', 10: 'inet6' };

function familyOf(domain: string): 'inet' | 'inet6' | 'other' {
  return FAMILY_BY_NAME[domain] ?? FAMILY_BY_NUMBER[Number(domain)] ?? 'other';
}

function inetAddress(value: ArgValue | undefined): InetAddress | null {
  const address = readSocketAddress(outputOf(value));
  return address && (address.family === 'inet' || address.family === 'inet6') ? address : null;
}

/** `SOCK_DGRAM|SOCK_CLOEXEC` → udp; numeric types (`-X raw`) use the low bits. */
function protocolOf(type: string): 'udp' | 'tcp' | 'other' {
  if (type.includes('SOCK_DGRAM')) return 'udp';
  if (type.includes('SOCK_STREAM')) return 'tcp';
  const numeric = Number(type);
  if (Number.isInteger(numeric)) return (numeric & 0xf) === 2 ? 'udp' : (numeric & 0xf) === 1 ? 'tcp' : 'other';
  return 'other';
}

const socketDecoder: CallDecoder = {
  decode(call) {
    const { value, decoration } = call.result;
    if (value === null || value < 0) return [];
    const [domain, type] = parseArgs(call.args);
    const family = familyOf(atomText(domain) ?? '');
    const protocol = family === 'other' ? 'other' : protocolOf(atomText(type) ?? '');
    const fdDecoration = decoration === null ? null : parseFdDecoration(decoration);
    return [{ type: 'socket', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: value, family, protocol, decoration: fdDecoration, netnsInode: null }];
  },
};

const connectDecoder: CallDecoder = {
  fdFilter: 'maybe-inet-socket',
  decode(call) {
    const lead = readLeadingFd(call.args, 0);
    if (!lead) return [];
    const address = inetAddress(parseArgs(call.args)[1]);
    if (!address) return [];
    return [{ type: 'connect', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration, address, errno: call.result.errno }];
  },
};

function addressDecoder(type: 'local-address' | 'peer-address'): CallDecoder {
  return {
    fdFilter: 'maybe-inet-socket',
    decode(call) {
      const lead = readLeadingFd(call.args, 0);
      if (!lead || call.result.errno !== null) return [];
      const address = inetAddress(parseArgs(call.args)[1]);
      if (!address) return [];
      return [{ type, tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration, address }];
    },
  };
}

const acceptDecoder: CallDecoder = {
  fdFilter: 'maybe-inet-socket',
  decode(call) {
    const lead = readLeadingFd(call.args, 0);
    const { value, decoration } = call.result;
    if (!lead || value === null || value < 0) return [];
    const newDecoration = decoration === null ? null : parseFdDecoration(decoration);
    let peer = inetAddress(parseArgs(call.args)[1]);
    if (!peer && newDecoration?.kind === 'socket') peer = newDecoration.remote;
    return [{ type: 'accept', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration, newFd: value, peer }];
  },
};

/** `getsockopt(fd, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4])`: how a non-blocking TCP connect ended. */
const socketErrorDecoder: CallDecoder = {
  fdFilter: 'maybe-inet-socket',
  mustMention: ['SO_ERROR'],
  decode(call): NetEvent[] {
    const lead = readLeadingFd(call.args, 0);
    if (!lead || call.result.errno !== null) return [];
    const args = parseArgs(call.args);
    if (atomText(args[2]) !== 'SO_ERROR') return [];
    const raw = outputOf(args[3]);
    const inner = raw?.kind === 'array' ? raw.items[0] : raw;
    const numeric = integerOf(inner);
    const named = atomText(inner);
    const errno = numeric === 0 ? null : numeric !== null ? errnoName(numeric) : named;
    return [{ type: 'socket-error', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration, errno }];
  },
};

/** Decoders for socket life-cycle calls: creation, addresses, accept, asynchronous connect results. */
export const socketCallDecoders: Readonly<Record<string, CallDecoder>> = {
  socket: socketDecoder,
  connect: connectDecoder,
  bind: addressDecoder('local-address'),
  getsockname: addressDecoder('local-address'),
  getpeername: addressDecoder('peer-address'),
  accept: acceptDecoder,
  accept4: acceptDecoder,
  getsockopt: socketErrorDecoder,
};
