import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SessionRecord, SummaryRecord } from '../../../src/sessions/index.js';
import { missingCommands, prerequisitesVerdictOn } from '../../support/prerequisites.js';
import { replayFixtures, type ReplayFixture } from '../../support/replay-fixtures.js';
import { REPO_ROOT, repoPath } from '../../support/repo-root.js';

// `ns53 replay --pcap` on every replay fixture, read back by Debian's tshark: the DNS dissector must find
// each attempt's query and answer, and each client's, with the addresses, ports, ids, names and rcodes the
// fixture's golden NDJSON (expected.ndjson, reviewed by a human) records, an ICMP port unreachable for each
// refused UDP attempt (a RST for TCP), and no malformed packet or bad checksum.

const { unmet, mustFail } = prerequisitesVerdictOn(missingCommands(['tshark']));
const MAIN = repoPath('dist/src/cli/main.js');
/** Debian's tshark with checksum checks on (they are off by default): a wrong sum becomes an expert error. */
const TSHARK_CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
const DNS_FIELDS = ['frame.time_epoch', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'udp.srcport', 'udp.dstport', 'tcp.srcport', 'tcp.dstport', 'dns.id', 'dns.flags.response', 'dns.qry.name', 'dns.qry.type', 'dns.flags.rcode'];
const RCODES: Readonly<Record<string, number>> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

const run = promisify(execFile);

async function tshark(file: string, filter: string, fields: string[], occurrence = 'f'): Promise<string[][]> {
  const args = ['-r', file, ...TSHARK_CHECKS, '-Y', filter, '-T', 'fields', '-E', 'separator=/t', '-E', `occurrence=${occurrence}`, ...fields.flatMap((f) => ['-e', f])];
  const { stdout } = await run('tshark', args, { maxBuffer: 1 << 26 });
  return stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
}

/**
 * The name to compare, or nothing: ns53 escapes unprintable bytes as dig does (`\027`, decimal), tshark
 * in C's octal (`\033`), so names with escapes are matched by id and addresses only.
 */
function comparableName(name: string | null, truncated: boolean): { name?: string } {
  return truncated || name === null || name.includes('\\') ? {} : { name };
}

/** One DNS packet as tshark lists it. */
interface DnsRow {
  time: string;
  proto: 'udp' | 'tcp';
  src: string;
  dst: string;
  id: number;
  response: boolean;
  name: string;
  rcode: number | null;
}

function endpoint(ip: string, ip6: string, port: string): string {
  return ip6 ? `[${ip6}]:${port}` : `${ip}:${port}`;
}

function dnsRowOf(fields: string[]): DnsRow {
  const [time, ip4s, ip6s, ip4d, ip6d, usp, udp, tsp, tdp, id, response, name, , rcode] = fields.map((f) => f ?? '');
  const proto = usp ? 'udp' : 'tcp';
  return {
    time: time!,
    proto,
    src: endpoint(ip4s!, ip6s!, (usp || tsp)!),
    dst: endpoint(ip4d!, ip6d!, (udp || tdp)!),
    id: parseInt(id!, 16),
    response: response === '1' || response === 'True',
    name: name!,
    rcode: rcode ? Number(rcode) : null,
  };
}

/** What a packet must show; absent fields are not checked (a -s 32 capture cuts the name short). */
type Expected = Partial<DnsRow> & { what: string; dstPort?: string; srcPort?: string };

function portOf(address: string): string {
  return address.slice(address.lastIndexOf(':') + 1);
}

/** The trace time of a record, as tshark's frame.time_epoch prints it (see session-packets.ts for each clock). */
function epochText(time: string, clock: SummaryRecord['clock']): string {
  const [whole, fraction] = time.replace(/^\+/, '').replace(/Z$/, '').split('.') as [string, string];
  let seconds: number;
  if (clock === 'epoch') seconds = Date.parse(`${whole}Z`) / 1000;
  else if (clock === 'relative') seconds = Number(whole);
  else {
    const [h, m, s] = whole.split(':').map(Number) as [number, number, number];
    const day = /\+(\d+)d$/.exec(fraction)?.[1];
    seconds = h * 3600 + m * 60 + s + Number(day ?? 0) * 86400;
  }
  return `${seconds}.${fraction.slice(0, 6)}000`;
}

