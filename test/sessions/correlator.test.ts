import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRecord } from '../../src/sessions/index.js';
import { SessionRecordSchema } from '../../src/sessions/record-schemas.js';
import { TracePipeline } from '../../src/trace-pipeline.js';
import { sockaddr, straceString, withLength } from '../support/strace-text.js';
import { dnsAnswer, dnsQuery, replayLines, TraceScript } from '../support/trace-script.js';

const SANDBOX = '6d527838845f';

test('a forwarded query: client leg, one answered attempt from the container namespace, reply', () => {
  const query = dnsQuery(0x1234, 'www.example.test');
  const answer = dnsAnswer(0x1234, 'www.example.test', 'NOERROR', ['10.0.0.5']);
  const script = new TraceScript()
    .clientQuery(100, 40, 57679, query)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:36051')
    .send(101, 61, query)
    .receiveError(101, 61, 'EAGAIN')
    .wait(0.0005)
    .receive(102, 61, answer) // another thread: Go moved the goroutine
    .clientReply(103, 40, 57679, answer)
    .close(103, 61);
  const { sessions, summary } = replayLines(script.lines);
  assert.equal(sessions.length, 1);
  const [session] = sessions;
  SessionRecordSchema.parse(session);
  assert.equal(session!.client?.address, '127.0.0.1:57679');
  assert.deepEqual(session!.query, { id: 0x1234, name: 'www.example.test', type: 'A', class: 'IN', truncated: false });
  const [attempt] = session!.attempts;
  assert.equal(attempt!.tid, 101);
  assert.deepEqual(attempt!.netns, { inode: null, path: `/var/run/docker/netns/${SANDBOX}`, label: `sandbox ${SANDBOX}`, host: false, container: null });
  assert.equal(attempt!.source, '172.18.0.2:36051');
  assert.equal(attempt!.upstream, '10.77.0.2:53');
  assert.equal(attempt!.outcome, 'answer');
  assert.equal(attempt!.rcode, 'NOERROR');
  assert.deepEqual(attempt!.answers.map((a) => a.data), ['10.0.0.5']);
  assert.ok(attempt!.latencyMs! > 0.5 && attempt!.latencyMs! < 1, `latency ${attempt!.latencyMs}`);
  assert.equal(session!.reply?.rcode, 'NOERROR');
  assert.match(session!.verdict, /^forwarded from container namespace sandbox 6d527838845f as 172\.18\.0\.2:36051 to 10\.77\.0\.2:53; answered NOERROR/);
  assert.equal(summary.outcomes.answer, 1);
  assert.equal(summary.namespaces.container, 1);
});

test('ECONNREFUSED is a refusal (a REJECT rule), and EAGAIN before it is not an answer', () => {
  const query = dnsQuery(7, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 50625, query)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.3:36163')
    .send(101, 61, query)
    .receiveError(101, 61, 'EAGAIN')
    .receiveError(102, 61, 'ECONNREFUSED')
    .close(102, 61);
  const [session] = replayLines(script.lines).sessions;
  const [attempt] = session!.attempts;
  assert.equal(attempt!.outcome, 'refused');
  assert.equal(attempt!.errno, 'ECONNREFUSED');
  assert.equal(session!.reply, null);
  assert.match(session!.verdict, /refused \(ICMP port unreachable, ECONNREFUSED\).*a REJECT rule on the forwarded path.*rejects 172\.18\.0\.3.*no reply reached the client/);
});

test('silence until close is a timeout, timed from the query to the close', () => {
  const query = dnsQuery(9, 'www.example.test');
  const script = new TraceScript().clientQuery(100, 40, 60265, query).dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:44825').send(101, 61, query);
  for (let i = 0; i < 5; i++) script.wait(0.8).receiveError(101, 61, 'EAGAIN');
  script.close(102, 61);
  const [session] = replayLines(script.lines).sessions;
  const [attempt] = session!.attempts;
  assert.equal(attempt!.outcome, 'timeout');
  assert.ok(Math.abs(attempt!.latencyMs! - 4000) < 5, `latency ${attempt!.latencyMs}`);
  assert.match(session!.verdict, /a DROP rule/);
});

