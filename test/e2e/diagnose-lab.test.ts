import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BlockingRule } from '../../src/diagnose/blocking-rule.js';
import type { SessionRecord } from '../../src/sessions/index.js';
import { lab, prerequisitesVerdict } from '../support/lab.js';
import { Ns53Process } from '../support/ns53-process.js';

/**
 * `ns53 diagnose` on a real dockerd (the lab), with each of the lab's FORWARD rules in place in turn
 * (`lab.sh rule`): it must name the failing path, its outcome and the rule (chain and position, with counters that
 * caught the probe), and with no rule report every path healthy and exit 0. Both backends trace the probe.
 */

const { unmet, mustFail } = prerequisitesVerdict();
const LAB_DIR = process.env['NS53_LAB_DIR'] ?? `/tmp/${process.env['NS53_LAB_NAME'] ?? 'ns53'}-lab`;
const NAME = 'www.example.test';

interface PathRecord {
  type: 'diagnose-path';
  kind: 'embedded' | 'host' | 'container';
  from: string;
  server: string;
  source: string | null;
  outcome: string;
  errno: string | null;
  rcode: string | null;
  resolved: boolean;
}
interface DiagnosisRecord {
  type: 'diagnosis';
  healthy: boolean;
  verdict: string[];
  fixes: { title: string; how: string }[];
  container: { name: string; ip: string };
}

interface DiagnoseRun {
  code: number | null;
  stdout: string;
  stderr: string;
  paths: PathRecord[];
  sessions: SessionRecord[];
  rules: BlockingRule[];
  diagnosis: DiagnosisRecord | undefined;
}

async function diagnose(dockerd: number, container: string, backend: 'strace' | 'bpftrace', format: 'ndjson' | 'text' = 'ndjson', extra: string[] = []): Promise<DiagnoseRun> {
  const ns53 = new Ns53Process([
    'diagnose',
    '--container',
    container,
    '--name',
    NAME,
    '--pid',
    String(dockerd),
    '--backend',
    backend,
    '--docker-host',
    `unix://${LAB_DIR}/docker.sock`,
    '--format',
    format,
    ...extra,
  ]);
  const exit = await ns53.waitForExit(90_000);
  const records = format === 'ndjson' ? exit.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string }) : [];
  return {
    code: exit.code,
    stdout: exit.stdout,
    stderr: exit.stderr,
    paths: records.filter((record): record is PathRecord => record.type === 'diagnose-path'),
    sessions: records.filter((record): record is SessionRecord => record.type === 'session'),
    rules: records.filter((record) => record.type === 'firewall-rule') as unknown as BlockingRule[],
    diagnosis: records.find((record): record is DiagnosisRecord => record.type === 'diagnosis'),
  };
}

function pathOf(run: DiagnoseRun, kind: PathRecord['kind']): PathRecord {
  const path = run.paths.find((candidate) => candidate.kind === kind);
  assert.ok(path, `a ${kind} path in:\n${run.stdout}\n${run.stderr}`);
  return path;
}

/** A failing container path: embedded silent, traced attempt from the container's namespace failing, host fine, container path failing as `outcome`. */
function assertContainerPathFails(run: DiagnoseRun, container: string, ip: string, outcome: 'refused' | 'timeout'): void {
  assert.equal(run.code, 1, `exit 1 when a path fails:\n${run.stdout}\n${run.stderr}`);
  assert.equal(run.diagnosis?.healthy, false);
  assert.equal(pathOf(run, 'embedded').resolved, false);
  const attempts = run.sessions.flatMap((session) => session.attempts);
  assert.ok(attempts.length >= 1, 'the probe’s forwarding was traced');
  for (const attempt of attempts) {
    assert.equal(attempt.netns.container?.name, container, 'dockerd forwarded from the container’s namespace');
    assert.match(attempt.source ?? '', new RegExp(`^${ip.replace(/\./g, '\\.')}:\\d+$`));
    assert.equal(attempt.upstream, '10.77.0.2:53');
    assert.equal(attempt.outcome, outcome === 'refused' ? 'refused' : 'timeout');
  }
  const host = pathOf(run, 'host');
  assert.equal(host.resolved, true, 'the upstream answers dockerd’s namespace');
  assert.equal(host.rcode, 'NOERROR');
  const direct = pathOf(run, 'container');
  assert.equal(direct.outcome, outcome);
  assert.match(direct.source ?? '', new RegExp(`^${ip.replace(/\./g, '\\.')}:`));
  const words = run.diagnosis!.verdict.join('\n');
  assert.match(words, new RegExp(`from ${container}'s namespace \\(${ip.replace(/\./g, '\\.')}\\) it ${outcome === 'refused' ? 'is refused' : 'gets no answer'}`));
}

