import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetnsRecord } from '../../../src/sessions/record-schemas.js';
import { explainErrno, explainOutcome, explainSourceAddress } from '../../../src/sinks/tui/story-explanations.js';

test('errnos: ICMP errors over UDP, the handshake over TCP, and unknown ones left bare', () => {
  const cases: [string, 'udp' | 'tcp', RegExp | null][] = [
    ['ECONNREFUSED', 'udp', /^an ICMP port unreachable came back; typically an iptables REJECT/],
    ['ECONNREFUSED', 'tcp', /^the SYN was refused \(a TCP RST or an ICMP port unreachable came back\)/],
    ['EHOSTUNREACH', 'udp', /"administratively prohibited"/],
    ['EPERM', 'udp', /its OUTPUT chain/],
    ['ETIMEDOUT', 'tcp', /^nothing answered the SYN/],
    ['EAGAIN', 'udp', /^not yet/],
    ['EPROTO', 'udp', null],
  ];
  for (const [errno, proto, expected] of cases) {
    const explanation = explainErrno(errno, proto);
    if (expected === null) assert.equal(explanation, null, errno);
    else assert.match(explanation ?? '', expected, `${errno} over ${proto}`);
  }
});

test('outcomes: answers by their rcode, the rest in words', () => {
  assert.equal(explainOutcome('answer', 'SERVFAIL'), 'SERVFAIL');
  assert.equal(explainOutcome('answer', null), 'answered');
  assert.equal(explainOutcome('timeout', null), 'timed out: no answer, then the socket was closed');
  assert.equal(explainOutcome('pending', null), 'no answer yet when the trace ended');
});

test('a source address points at the host chains for the host, at FORWARD for containers and other namespaces', () => {
  const netns = (label: string, host = false): NetnsRecord => ({ inode: null, path: null, label, host, container: null });
  assert.match(explainSourceAddress(netns('host', true)), /OUTPUT and INPUT/);
  assert.match(explainSourceAddress(netns('sandbox 6d527838845f')), /^this is the container's IP, .*\(FORWARD, DOCKER-USER\)$/);
  assert.match(explainSourceAddress(netns('netns lab')), /\(FORWARD\)$/);
});