test('failover: the next upstream is tried after a refusal, in the same session', () => {
  const query = dnsQuery(11, 'www.example.test');
  const answer = dnsAnswer(11, 'www.example.test', 'NOERROR', ['10.0.0.5']);
  const script = new TraceScript()
    .clientQuery(100, 40, 1000, query)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:1111', '10.77.0.2')
    .send(101, 61, query)
    .receiveError(101, 61, 'ECONNREFUSED')
    .dialFromSandbox(101, 62, SANDBOX, '172.18.0.2:2222', '10.77.0.3')
    .send(101, 62, query)
    .receive(101, 62, answer)
    .clientReply(101, 40, 1000, answer)
    .close(101, 61)
    .close(101, 62);
  const { sessions } = replayLines(script.lines);
  assert.equal(sessions.length, 1);
  assert.deepEqual(sessions[0]!.attempts.map((a) => [a.upstream, a.outcome]), [['10.77.0.2:53', 'refused'], ['10.77.0.3:53', 'answer']]);
  assert.match(sessions[0]!.verdict, /^2 attempts \(10\.77\.0\.2:53 refused, 10\.77\.0\.3:53 NOERROR\); forwarded .* as 172\.18\.0\.2:2222 to 10\.77\.0\.3:53; answered NOERROR/);
});

test('a client retry with the same id and port is its own session with its own attempt', () => {
  const query = dnsQuery(0x7d8f, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 60265, query)
    .dialFromSandbox(101, 54, SANDBOX, '172.18.0.2:1')
    .send(101, 54, query)
    .wait(1.5)
    .clientQuery(100, 40, 60265, query)
    .dialFromSandbox(102, 57, SANDBOX, '172.18.0.2:2')
    .send(102, 57, query)
    .wait(2.5)
    .close(101, 54)
    .wait(1.5)
    .close(102, 57);
  const { sessions } = replayLines(script.lines);
  assert.equal(sessions.length, 2);
  assert.deepEqual(sessions.map((s) => s.attempts.map((a) => a.source)), [['172.18.0.2:1'], ['172.18.0.2:2']]);
  assert.deepEqual(sessions.map((s) => s.attempts[0]!.outcome), ['timeout', 'timeout']);
});

test('an attempt whose client leg is not in the trace still forms a session', () => {
  const query = dnsQuery(3, 'late.example.test');
  const answer = dnsAnswer(3, 'late.example.test', 'NXDOMAIN');
  const script = new TraceScript().dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:3').send(101, 61, query).receive(101, 61, answer).close(101, 61);
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.client, null);
  assert.equal(session!.query?.name, 'late.example.test');
  assert.equal(session!.attempts[0]!.rcode, 'NXDOMAIN');
  assert.match(session!.verdict, /^sent from container namespace sandbox 6d527838845f as 172\.18\.0\.2:3 to 10\.77\.0\.2:53; answered NXDOMAIN.*; the client side is not in the trace$/);
});

test('a name dockerd answers itself (a container name) is a session with no attempts', () => {
  const query = dnsQuery(5, 'api');
  const script = new TraceScript().clientQuery(100, 40, 4000, query).clientReply(100, 40, 4000, dnsAnswer(5, 'api', 'NOERROR', ['172.18.0.3']));
  const [session] = replayLines(script.lines).sessions;
  assert.deepEqual(session!.attempts, []);
  assert.equal(session!.reply?.rcode, 'NOERROR');
  assert.deepEqual(session!.reply?.answers.map((a) => a.data), ['172.18.0.3']);
  assert.match(session!.verdict, /^answered without forwarding/);
});

test('the host-namespace path (no setns) is reported as host', () => {
  const query = dnsQuery(21, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 5000, query)
    .line(101, 'socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 61<UDP:[9]>')
    .line(101, `connect(61<UDP:[9]>, ${sockaddr('127.0.0.53', 53)}, 16) = 0`)
    .line(101, `getsockname(61<UDP:[9]>, ${sockaddr('127.0.0.1', 40000)}, [112 => 16]) = 0`)
    .send(101, 61, query)
    .receiveError(101, 61, 'ECONNREFUSED');
  const [session] = replayLines(script.lines).sessions;
  const [attempt] = session!.attempts;
  assert.equal(attempt!.netns.host, true);
  assert.equal(attempt!.netns.label, 'host');
  assert.match(session!.verdict, /the host namespace.*REJECT rule on the host's own output path \(the host's OUTPUT chain\)/);
});

