import dgram from 'node:dgram';
import net from 'node:net';
import { buildDnsQuery, decodeDnsMessage, decodeDnsTcpMessage } from '../../parsers/dns/index.js';
import { ERRNO_OUTCOME, type ProbeResult, type ProbeSpec } from './probe-result.js';

/**
 * Sends one DNS query the way dockerd's forwarder does (a connected socket, so an ICMP error comes back as
 * ECONNREFUSED/EHOSTUNREACH rather than silence) and reports how it ended. Runs in whatever network namespace
 * the process is in: `ns53 diagnose` starts it under `nsenter --net=…`. Never rejects.
 */
export function sendDnsProbe(spec: ProbeSpec): Promise<ProbeResult> {
  return spec.proto === 'udp' ? probeUdp(spec) : probeTcp(spec);
}

function probeUdp(spec: ProbeSpec): Promise<ProbeResult> {
  const query = buildDnsQuery(spec);
  const socket = dgram.createSocket(spec.server.ip.includes(':') ? 'udp6' : 'udp4');
  return settleOnce(spec, (finish, started) => {
    socket.on('error', (error: NodeJS.ErrnoException) => finish(failure(error)));
    socket.on('message', (bytes) => {
      const reply = decodeDnsMessage(bytes);
      // Anything else on this connected socket (a stray or a late reply to another id) is not our answer.
      if (reply && reply.qr && reply.id === spec.id) finish({ outcome: 'answer', errno: null, reply });
    });
    socket.connect(spec.server.port, spec.server.ip, () => {
      started(addressOf(socket.address()));
      socket.send(query, (error) => error && finish(failure(error)));
    });
  }).finally(() => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  });
}

function probeTcp(spec: ProbeSpec): Promise<ProbeResult> {
  const query = buildDnsQuery(spec);
  const framed = Buffer.alloc(query.length + 2);
  framed.writeUInt16BE(query.length, 0);
  framed.set(query, 2);
  const socket = net.connect({ host: spec.server.ip, port: spec.server.port });
  let received = Buffer.alloc(0);
  return settleOnce(spec, (finish, started) => {
    socket.on('error', (error: NodeJS.ErrnoException) => finish(failure(error)));
    socket.on('connect', () => {
      started(socket.localAddress && socket.localPort ? { ip: socket.localAddress, port: socket.localPort } : null);
      socket.write(framed);
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const reply = decodeDnsTcpMessage(received);
      if (reply && reply.id === spec.id) finish({ outcome: 'answer', errno: null, reply });
      else finish({ outcome: 'error', errno: 'EBADMSG', reply: null });
    });
    socket.on('end', () => finish({ outcome: 'error', errno: 'ECONNRESET', reply: null }));
  }).finally(() => socket.destroy());
}

type Ending = Pick<ProbeResult, 'outcome' | 'errno' | 'reply'>;

/** Runs `start` and resolves with the first ending it reports, or a timeout; times are measured from the send. */
function settleOnce(
  spec: ProbeSpec,
  start: (finish: (ending: Ending) => void, started: (local: ProbeResult['local']) => void) => void,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let local: ProbeResult['local'] = null;
    let sentAt: number | null = null;
    const begun = performance.now();
    const finish = (ending: Ending): void => {
      clearTimeout(timer);
      resolve({ spec, local, sentAt, elapsedMs: Math.round((performance.now() - begun) * 10) / 10, ...ending });
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout', errno: null, reply: null }), spec.timeoutMs);
    start(finish, (address) => {
      local = address;
      sentAt = Date.now() / 1000;
    });
  });
}

function failure(error: NodeJS.ErrnoException): Ending {
  const errno = error.code ?? error.message;
  return { outcome: ERRNO_OUTCOME[errno] ?? 'error', errno, reply: null };
}

function addressOf(address: { address: string; port: number }): ProbeResult['local'] {
  return { ip: address.address, port: address.port };
}
