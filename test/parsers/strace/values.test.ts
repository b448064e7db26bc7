import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeCString,
  decodeCStringText,
  fieldOf,
  integerOf,
  parseArgs,
  parseFdDecoration,
  readPacketDestination,
  readSocketAddress,
} from '../../../parsers/strace/index.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

test('C strings: octal (shortest form), C escapes, hex, truncation', () => {
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['"\\0001\\08\\1777"', bytes(0, 0x31, 0, 0x38, 0x7f, 0x37), false],
    ['"tab\\there\\nnl\\rcr\\vvt\\ffeed\\33[0m\\0"', Uint8Array.from(Buffer.from('tab\there\nnl\rcr\vvt\ffeed\x1b[0m\0', 'latin1')), false],
    ['"\\x74\\x61\\x62\\x09"', Uint8Array.from(Buffer.from('tab\t', 'latin1')), false],
    ['"caf\\303\\251"', bytes(0x63, 0x61, 0x66, 0xc3, 0xa9), false],
    ['"plain \\"q\\" \\\\ \'s\'"...', Uint8Array.from(Buffer.from('plain "q" \\ \'s\'', 'latin1')), true],
    ['""...', bytes(), true],
    ['"\\354z\\1\\0"', bytes(0xec, 0x7a, 1, 0), false],
    ['@"abstract-name"', Uint8Array.from(Buffer.from('abstract-name')), false],
  ];
  for (const [text, expected, truncated] of cases) {
    const decoded = decodeCString(text);
    assert.ok(decoded, text);
    assert.deepEqual([...decoded.bytes], [...expected], text);
    assert.equal(decoded.truncated, truncated, text);
  }
  assert.equal(decodeCString('0xc001047400'), null);
  assert.equal(decodeCString('"unterminated')?.truncated, true);
  assert.equal(decodeCStringText('"10.77.0.2"'), '10.77.0.2');
});

test('arguments split at top-level commas only: not in strings, brackets, decorations or comments', () => {
  const args = parseArgs('61<UNIX-STREAM:[1->2,"/run/a,b"]>, "a, b", {x=1, y=[2, 3]}, 0x7ffd /* 35 vars, really */, f(1, 2)');
  assert.equal(args.length, 5);
  assert.deepEqual(args[0], { kind: 'fd', fd: 61, decoration: 'UNIX-STREAM:[1->2,"/run/a,b"]' });
  assert.equal(decodeCStringText((args[1] as { text: string; start: number }).text, (args[1] as { start: number }).start), 'a, b');
  assert.equal(integerOf(fieldOf(args[2], 'x')), 1);
  assert.equal(integerOf(args[3]), 0x7ffd);
  assert.equal(args[4]?.kind, 'call');
  assert.deepEqual(parseArgs(''), []);
});

test('expressions that are not one term stay text', () => {
  const [wait, product, indexed] = parseArgs('[{WIFEXITED(s) && WEXITSTATUS(s) == 7}], 8192*1024, [[IDX]=0, [2]=1]');
  assert.deepEqual(wait, { kind: 'array', items: [{ kind: 'struct', fields: [{ name: null, value: { kind: 'atom', text: 'WIFEXITED(s) && WEXITSTATUS(s) == 7' } }] }] });
  assert.deepEqual(product, { kind: 'atom', text: '8192*1024' });
  assert.deepEqual(indexed, { kind: 'array', items: [{ kind: 'atom', text: '[IDX]=0' }, { kind: 'atom', text: '[2]=1' }] });
  const [clone] = parseArgs('{flags=CLONE_VM, exit_signal=0} => {parent_tid=[13134]}, 88');
  assert.equal(clone?.kind, 'inout');
});

test('argument values: structs, arrays, calls, decorated fds, in/out pairs, -N names', () => {
  const args = parseArgs('40<UDP:[24811]>, {msg_name={sa_family=AF_INET, sin_port=htons(57679), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=112 => 16, msg_iov=[{iov_base="ab", iov_len=512}]}, 0');
  assert.equal(args.length, 3);
  assert.deepEqual(args[0], { kind: 'fd', fd: 40, decoration: 'UDP:[24811]' });
  const namelen = fieldOf(args[1], 'msg_namelen');
  assert.equal(namelen?.kind, 'inout');
  assert.equal(integerOf(namelen), 16);
  assert.deepEqual(readSocketAddress(fieldOf(args[1], 'msg_name')), { family: 'inet', ip: '127.0.0.1', port: 57679 });
  const named = parseArgs('fd=3, buf="wake", count=16');
  assert.equal(integerOf(named[0]), 3);
  assert.equal(integerOf(named[2]), 16);
  assert.equal(integerOf(parseArgs('[112 => 16]')[0]), 16);
});

