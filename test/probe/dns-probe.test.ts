import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import dnsPacket from 'dns-packet';

import { sendDnsProbe } from '../../src/probe/dns-probe.js';
import type { ProbeSpec } from '../../src/probe/probe-result.js';

/**
 * The probe against real sockets on loopback: a tiny DNS server that answers (UDP and TCP), one that never
 * answers, and a port nothing listens on (the kernel's port-unreachable gives ECONNREFUSED, as a REJECT does).
 */

function answer(query: Buffer, rcode: 'NOERROR' | 'NXDOMAIN'): Buffer {
  const asked = dnsPacket.decode(query);
  const name = asked.questions?.[0]?.name ?? '';
  return dnsPacket.encode({
    type: 'response',
    id: asked.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (rcode === 'NXDOMAIN' ? 3 : 0),
    questions: asked.questions ?? [],
    answers: rcode === 'NOERROR' ? [{ type: 'A', name, ttl: 60, data: '10.0.0.5' }] : [],
  });
}

describe('sendDnsProbe', () => {
  const udp = dgram.createSocket('udp4');
  const silent = dgram.createSocket('udp4');
  const tcp = net.createServer((socket) => {
    socket.once('data', (chunk) => {
      const reply = answer(chunk.subarray(2), 'NOERROR');
      const framed = Buffer.alloc(reply.length + 2);
      framed.writeUInt16BE(reply.length, 0);
      reply.copy(framed, 2);
      socket.end(framed);
    });
  });
  let closedPort = 0;
  const spec = (port: number, overrides: Partial<ProbeSpec> = {}): ProbeSpec => ({
    server: { ip: '127.0.0.1', port },
    proto: 'udp',
    id: 4242,
    name: 'www.example.test',
    type: 'A',
    timeoutMs: 400,
    ...overrides,
  });

  before(async () => {
    udp.on('message', (query, from) => {
      const asked = dnsPacket.decode(query);
      udp.send(answer(query, asked.questions?.[0]?.name.startsWith('nope.') ? 'NXDOMAIN' : 'NOERROR'), from.port, from.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    // A port that was bound and released: nothing listens there now.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    closedPort = probe.address().port;
    await new Promise<void>((resolve) => probe.close(resolve));
  });
  after(() => {
    udp.close();
    silent.close();
    tcp.close();
  });

  it('reports an answer with its rcode, data, source address and time', async () => {
    const result = await sendDnsProbe(spec(udp.address().port));
    assert.equal(result.outcome, 'answer');
    assert.equal(result.reply?.rcode, 'NOERROR');
    assert.deepEqual(result.reply?.answers.map((record) => record.data), ['10.0.0.5']);
    assert.equal(result.local?.ip, '127.0.0.1');
    assert.ok((result.local?.port ?? 0) > 0);
    assert.ok(result.elapsedMs >= 0 && result.elapsedMs < 400);
    assert.equal((await sendDnsProbe(spec(udp.address().port, { name: 'nope.example.test' }))).reply?.rcode, 'NXDOMAIN');
  });

  it('reports ECONNREFUSED as refused, like dockerd reading a connected socket after a REJECT', async () => {
    const result = await sendDnsProbe(spec(closedPort));
    assert.equal(result.outcome, 'refused');
    assert.equal(result.errno, 'ECONNREFUSED');
  });

  it('reports silence as a timeout after the time it was given', async () => {
    const result = await sendDnsProbe(spec(silent.address().port, { timeoutMs: 300 }));
    assert.equal(result.outcome, 'timeout');
    assert.ok(result.elapsedMs >= 290, `waited ${result.elapsedMs} ms`);
  });

  it('speaks DNS over TCP with the length prefix', async () => {
    const result = await sendDnsProbe(spec((tcp.address() as net.AddressInfo).port, { proto: 'tcp' }));
    assert.equal(result.outcome, 'answer');
    assert.equal(result.reply?.id, 4242);
    assert.equal((await sendDnsProbe(spec(closedPort, { proto: 'tcp' }))).outcome, 'refused');
  });
});
