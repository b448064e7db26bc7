import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import type { BlockingRule } from '../../src/diagnose/blocking-rule.js';
import { buildDiagnosis, type DiagnosedContainer } from '../../src/diagnose/diagnosis.js';
import { planDirectProbes, probeSessionsOf } from '../../src/diagnose/direct-probes.js';
import type { ProbePath } from '../../src/diagnose/probe-path.js';
import type { ProbeResult } from '../../src/probe/probe-result.js';
import type { SessionRecord } from '../../src/sessions/index.js';
import { probeResult, sessionsOf } from './diagnose-fixtures.js';

/**
 * The verdict on sessions recorded in the lab (fixtures/replay/live-*): the traced forwarding comes from real
 * traces; the probes' results are built for each case, as the probe process reports them.
 */

const WEB: DiagnosedContainer = { name: 'web', id: 'a'.repeat(64), ip: '172.18.0.2', netnsInode: 4026532183 };
const API: DiagnosedContainer = { name: 'api', id: 'b'.repeat(64), ip: '172.18.0.3', netnsInode: 4026532258 };
const UPSTREAM = '10.77.0.2:53';

/** The embedded probe that the session `session` is the trace of: same DNS id, same client port. */
function embeddedFor(session: SessionRecord, outcome: ProbeResult['outcome']): ProbePath {
  const clientPort = session.client!.address!.split(':')[1]!;
  const result = probeResult('127.0.0.11:53', outcome, { id: session.query!.id, source: `127.0.0.1:${clientPort}` });
  return { kind: 'embedded', fromWords: 'web', server: '127.0.0.11:53', result, flow: null };
}

function diagnose(container: DiagnosedContainer, sessions: SessionRecord[], embedded: ProbePath, host: ProbeResult['outcome'], fromContainer: ProbeResult['outcome'], rules: BlockingRule[] = []) {
  const plan = planDirectProbes({ container, sessions, configured: [], dockerdAddresses: ['10.77.0.1', '127.0.0.1'] });
  const direct = plan.paths(
    plan.host.map((upstream) => probeResult(`${upstream.ip}:${upstream.port}`, host, { source: '10.77.0.1:41000' })),
    plan.container.map((upstream) => probeResult(`${upstream.ip}:${upstream.port}`, fromContainer, { source: `${container.ip}:42000` })),
  );
  return { plan, diagnosis: buildDiagnosis({ container, question: { name: 'www.example.test', type: 'A' }, embedded, sessions, direct, rules, embeddedDnat: null, upstreamsFrom: plan.from(null), notes: plan.notes }) };
}

const REJECT_RULE: BlockingRule = {
  origin: 'iptables-nft',
  table: 'filter',
  chain: 'FORWARD',
  position: 1,
  where: 'filter FORWARD #1',
  text: '-A FORWARD -s 172.18.0.0/16 -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable',
  verdict: 'reject',
  sources: ['172.18.0.0/16'],
  actionWords: 'rejects UDP 53 from 172.18.0.0/16',
  pathWords: 'forwarded path (FORWARD)',
  strength: 'matches',
  packetsBefore: 0,
  packetsAfter: 1,
  flows: ['172.18.0.2 → 10.77.0.2:53/udp'],
};