/** Every DNS packet the fixture's sessions imply, computed from the NDJSON records alone. */
function expectedDns(sessions: SessionRecord[], clock: SummaryRecord['clock'], server: string | null): Expected[] {
  const rows: Expected[] = [];
  for (const session of sessions) {
    const { client, query, reply } = session;
    // A client leg known only from its reply (the query came before the trace) has the reply's position.
    const querySeen = client !== null && !(reply !== null && client.ref === reply.ref);
    if (client?.address && query && querySeen) {
      rows.push({
        what: `session ${session.id}: the client's query`,
        proto: client.proto,
        src: client.address,
        ...(server === null ? { dstPort: '53' } : { dst: `${server}:53` }),
        id: query.id,
        response: false,
        ...comparableName(query.name, query.truncated),
        ...(clock !== null && session.time !== null ? { time: epochText(session.time, clock) } : {}),
      });
    }
    if (client?.address && query && reply) {
      rows.push({ what: `session ${session.id}: the reply`, proto: client.proto, ...(server === null ? { srcPort: '53' } : { src: `${server}:53` }), dst: client.address, id: query.id, response: true, rcode: RCODES[reply.rcode] ?? -1 });
    }
    session.attempts.forEach((attempt, index) => {
      const what = `session ${session.id} attempt ${index + 1}`;
      assert.ok(attempt.source && attempt.upstream, `${what}: every fixture's attempts have both addresses (a stand-in would be checked otherwise)`);
      if (!attempt.query) return;
      const base = { proto: attempt.proto, id: attempt.query.id };
      const name = comparableName(attempt.query.name, attempt.query.truncated);
      rows.push({ what: `${what}: query`, ...base, ...name, src: attempt.source, dst: attempt.upstream, response: false });
      if (attempt.outcome === 'answer') {
        rows.push({ what: `${what}: answer`, ...base, src: attempt.upstream, dst: attempt.source, response: true, rcode: RCODES[attempt.rcode ?? ''] ?? -1 });
      }
    });
  }
  return rows;
}

/**
 * The server address of the client legs, read straight from the trace text: the `ipi_addr` of a recvmsg's
 * IP_PKTINFO (under -xx a string of \xNN escapes); null for traces that do not print it (bpftrace, -e trace=…).
 */
function pktinfoDestination(inputs: string[]): string | null {
  for (const input of inputs) {
    const raw = readFileSync(input);
    const text = (input.endsWith('.gz') ? gunzipSync(raw) : raw).toString('latin1');
    const quoted = /ipi_addr=inet_addr\("([^"]+)"\)/.exec(text)?.[1];
    if (quoted !== undefined) return quoted.replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return null;
}

function matches(row: DnsRow, expected: Expected): boolean {
  for (const key of ['time', 'proto', 'src', 'dst', 'id', 'response', 'name', 'rcode'] as const) {
    if (expected[key] !== undefined && row[key] !== expected[key]) return false;
  }
  if (expected.dstPort !== undefined && portOf(row.dst) !== expected.dstPort) return false;
  if (expected.srcPort !== undefined && portOf(row.src) !== expected.srcPort) return false;
  return true;
}