test('socket addresses: IPv4, IPv6 (unnamed inet_pton member), unix, hex strings under -xx', () => {
  const [v4] = parseArgs('{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}');
  assert.deepEqual(readSocketAddress(v4), { family: 'inet', ip: '10.77.0.2', port: 53 });
  const [v6] = parseArgs('{sa_family=AF_INET6, sin6_port=htons(46054), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}');
  assert.deepEqual(readSocketAddress(v6), { family: 'inet6', ip: '::1', port: 46054 });
  const [xx] = parseArgs('{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("\\x31\\x30\\x2e\\x37\\x37\\x2e\\x30\\x2e\\x32")}');
  assert.deepEqual(readSocketAddress(xx), { family: 'inet', ip: '10.77.0.2', port: 53 });
  const [unix] = parseArgs('{sa_family=AF_UNIX, sun_path=@"abstract-name"}');
  assert.deepEqual(readSocketAddress(unix), { family: 'unix', path: 'abstract-name' });
  assert.equal(readSocketAddress(parseArgs('NULL')[0]), null);
});

test('fd decorations: sockets in other namespaces (inode only), endpoints, netns, paths', () => {
  assert.deepEqual(parseFdDecoration('UDP:[61676]'), { kind: 'socket', protocol: 'udp', family: 'inet', inode: 61676, local: null, remote: null });
  assert.deepEqual(parseFdDecoration('UDP:[127.0.0.1:59670->127.0.0.1:37102]'), {
    kind: 'socket',
    protocol: 'udp',
    family: 'inet',
    inode: null,
    local: { family: 'inet', ip: '127.0.0.1', port: 59670 },
    remote: { family: 'inet', ip: '127.0.0.1', port: 37102 },
  });
  const v6 = parseFdDecoration('TCPv6:[[::1]:39903->[::1]:55360]');
  assert.equal(v6.kind === 'socket' && v6.remote?.ip, '::1');
  const legacyV6 = parseFdDecoration('TCPv6:[::1:40001->::1:22]');
  assert.equal(legacyV6.kind === 'socket' && legacyV6.remote?.port, 22);
  assert.deepEqual(parseFdDecoration('net:[4026532177]'), { kind: 'netns', inode: 4026532177 });
  assert.deepEqual(parseFdDecoration('/var/run/docker/netns/6d527838845f'), { kind: 'path', path: '/var/run/docker/netns/6d527838845f' });
  assert.deepEqual(parseFdDecoration('\\x2f\\x72\\x75\\x6e'), { kind: 'path', path: '/run' });
  assert.deepEqual(parseFdDecoration('/tmp/we\\74i\\76rd'), { kind: 'path', path: '/tmp/we<i>rd' });
  assert.equal(parseFdDecoration('socket:[27824]').kind, 'socket');
  assert.equal(parseFdDecoration('UNIX-STREAM:[61555->61553,"/var/run/docker.sock"]').kind, 'socket');
  assert.deepEqual(parseFdDecoration('pipe:[37581]'), { kind: 'other', text: 'pipe:[37581]' });
});

test('a datagram’s destination from recvmsg’s msg_control: IP_PKTINFO ipi_addr, IPV6_PKTINFO ipi6_addr, nothing else', () => {
  // As dockerd's DNS server receives a query (fixtures/replay/api-only--ttt-T-yy, strace 6.1 -yy).
  const [v4] = parseArgs(
    '[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=if_nametoindex("lo"), ipi_spec_dst=inet_addr("127.0.0.11"), ipi_addr=inet_addr("127.0.0.11")}}]',
  );
  assert.equal(readPacketDestination(v4), '127.0.0.11');
  const [v6] = parseArgs('[{cmsg_len=36, cmsg_level=SOL_IPV6, cmsg_type=IPV6_PKTINFO, cmsg_data={ipi6_addr=inet_pton(AF_INET6, "fd00::11"), ipi6_ifindex=if_nametoindex("lo")}}]');
  assert.equal(readPacketDestination(v6), 'fd00::11');
  const [other] = parseArgs('[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMP_OLD, cmsg_data={tv_sec=1, tv_usec=2}}]');
  assert.equal(readPacketDestination(other), null);
  assert.equal(readPacketDestination(parseArgs('NULL')[0]), null);
});