describe('diagnose verdicts on recorded lab sessions', () => {
  let apiOnly: SessionRecord[] = [];
  let host: SessionRecord[] = [];
  before(async () => {
    apiOnly = await sessionsOf('fixtures/replay/live-api-only/trace.strace');
    host = await sessionsOf('fixtures/replay/live-host/trace.strace');
  });

  it('finds the probe’s own session by DNS id and client port, not a retransmission from another port', () => {
    const web = apiOnly.find((session) => session.attempts[0]?.source?.startsWith('172.18.0.2:'))!;
    const embedded = embeddedFor(web, 'answer');
    assert.deepEqual(probeSessionsOf(apiOnly, embedded.result), [web]);
    const elsewhere = { ...embedded.result, local: { ip: '127.0.0.1', port: 1 } };
    assert.deepEqual(probeSessionsOf(apiOnly, elsewhere), []);
  });

  it('all paths answering: healthy, every path named, no fixes', () => {
    const web = apiOnly.filter((session) => session.attempts[0]?.source?.startsWith('172.18.0.2:'));
    const { diagnosis, plan } = diagnose(WEB, web, embeddedFor(web[0]!, 'answer'), 'answer', 'answer');
    assert.equal(diagnosis.healthy, true);
    assert.deepEqual(plan.host, [{ ip: '10.77.0.2', port: 53 }]);
    assert.deepEqual(plan.container, [{ ip: '10.77.0.2', port: 53 }]);
    assert.match(diagnosis.verdict[0]!, /^All paths are healthy: web's query through 127\.0\.0\.11 was answered NOERROR/);
    assert.match(diagnosis.verdict.join('\n'), /10\.77\.0\.2:53 answers from dockerd's namespace and web's namespace \(172\.18\.0\.2\)/);
    assert.deepEqual(diagnosis.fixes, []);
  });

  it('refused from the container but answered from the host: names the path, the outcome, the rule, and the fixes', () => {
    const api = apiOnly.filter((session) => session.attempts[0]?.source?.startsWith('172.18.0.3:')).slice(0, 1);
    const { diagnosis } = diagnose(API, api, embeddedFor(api[0]!, 'timeout'), 'answer', 'refused', [REJECT_RULE]);
    assert.equal(diagnosis.healthy, false);
    const words = diagnosis.verdict.join('\n');
    assert.match(words, /api's query through 127\.0\.0\.11 gets no answer within 5 s/);
    assert.match(words, /dockerd forwarding it once: from .*'s namespace as 172\.18\.0\.3:\d+ to 10\.77\.0\.2:53 over UDP: ECONNREFUSED/);
    assert.match(words, /Docker up to 23 then sends the client no reply/);
    assert.match(words, /10\.77\.0\.2:53 answers from dockerd's namespace; from api's namespace \(172\.18\.0\.3\) it is refused \(ECONNREFUSED/);
    assert.match(words, /A rule on the forwarded path \(FORWARD\) rejects UDP 53 from 172\.18\.0\.0\/16: filter FORWARD #1 `-A FORWARD -s 172\.18\.0\.0\/16 .*-j REJECT/);
    assert.match(words, /packets 0 before the probes, 1 after, and it caught the probe/);
    assert.equal(diagnosis.fixes.length, 3);
    assert.match(diagnosis.fixes[0]!.how, /^iptables -I FORWARD 1 -s 172\.18\.0\.0\/16 -d 10\.77\.0\.2 -p udp --dport 53 -j ACCEPT\niptables -I FORWARD 1 .* -p tcp /);
  });

  it('an upstream failing from every namespace is the server, not the path: no firewall fix is offered', () => {
    const api = apiOnly.filter((session) => session.attempts[0]?.source?.startsWith('172.18.0.3:')).slice(0, 1);
    const { diagnosis } = diagnose(API, api, embeddedFor(api[0]!, 'timeout'), 'timeout', 'timeout');
    assert.match(diagnosis.verdict.join('\n'), /10\.77\.0\.2:53 fails from every namespace tried .*the container's namespace is not the cause/);
    assert.deepEqual(diagnosis.fixes, []);
    assert.match(diagnosis.verdict.join('\n'), /No REJECT or DROP rule in dockerd's namespace matches the failing flow/);
  });

  it('a query that never reached dockerd says so, and probes the configured upstreams', () => {
    const embedded = embeddedFor(apiOnly[0]!, 'timeout');
    const plan = planDirectProbes({ container: WEB, sessions: [], configured: ['10.77.0.2'], dockerdAddresses: [] });
    assert.deepEqual(plan.container, [{ ip: '10.77.0.2', port: 53 }]);
    assert.equal(plan.from('daemon.json "dns" (/x/daemon.json)'), 'daemon.json "dns" (/x/daemon.json) (the trace showed no upstream)');
    const direct = plan.paths([probeResult(UPSTREAM, 'answer')], [probeResult(UPSTREAM, 'answer')]);
    const diagnosis = buildDiagnosis({ container: WEB, question: { name: 'x', type: 'A' }, embedded, sessions: [], direct, rules: [], embeddedDnat: null, upstreamsFrom: '', notes: [] });
    assert.equal(diagnosis.healthy, false);
    assert.match(diagnosis.verdict.join('\n'), /dockerd never handled the query: .*DOCKER_OUTPUT/);
  });

  it('a container whose resolv.conf names its own servers (default bridge): its query is judged without dockerd', () => {
    const result = probeResult(UPSTREAM, 'refused', { source: '172.17.0.2:40000' });
    const own: ProbePath = { kind: 'resolver', fromWords: 'web', server: UPSTREAM, result, flow: null };
    const plan = planDirectProbes({ container: WEB, sessions: [], configured: ['10.77.0.2'], dockerdAddresses: [] });
    const direct = plan.paths([probeResult(UPSTREAM, 'answer')], [probeResult(UPSTREAM, 'refused')]);
    const diagnosis = buildDiagnosis({ container: WEB, question: { name: 'x', type: 'A' }, embedded: own, sessions: [], direct, rules: [], embeddedDnat: null, upstreamsFrom: '', notes: [] });
    const words = diagnosis.verdict.join('\n');
    assert.match(words, /^web's query through 10\.77\.0\.2:53 is refused/);
    assert.doesNotMatch(words, /dockerd never handled/);
    assert.match(words, /10\.77\.0\.2:53 answers from dockerd's namespace; from web's namespace \(172\.18\.0\.2\) it is refused/);
  });

  it('a query that never reached dockerd because the container’s DNAT is gone: says so, and offers the restart', () => {
    const embedded = embeddedFor(apiOnly[0]!, 'refused');
    const plan = planDirectProbes({ container: WEB, sessions: [], configured: ['10.77.0.2'], dockerdAddresses: [] });
    const direct = plan.paths([probeResult(UPSTREAM, 'answer')], [probeResult(UPSTREAM, 'answer')]);
    const facts = { container: WEB, question: { name: 'x', type: 'A' }, embedded, sessions: [], direct, rules: [], upstreamsFrom: '', notes: [] };
    const flushed = buildDiagnosis({ ...facts, embeddedDnat: { rule: null, readFrom: 'its nat table' } });
    assert.match(flushed.verdict.join('\n'), /web's namespace has no DNAT rule for 127\.0\.0\.11:53 .*a firewall started inside the container/);
    assert.deepEqual(flushed.fixes.map((fix) => fix.how.split('\n')[0]), ['docker restart web', flushed.fixes[1]!.how]);
    const kept = buildDiagnosis({ ...facts, embeddedDnat: { rule: '-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:33066', readFrom: 'its nat table' } });
    assert.match(kept.verdict.join('\n'), /still sends it on .*33066.*dockerd's resolver is not listening/);
    assert.deepEqual(kept.fixes, []);
  });

  it('host-namespace forwarding (a loopback resolver): the container is not probed directly, and says why', () => {
    const { plan, diagnosis } = diagnose(WEB, host.slice(0, 1), embeddedFor(host[0]!, 'answer'), 'answer', 'answer');
    assert.equal(plan.container.length, 0);
    assert.match(plan.notes.join('\n'), /from its own namespace \(no setns\)/);
    assert.equal(diagnosis.direct.length, 1);
    assert.equal(diagnosis.direct[0]!.flow?.path, 'output');
    assert.equal(diagnosis.healthy, true);
  });

  it('an upstream on an address of dockerd’s namespace is reached on INPUT, not FORWARD', () => {
    const plan = planDirectProbes({ container: WEB, sessions: [], configured: ['10.77.0.1'], dockerdAddresses: ['10.77.0.1'] });
    const [, fromContainer] = plan.paths([probeResult('10.77.0.1:53', 'answer')], [probeResult('10.77.0.1:53', 'refused')]);
    assert.equal(fromContainer!.flow?.path, 'input');
  });
});
