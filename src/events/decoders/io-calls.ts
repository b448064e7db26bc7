import { fieldOf, integerOf, parseArgs, readPacketDestination, readSocketAddress, type ArgValue, type InetAddress } from '../../../parsers/strace/index.js';
import type { CompletedCall } from '../completed-call.js';
import type { NetEvent, Payload } from '../net-event.js';
import type { CallDecoder } from './call-decoder.js';
import { classifyDecoration } from './fd-filter.js';
import { readLeadingFd } from './leading-fd.js';
import { limitPayload, payloadOfIovecs, payloadOfString } from './payload.js';

type Direction = 'send' | 'receive';

/** A non-blocking read that found nothing: not an answer, not even an event (declared as the quiet errno). */
const NOTHING_YET = 'EAGAIN';

/** How one I/O call lays out its arguments. */
interface IoShape {
  direction: Direction;
  /** Where the bytes are: a plain buffer argument, an iovec array, or a msghdr. */
  buffer: { kind: 'string' | 'iovecs' | 'msghdr'; index: number };
  /** Argument index of a sockaddr (sendto/recvfrom), if the call has one. */
  addressIndex: number | null;
}

function inetPeer(value: ArgValue | undefined): InetAddress | null {
  const address = readSocketAddress(value);
  return address && (address.family === 'inet' || address.family === 'inet6') ? address : null;
}

/** One message's bytes, peer, and the address it was sent to (IP_PKTINFO), from a msghdr struct. */
function readMsghdr(value: ArgValue | undefined): { payload: Payload | null; peer: InetAddress | null; destination: string | null } {
  return {
    payload: payloadOfIovecs(fieldOf(value, 'msg_iov')),
    peer: inetPeer(fieldOf(value, 'msg_name')),
    destination: readPacketDestination(fieldOf(value, 'msg_control')),
  };
}

function ioDecoder(shape: IoShape): CallDecoder {
  const namesPeer = shape.addressIndex !== null || shape.buffer.kind === 'msghdr';
  return {
    fdFilter: namesPeer ? 'inet-socket-or-peer' : 'inet-socket',
    ...(shape.direction === 'receive' ? { quietErrno: NOTHING_YET } : {}),
    decode(call, context) {
      const lead = readLeadingFd(call.args, 0);
      if (!lead) return [];
      const { errno, value } = call.result;
      if (errno === NOTHING_YET && shape.direction === 'receive') return [];
      if (errno !== null && shape.direction === 'receive' && context.fdKind(call.tid, lead.fd) === 'inet') {
        // Nothing was received: the arguments hold no bytes worth parsing.
        return [{ type: 'receive', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration, peer: null, payload: null, errno }];
      }
      const args = parseArgs(call.args);
      let payload: Payload | null = null;
      let peer: InetAddress | null = null;
      let destination: string | null = null;
      const buffer = args[shape.buffer.index];
      if (shape.buffer.kind === 'string') payload = payloadOfString(buffer);
      else if (shape.buffer.kind === 'iovecs') payload = payloadOfIovecs(buffer);
      else ({ payload, peer, destination } = readMsghdr(buffer));
      if (shape.addressIndex !== null) peer = inetPeer(args[shape.addressIndex]);
      // A failed send still shows the bytes it offered (the query that a firewall refused); a failed receive has none.
      if (errno !== null) payload = shape.direction === 'send' ? payload : null;
      else payload = limitPayload(payload, value);
      if (peer === null && classifyDecoration(lead.decoration) !== 'inet' && context.fdKind(call.tid, lead.fd) !== 'inet') {
        return []; // an unknown fd that named no internet peer: not a DNS socket we can follow
      }
      const event = { tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration, peer, payload, errno };
      if (shape.direction === 'send') return [{ type: 'send', ...event }];
      return [{ type: 'receive', ...event, ...(destination === null ? {} : { destination }) }];
    },
  };
}

/** recvmmsg/sendmmsg: one event per message in the vector (`[{msg_hdr={…}, msg_len=N}, …]`). */
function multiMessageDecoder(direction: Direction): CallDecoder {
  return {
    fdFilter: 'inet-socket-or-peer',
    ...(direction === 'receive' ? { quietErrno: NOTHING_YET } : {}),
    decode(call: CompletedCall, context): NetEvent[] {
      const lead = readLeadingFd(call.args, 0);
      if (!lead) return [];
      const base = { tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration: lead.decoration };
      if (call.result.errno === NOTHING_YET && direction === 'receive') return [];
      if (call.result.errno !== null) return [{ type: direction, ...base, peer: null, payload: null, errno: call.result.errno }];
      const vector = parseArgs(call.args)[1];
      if (vector?.kind !== 'array') return [];
      const events: NetEvent[] = [];
      for (const item of vector.items) {
        const { payload, peer } = readMsghdr(fieldOf(item, 'msg_hdr'));
        if (peer === null && classifyDecoration(lead.decoration) !== 'inet' && context.fdKind(call.tid, lead.fd) !== 'inet') continue;
        const length = integerOf(fieldOf(item, 'msg_len'));
        events.push({ type: direction, ...base, peer, payload: limitPayload(payload, length), errno: null });
      }
      return events;
    },
  };
}

/** Decoders for every call that moves bytes through a socket. */
export const ioCallDecoders: Readonly<Record<string, CallDecoder>> = {
  read: ioDecoder({ direction: 'receive', buffer: { kind: 'string', index: 1 }, addressIndex: null }),
  recv: ioDecoder({ direction: 'receive', buffer: { kind: 'string', index: 1 }, addressIndex: null }),
  recvfrom: ioDecoder({ direction: 'receive', buffer: { kind: 'string', index: 1 }, addressIndex: 4 }),
  readv: ioDecoder({ direction: 'receive', buffer: { kind: 'iovecs', index: 1 }, addressIndex: null }),
  recvmsg: ioDecoder({ direction: 'receive', buffer: { kind: 'msghdr', index: 1 }, addressIndex: null }),
  recvmmsg: multiMessageDecoder('receive'),
  write: ioDecoder({ direction: 'send', buffer: { kind: 'string', index: 1 }, addressIndex: null }),
  send: ioDecoder({ direction: 'send', buffer: { kind: 'string', index: 1 }, addressIndex: null }),
  sendto: ioDecoder({ direction: 'send', buffer: { kind: 'string', index: 1 }, addressIndex: 4 }),
  writev: ioDecoder({ direction: 'send', buffer: { kind: 'iovecs', index: 1 }, addressIndex: null }),
  sendmsg: ioDecoder({ direction: 'send', buffer: { kind: 'msghdr', index: 1 }, addressIndex: null }),
  sendmmsg: multiMessageDecoder('send'),
};