test('a namespace entered through an fd from before the trace is unknown, and the verdict says so', () => {
  const query = dnsQuery(22, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 5000, query)
    .line(101, 'setns(38, CLONE_NEWNET) = 0')
    .line(101, 'socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 39')
    .line(101, `connect(39, ${sockaddr('10.77.0.2', 53)}, 16) = 0`)
    .line(101, 'setns(10, CLONE_NEWNET) = 0')
    .line(101, `write(39, ${straceString(query)}, ${query.length}) = ${query.length}`);
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.attempts[0]!.netns.label, 'unknown');
  assert.equal(session!.attempts[0]!.outcome, 'pending');
  assert.match(session!.verdict, /a namespace the trace cannot name/);
});

test('-s 32 cuts names: truncated questions still match their attempts and replies', () => {
  const query = dnsQuery(0xed61, 'nope.nx.example.test', 'AAAA');
  const answer = dnsAnswer(0xed61, 'nope.nx.example.test', 'NXDOMAIN', [], 'AAAA');
  const script = new TraceScript()
    .clientQuery(100, 40, 57679, query, 32)
    .dialFromSandbox(101, 62, SANDBOX, '172.18.0.3:59398')
    .send(101, 62, query, 32)
    .receive(101, 62, answer, 32)
    .clientReply(101, 40, 57679, answer, 32)
    .close(101, 62);
  const { sessions } = replayLines(script.lines);
  assert.equal(sessions.length, 1);
  const [session] = sessions;
  assert.equal(session!.query?.truncated, true);
  assert.ok('nope.nx.example.test'.startsWith(session!.query!.name!), session!.query!.name!);
  assert.equal(session!.attempts[0]!.rcode, 'NXDOMAIN', 'the rcode is in the header, always within 32 bytes');
  assert.equal(session!.reply?.rcode, 'NXDOMAIN');
});

test('an answer with a stale id is not the answer; the matching one is', () => {
  const query = dnsQuery(100, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 1, query)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:1')
    .send(101, 61, query)
    .receive(101, 61, dnsAnswer(99, 'www.example.test', 'SERVFAIL'))
    .receive(101, 61, dnsAnswer(100, 'www.example.test', 'NOERROR', ['10.0.0.5']));
  const [attempt] = replayLines(script.lines).sessions[0]!.attempts;
  assert.equal(attempt!.rcode, 'NOERROR');
});

test('an attempt still waiting when the trace ends is pending', () => {
  const query = dnsQuery(1, 'www.example.test');
  const script = new TraceScript().clientQuery(100, 40, 1, query).dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:1').send(101, 61, query).receiveError(101, 61, 'EAGAIN');
  const { sessions, summary } = replayLines(script.lines);
  assert.equal(sessions[0]!.attempts[0]!.outcome, 'pending');
  assert.equal(summary.outcomes.pending, 1);
});

test('a socket connected to :53 that sends nothing is not an attempt', () => {
  const script = new TraceScript()
    .line(101, 'socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 61<UDP:[9]>')
    .line(101, `connect(61<UDP:[9]>, ${sockaddr('8.8.8.8', 53)}, 16) = 0`)
    .line(101, 'close(61<UDP:[9]>) = 0');
  assert.deepEqual(replayLines(script.lines).sessions, []);
});

test('a connect that fails before any query stands as its own session', () => {
  const script = new TraceScript()
    .line(101, 'socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 61<UDP:[9]>')
    .line(101, `connect(61<UDP:[9]>, ${sockaddr('10.77.0.2', 53)}, 16) = -1 ENETUNREACH (Network is unreachable)`)
    .line(101, 'close(61<UDP:[9]>) = 0');
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.query, null);
  assert.equal(session!.attempts[0]!.outcome, 'unreachable');
  assert.match(session!.verdict, /no route to 10\.77\.0\.2:53/);
});

test('EPERM on send is a local firewall denial', () => {
  const query = dnsQuery(1, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 1, query)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:1')
    .line(101, `write(61<UDP:[661]>, ${straceString(query)}, ${query.length}) = -1 EPERM (Operation not permitted)`);
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.attempts[0]!.outcome, 'denied');
});