/** The one rule `lab.sh rule` put at the top of FORWARD, found with its position and counters that caught the probe. */
function assertRule(run: DiagnoseRun, verdict: 'reject' | 'drop', source: RegExp): void {
  const rule = run.rules.find((candidate) => candidate.chain === 'FORWARD' && candidate.position === 1);
  assert.ok(rule, `the FORWARD rule at position 1 is listed:\n${JSON.stringify(run.rules, null, 1)}`);
  assert.equal(rule.table, 'filter');
  assert.equal(rule.verdict, verdict);
  assert.equal(rule.strength, 'matches');
  assert.match(rule.text, source);
  assert.match(rule.text, /--dport 53/);
  assert.ok(rule.packetsBefore !== null && rule.packetsAfter !== null && rule.packetsAfter > rule.packetsBefore, `its counters caught the probe: ${rule.packetsBefore} → ${rule.packetsAfter}`);
  assert.match(run.diagnosis!.verdict.join('\n'), /A rule on the forwarded path.*filter FORWARD #1/);
  assert.match(run.diagnosis!.fixes[0]?.how ?? '', /^iptables -I FORWARD 1 .*-d 10\.77\.0\.2 -p udp --dport 53 -j ACCEPT/);
}

if (mustFail) {
  test('the diagnose tests have their prerequisites (CI=true)', () => assert.fail(`cannot run them: ${unmet}`));
} else {
  describe('ns53 diagnose in the lab', { skip: unmet, timeout: 900_000 }, () => {
    let dockerd = 0;
    before(() => {
      lab('up');
      dockerd = Number(lab('pid').trim());
    });
    after(() => {
      lab('rule', 'none');
      lab('down');
    });

    test('no rule: every path of web and api is healthy, exit 0 (bpftrace and strace)', async () => {
      lab('rule', 'none');
      for (const [container, backend] of [['web', 'bpftrace'], ['api', 'strace']] as const) {
        const run = await diagnose(dockerd, container, backend);
        assert.equal(run.code, 0, `${container}:\n${run.stdout}\n${run.stderr}`);
        assert.equal(run.diagnosis?.healthy, true);
        assert.deepEqual(
          run.paths.map((path) => [path.kind, path.resolved]),
          [
            ['embedded', true],
            ['host', true],
            ['container', true],
          ],
        );
        assert.match(run.diagnosis!.verdict[0]!, new RegExp(`^All paths are healthy: ${container}'s query through 127\\.0\\.0\\.11 was answered NOERROR`));
        assert.equal(run.sessions.length, 1, 'the probe’s session was traced');
        assert.equal(run.sessions[0]!.attempts[0]?.outcome, 'answer');
        assert.deepEqual(run.rules, []);
        assert.deepEqual(run.diagnosis!.fixes, []);
      }
    });

    test('REJECT of the bridge subnet: web’s path is refused, the rule is FORWARD #1, and --pcap shows it to tshark', async () => {
      lab('rule', 'reject');
      const dir = mkdtempSync(join(tmpdir(), 'ns53-diagnose-'));
      try {
        const pcap = join(dir, 'probe.pcapng');
        const run = await diagnose(dockerd, 'web', 'bpftrace', 'ndjson', ['--pcap', pcap]);
        assertContainerPathFails(run, 'web', '172.18.0.2', 'refused');
        assertRule(run, 'reject', /-s 172\.18\.0\.0\/16 .*-j REJECT/);
        assert.match(run.stderr, /ns53: wrote \d+ packets? \(\d+ sessions?\) to /);
        // The traced attempt, as Wireshark sees it: the query leaving as web's address, and the ICMP it got back.
        const attempt = run.sessions.flatMap((session) => session.attempts)[0]!;
        const [ip, port] = attempt.source!.split(':');
        const fields = ['-T', 'fields', '-E', 'separator=/t', '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'dns.id', '-e', 'dns.qry.name'];
        const query = execFileSync('tshark', ['-r', pcap, '-Y', `dns && !icmp && ip.src == ${ip} && udp.srcport == ${port}`, ...fields], { encoding: 'utf8' });
        assert.equal(query.trim(), `${ip}\t${port}\t0x${attempt.query!.id.toString(16).padStart(4, '0')}\t${NAME}`);
        const icmp = execFileSync('tshark', ['-r', pcap, '-Y', `icmp.type == 3 && icmp.code == 3 && ip.dst == ${ip}`, '-T', 'fields', '-e', 'ip.dst'], { encoding: 'utf8' });
        assert.equal(icmp.trim().split('\n').length, 1, `one port unreachable for the refused attempt:\n${icmp}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the text report of the same failure, traced with strace, names path, outcome and rule', async () => {
      lab('rule', 'reject');
      const run = await diagnose(dockerd, 'web', 'strace', 'text');
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /web's namespace \(172\.18\.0\.2\) → 10\.77\.0\.2:53 +refused \(ECONNREFUSED\) as 172\.18\.0\.2:\d+/);
      assert.match(run.stdout, /dockerd's namespace → 10\.77\.0\.2:53 +answered NOERROR/);
      assert.match(run.stdout, /└ traced: dockerd forwarded it from web's namespace as 172\.18\.0\.2:\d+ → 10\.77\.0\.2:53 udp: ECONNREFUSED/);
      assert.match(run.stdout, /filter FORWARD #1 +-A FORWARD -s 172\.18\.0\.0\/16 -p udp -m udp --dport 53 -j REJECT/);
      assert.match(run.stdout, /2 of 3 paths fail \(exit 1\)/);
    });

    test('--proto tcp under the same UDP-only REJECT: every path answers over TCP, and dockerd forwards it over TCP', async () => {
      lab('rule', 'reject');
      const run = await diagnose(dockerd, 'web', 'bpftrace', 'ndjson', ['--proto', 'tcp']);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.deepEqual(run.paths.map((path) => [path.kind, path.resolved]), [['embedded', true], ['host', true], ['container', true]]);
      const attempts = run.sessions.flatMap((session) => session.attempts);
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]!.proto, 'tcp');
      assert.equal(attempts[0]!.netns.container?.name, 'web');
      assert.deepEqual(run.rules, [], 'the UDP rule is not blamed for TCP');
    });

    test('DROP: web’s path is silent, and the rule is FORWARD #1', async () => {
      lab('rule', 'drop');
      const run = await diagnose(dockerd, 'web', 'bpftrace');
      assertContainerPathFails(run, 'web', '172.18.0.2', 'timeout');
      assertRule(run, 'drop', /^-A FORWARD -p udp -m udp --dport 53 -j DROP$/);
    });

    test('REJECT of api only: api fails on its rule, web stays healthy', async () => {
      lab('rule', 'api-only');
      const api = await diagnose(dockerd, 'api', 'strace');
      assertContainerPathFails(api, 'api', '172.18.0.3', 'refused');
      assertRule(api, 'reject', /-s 172\.18\.0\.3(\/32)? .*-j REJECT/);
      const web = await diagnose(dockerd, 'web', 'bpftrace');
      assert.equal(web.code, 0, `${web.stdout}\n${web.stderr}`);
      assert.equal(web.diagnosis?.healthy, true);
    });

    test('the DNAT in web’s own namespace flushed: the query never reaches dockerd, diagnose says why, and the restart it offers fixes it', async () => {
      lab('rule', 'none');
      const docker = (...args: string[]): string =>
        execFileSync(process.env['NS53_DOCKER'] ?? 'docker', ['-H', `unix://${LAB_DIR}/docker.sock`, ...args], { encoding: 'utf8', timeout: 60_000 }).trim();
      const pid = docker('inspect', '-f', '{{.State.Pid}}', 'web');
      // What a firewall started inside the container does to Docker's rules (docker-dns.md §7).
      execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'iptables', '-w', '10', '-t', 'nat', '-F', 'DOCKER_OUTPUT']);
      try {
        const run = await diagnose(dockerd, 'web', 'strace');
        assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
        const own = pathOf(run, 'embedded');
        assert.equal(own.outcome, 'refused', 'nothing listens on 127.0.0.11:53 itself');
        assert.deepEqual(run.sessions, [], 'dockerd never saw the query');
        assert.ok(run.paths.filter((path) => path.kind !== 'embedded').every((path) => path.resolved), 'the upstream answers from both namespaces');
        assert.match(run.diagnosis!.verdict.join('\n'), /web's namespace has no DNAT rule for 127\.0\.0\.11:53/);
        assert.equal(run.diagnosis!.fixes[0]?.how, 'docker restart web');
      } finally {
        docker('restart', 'web');
      }
      const again = await diagnose(dockerd, 'web', 'strace');
      assert.equal(again.code, 0, `after docker restart web:\n${again.stdout}\n${again.stderr}`);
    });

    test('without root it says what it needs, exit 77, before looking for anything', async () => {
      const ns53 = new Ns53Process(['diagnose', '--container', 'web', '--pid', String(dockerd)], { uid: 65534, gid: 65534 });
      const exit = await ns53.waitForExit(30_000);
      assert.equal(exit.code, 77, exit.stderr);
      assert.match(exit.stderr, /^ns53: diagnose needs root \(CAP_SYS_ADMIN\): .*run it with sudo \[E_ATTACH_DENIED\]\n$/);
    });

    test('an unknown container is a usage error that lists the running ones', async () => {
      const run = await diagnose(dockerd, 'nosuch', 'strace');
      assert.equal(run.code, 64);
      assert.match(run.stderr, /--container nosuch: no running container by that name or id \(running: (web, api|api, web)\)/);
    });
  });
}