function readExpected(fixture: ReplayFixture): { sessions: SessionRecord[]; summary: SummaryRecord } {
  const records = readFileSync(join(fixture.dir, 'expected.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SessionRecord | SummaryRecord);
  return { sessions: records.filter((r): r is SessionRecord => r.type === 'session'), summary: records.find((r): r is SummaryRecord => r.type === 'summary')! };
}

if (mustFail) {
  test('tshark is installed (CI=true)', () => assert.fail(`cannot check the pcap output with Wireshark's dissectors: ${unmet} (apt-get install tshark)`));
} else {
  // Fixtures run side by side: each waits on ns53 and tshark processes.
  describe('replay --pcap, read back by tshark', { skip: unmet ? `${unmet}: install tshark to check the pcap output` : false, concurrency: 4 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns53-pcap-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const fixtures = replayFixtures();
    test('fixtures are found', () => assert.ok(fixtures.length >= 30, `${fixtures.length} fixtures`));

    for (const fixture of fixtures) {
      test(fixture.name, async () => {
        const file = join(dir, `${fixture.name}.pcapng`);
        const { stderr } = await run(process.execPath, [MAIN, 'replay', '--format', 'ndjson', '--pcap', file, ...fixture.inputs], { cwd: REPO_ROOT, maxBuffer: 1 << 26 });
        const { sessions, summary } = readExpected(fixture);
        const wrote = /ns53: wrote (\d+) packets? \((\d+) sessions?\) to /.exec(stderr);
        assert.ok(wrote, stderr);
        assert.equal(Number(wrote[2]), sessions.length, 'every session reaches the pcap');
        assert.ok(Number(wrote[1]) > 0, `${fixture.name} has sessions with syscall payloads, so it must give packets`);

        // Two passes of tshark (each costs most of a second): the brief's DNS listing, with the ICMP fields
        // appended (`dns` also matches an ICMP error quoting a query), then resets and complaints.
        const [listing, others] = await Promise.all([
          tshark(file, 'dns', [...DNS_FIELDS, 'icmp.type', 'icmp.code', 'icmpv6.type', 'icmpv6.code']),
          tshark(file, 'tcp.flags.reset == 1 || _ws.malformed || _ws.expert.severity >= warning', ['tcp.flags.reset', 'dns.retransmission', 'frame.number', '_ws.expert.message'], 'a'),
        ]);
        const isIcmp = (fields: string[]): boolean => Boolean(fields[14] || fields[16]);
        const dnsFields = listing.filter((fields) => !isIcmp(fields));
        // ip.src, ipv6.src, ip.dst, ipv6.dst, icmp type/code, icmpv6 type/code, then the quoted UDP ports.
        const icmp = listing.filter(isIcmp).map((f) => [f[1], f[2], f[3], f[4], f[14], f[15], f[16], f[17], f[5], f[6]]);
        const rst = others.filter(([reset]) => reset === '1' || reset === 'True');
        const flagged = others.filter(([reset]) => !(reset === '1' || reset === 'True'));
        const rows = dnsFields.map(dnsRowOf);
        for (const expected of expectedDns(sessions, summary.clock, pktinfoDestination(fixture.inputs))) {
          const index = rows.findIndex((row) => matches(row, expected));
          assert.ok(index >= 0, `${expected.what}: no DNS packet with ${JSON.stringify(expected)} among\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
          rows.splice(index, 1);
        }

        // ECONNREFUSED: UDP gets the ICMP port unreachable quoting its query; TCP the RST to its SYN.
        const refused = sessions.flatMap((s) => s.attempts).filter((a) => a.errno === 'ECONNREFUSED');
        const udpRefused = refused.filter((a) => a.proto === 'udp');
        assert.equal(icmp.length, udpRefused.length, 'one ICMP error per refused UDP attempt');
        for (const attempt of udpRefused) {
          const found = icmp.some(([ip4s = '', ip6s = '', ip4d = '', ip6d = '', type, code, type6, code6, sport, dport]) =>
            endpoint(ip4s.split(',')[0]!, ip6s.split(',')[0]!, portOf(attempt.upstream!)) === attempt.upstream &&
            endpoint(ip4d.split(',')[0]!, ip6d.split(',')[0]!, portOf(attempt.source!)) === attempt.source &&
            (ip6s ? type6 === '1' && code6 === '4' : type === '3' && code === '3') &&
            sport === portOf(attempt.source!) && dport === portOf(attempt.upstream!),
          );
          assert.ok(found, `no port unreachable for ${attempt.source} → ${attempt.upstream} among ${JSON.stringify(icmp)}`);
        }
        assert.equal(rst.length, refused.length - udpRefused.length, 'one RST per refused TCP attempt');

        // Nothing malformed, no bad checksum. The one warning expected: tshark flags a client's retry of the
        // same query (same id and question) as a retransmission, which it is.
        const unexplained = flagged.filter(([, retransmission]) => retransmission !== '1' && retransmission !== 'True');
        assert.deepEqual(unexplained, [], 'tshark finds no malformed packet and no warning other than DNS retransmissions');
      });
    }
  });
}