test('an unconnected socket sending to :53 (sendto) is an attempt to that address', () => {
  const query = dnsQuery(1, 'www.example.test');
  const answer = dnsAnswer(1, 'www.example.test', 'NOERROR', ['10.0.0.5']);
  const script = new TraceScript()
    .line(7, 'socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 5')
    .line(7, `sendto(5, ${straceString(query)}, ${query.length}, 0, ${sockaddr('10.89.0.1', 53)}, 16) = ${query.length}`)
    .line(7, `recvfrom(5, ${straceString(answer)}, 512, 0, ${sockaddr('10.89.0.1', 53)}, [16]) = ${answer.length}`);
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.attempts[0]!.upstream, '10.89.0.1:53');
  assert.equal(session!.attempts[0]!.rcode, 'NOERROR');
});

test('DNS over TCP: length-prefixed messages split over reads, on both legs', () => {
  const query = dnsQuery(0x4242, 'big.example.test');
  const answer = dnsAnswer(0x4242, 'big.example.test', 'NOERROR', ['10.0.0.1', '10.0.0.2']);
  const framedQuery = withLength(query);
  const framedAnswer = withLength(answer);
  const script = new TraceScript()
    .line(100, `accept4(41<TCP:[7]>, ${sockaddr('127.0.0.1', 39308)}, [112 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 42<TCP:[8]>`)
    .line(100, `read(42<TCP:[8]>, ${straceString(framedQuery.subarray(0, 2))}, 2) = 2`)
    .line(100, `read(42<TCP:[8]>, ${straceString(query)}, ${query.length}) = ${query.length}`)
    .line(101, `setns(59</var/run/docker/netns/${SANDBOX}>, CLONE_NEWNET) = 0`)
    .line(101, 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 61<TCP:[9]>')
    .line(101, `connect(61<TCP:[9]>, ${sockaddr('10.77.0.2', 53)}, 16) = -1 EINPROGRESS (Operation now in progress)`)
    .line(101, 'getsockopt(61<TCP:[9]>, SOL_SOCKET, SO_ERROR, [0], [4]) = 0')
    .line(101, `getsockname(61<TCP:[9]>, ${sockaddr('172.18.0.2', 41000)}, [112 => 16]) = 0`)
    .line(101, 'setns(15<net:[4026532177]>, CLONE_NEWNET) = 0')
    .line(101, `writev(61<TCP:[9]>, [{iov_base=${straceString(framedQuery.subarray(0, 2))}, iov_len=2}, {iov_base=${straceString(query)}, iov_len=${query.length}}], 2) = ${framedQuery.length}`)
    .line(102, `read(61<TCP:[9]>, ${straceString(framedAnswer.subarray(0, 2))}, 2) = 2`)
    .line(102, `read(61<TCP:[9]>, ${straceString(answer)}, ${answer.length}) = ${answer.length}`)
    .line(102, `write(42<TCP:[8]>, ${straceString(framedAnswer)}, ${framedAnswer.length}) = ${framedAnswer.length}`)
    .line(102, 'close(61<TCP:[9]>) = 0');
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.client?.proto, 'tcp');
  assert.equal(session!.client?.address, '127.0.0.1:39308');
  const [attempt] = session!.attempts;
  assert.equal(attempt!.proto, 'tcp');
  assert.equal(attempt!.source, '172.18.0.2:41000');
  assert.equal(attempt!.netns.label, `sandbox ${SANDBOX}`);
  assert.deepEqual(attempt!.answers.map((a) => a.data), ['10.0.0.1', '10.0.0.2']);
  assert.equal(session!.reply?.rcode, 'NOERROR');
  assert.match(session!.verdict, /over TCP/);
});

test('a TCP connect refused (RST) is a refusal', () => {
  const script = new TraceScript()
    .line(101, 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 61<TCP:[9]>')
    .line(101, `connect(61<TCP:[9]>, ${sockaddr('10.77.0.2', 53)}, 16) = -1 EINPROGRESS (Operation now in progress)`)
    .line(101, 'getsockopt(61<TCP:[9]>, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0');
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.attempts[0]!.outcome, 'refused');
  assert.equal(session!.attempts[0]!.proto, 'tcp');
});

test('a query written again after EAGAIN on the same socket is still one attempt', () => {
  const query = dnsQuery(1, 'www.example.test');
  const script = new TraceScript()
    .clientQuery(100, 40, 1, query)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:1')
    .line(101, `write(61<UDP:[661]>, ${straceString(query)}, ${query.length}) = -1 EAGAIN (Resource temporarily unavailable)`)
    .send(101, 61, query)
    .receive(101, 61, dnsAnswer(1, 'www.example.test', 'NOERROR', ['10.0.0.5']));
  const [session] = replayLines(script.lines).sessions;
  assert.equal(session!.attempts.length, 1);
  assert.equal(session!.attempts[0]!.rcode, 'NOERROR');
});

test('in completion order a quick session is not held back by an earlier one still waiting', () => {
  const slow = dnsQuery(21, 'www.example.test');
  const quick = dnsQuery(22, 'www.example.test');
  const answer = dnsAnswer(22, 'www.example.test', 'NOERROR', ['10.0.0.5']);
  const script = new TraceScript()
    .clientQuery(100, 40, 1000, slow)
    .dialFromSandbox(101, 61, SANDBOX, '172.18.0.2:1111')
    .send(101, 61, slow)
    .clientQuery(100, 40, 1001, quick)
    .dialFromSandbox(102, 62, SANDBOX, '172.18.0.2:2222')
    .send(102, 62, quick)
    .receive(102, 62, answer)
    .clientReply(102, 40, 1001, answer);
  const started = replayLines(script.lines).sessions.map((s) => s.query?.id);
  const completed = replayLines(script.lines, { emitOrder: 'completion' }).sessions.map((s) => s.query?.id);
  assert.deepEqual(started, [21, 22]);
  assert.deepEqual(completed, [22, 21]);
});

test('seeded from /proc at attach: the host inode makes a setns back through INITNS the host, and a thread caught mid-setns keeps its namespace', () => {
  const query = dnsQuery(31, 'www.example.test');
  const other = dnsQuery(32, 'api.example.test');
  const dialThroughInitns = (tid: number, fd: number) =>
    new TraceScript()
      .clientQuery(100, 40, 5000 + fd, query)
      .line(tid, 'setns(15<net:[4026532177]>, CLONE_NEWNET) = 0')
      .line(tid, `socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = ${fd}<UDP:[7${fd}]>`)
      .line(tid, `connect(${fd}<UDP:[7${fd}]>, ${sockaddr('127.0.0.53', 53)}, 16) = 0`)
      .send(tid, fd, query).lines;
  const run = (seed: boolean) => {
    const sessions: SessionRecord[] = [];
    const pipeline = new TracePipeline({ session: (record) => sessions.push(record) });
    if (seed) pipeline.seed({ pid: 100, hostInode: 4026532177, threads: new Map([[100, 4026532177], [102, 4026532999]]) });
    const lines = [
      ...dialThroughInitns(101, 61),
      // Thread 102 was inside a container's namespace when strace attached; it opens a socket there.
      `102 1795500000.900000 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 62<UDP:[762]>`,
      `102 1795500000.900100 connect(62<UDP:[762]>, ${sockaddr('10.77.0.2', 53)}, 16) = 0`,
      ...new TraceScript().clientQuery(100, 40, 6000, other).send(102, 62, other).lines,
    ];
    lines.forEach((line, i) => pipeline.pushLine(line, 't', i + 1));
    pipeline.end({ inputs: ['t'], bytes: 0, notes: [] });
    return sessions;
  };
  const seeded = run(true);
  assert.deepEqual(seeded[0]!.attempts[0]!.netns, { inode: 4026532177, path: null, label: 'host', host: true, container: null });
  assert.deepEqual(seeded[1]!.attempts[0]!.netns, { inode: 4026532999, path: null, label: 'net:[4026532999]', host: false, container: null });
  const unseeded = run(false);
  assert.equal(unseeded[0]!.attempts[0]!.netns.host, false, 'without /proc the trace alone cannot tell INITNS is the host');
  assert.equal(unseeded[0]!.attempts[0]!.netns.label, 'net:[4026532177]');
});
