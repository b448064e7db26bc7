// Builds fixtures/replay/tui-hostile-names/trace.strace: dockerd forwarding queries whose names carry
// terminal escapes, blessed tags, control bytes, invalid UTF-8, wide characters and the longest legal name.
// Each session is the 14 lines of one forwarded query in fixtures/replay/live-nxdomain/trace.strace (same
// thread, sockets and namespaces), with the DNS bytes rebuilt and quoted as strace 6.1 quotes them.
// test/sinks/tui/hostile-names.test.ts checks that the committed trace is exactly what this builds; rebuild it
// with `UPDATE_GOLDEN=1`.

import { quoteBytes } from '../bench/strace-quote.js';

/** A label given as text is its UTF-8 bytes; as numbers, those bytes (which need not be UTF-8). */
type Label = string | readonly number[];

/** One query: its name's labels and, optionally, a CNAME the upstream answers with instead of NXDOMAIN. */
export interface HostileQuery {
  why: string;
  labels: readonly Label[];
  cname?: readonly Label[];
}

/** 250 label octets in four labels, plus four length octets and the root: 255, the RFC 1035 maximum. */
function longestName(): Label[] {
  const pattern = Buffer.from('\x1b[2J{bold}\x07\xff', 'latin1');
  const fill = (length: number, from: number): number[] =>
    Array.from({ length }, (_, i) => pattern[(from + i) % pattern.length]!);
  return [fill(63, 0), fill(63, 63), fill(63, 126), fill(61, 189)];
}

export const HOSTILE_QUERIES: readonly HostileQuery[] = [
  { why: 'CSI: clear screen, cursor home, colours', labels: ['\x1b[2J\x1b[H', '\x1b[31mred\x1b[0m', 'example'] },
  { why: 'OSC: window title ended by BEL, hyperlink ended by ST', labels: ['\x1b]0;pwned\x07', '\x1b]8;;http://evil.test/\x1b\\click\x1b]8;;\x1b\\', 'example'] },
  { why: 'C0 and C1 controls: BEL, backspaces, NUL, CR, DEL, one-byte CSI', labels: ['bell\x07', 'back\x08\x08\x08up', 'nul\x00byte', 'cr\rlf\n', 'del\x7f', [0x9b, 0x32, 0x4a], 'example'] },
  { why: 'blessed tags and alignment markers', labels: ['{red-fg}x{/red-fg}', '{bold}', '{/}', '{escape}', '{open}', '{|}', '{center}', 'a.b\\c', 'example'], cname: ['{blink}\x1b[5m', '{/escape}', 'example'] },
  { why: 'bytes that are not UTF-8', labels: [[0xff, 0xfe], [0xc3, 0x28], [0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], 'example'] },
  { why: 'wide and combining characters (UTF-8 labels)', labels: ['中文', '例え', 'テスト', 'ｅｘａｍｐｌｅ', '😀', 'cafe\u0301', 'example'] },
  { why: 'the longest legal name, all of it escapes', labels: longestName() },
];

function labelBytes(label: Label): number[] {
  return typeof label === 'string' ? [...Buffer.from(label, 'utf8')] : [...label];
}

function nameBytes(labels: readonly Label[]): number[] {
  const out: number[] = [];
  for (const label of labels) {
    const bytes = labelBytes(label);
    if (bytes.length < 1 || bytes.length > 63) throw new Error(`label of ${bytes.length} octets`);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  if (out.length > 255) throw new Error(`name of ${out.length} octets`);
  return out;
}

const u16 = (value: number): number[] => [(value >>> 8) & 0xff, value & 0xff];

function dnsQuery(id: number, query: HostileQuery): number[] {
  return [...u16(id), 0x01, 0x00, ...u16(1), ...u16(0), ...u16(0), ...u16(0), ...nameBytes(query.labels), ...u16(1), ...u16(1)];
}

/** NXDOMAIN, or NOERROR with one CNAME answer whose owner points at the question name (offset 12). */
function dnsResponse(id: number, query: HostileQuery): number[] {
  const question = [...nameBytes(query.labels), ...u16(1), ...u16(1)];
  if (!query.cname) return [...u16(id), 0x81, 0x83, ...u16(1), ...u16(0), ...u16(0), ...u16(0), ...question];
  const target = nameBytes(query.cname);
  const answer = [0xc0, 0x0c, ...u16(5), ...u16(1), 0, 0, 0x0e, 0x10, ...u16(target.length), ...target];
  return [...u16(id), 0x81, 0x80, ...u16(1), ...u16(1), ...u16(0), ...u16(0), ...question, ...answer];
}

const TID = 10727;
const LISTENER = '31<UDP:[1609374]>';
const DOCKERD_NETNS = '19<net:[4026532467]>';
const SANDBOX = '/var/run/docker/netns/e22ce464dfc1';

function seconds(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

function sessionLines(index: number, query: HostileQuery, start: number): string[] {
  const id = 0x4e00 + index;
  const clientPort = 33523 + index;
  const sourcePort = 59600 + index;
  const upstream = `49<UDP:[${1612090 + index}]>`;
  const sandbox = `48<${SANDBOX}>`;
  const request = dnsQuery(id, query);
  const reply = dnsResponse(id, query);
  const pktinfo = (dst: string, addr: string, ifindex: string): string =>
    `msg_control=[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=${ifindex}, ipi_spec_dst=inet_addr("${dst}"), ipi_addr=inet_addr("${addr}")}}], msg_controllen=32, msg_flags=0}`;
  const client = `{sa_family=AF_INET, sin_port=htons(${clientPort}), sin_addr=inet_addr("127.0.0.1")}`;
  const calls: [number, string, number][] = [
    [0, `recvmsg(${LISTENER}, {msg_name=${client}, msg_namelen=112 => 16, msg_iov=[{iov_base=${quoteBytes(request)}, iov_len=512}], msg_iovlen=1, ${pktinfo('127.0.0.11', '127.0.0.11', 'if_nametoindex("lo")')}, 0) = ${request.length}`, 161],
    [3444, `setns(${DOCKERD_NETNS}, CLONE_NEWNET) = 0`, 145],
    [6619, `openat(AT_FDCWD</>, "${SANDBOX}", O_RDONLY|O_CLOEXEC) = ${sandbox}`, 202],
    [7017, `setns(${sandbox}, CLONE_NEWNET) = 0`, 48],
    [7241, `socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = ${upstream}`, 64],
    [7509, `connect(${upstream}, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}, 16) = 0`, 29],
    [7765, `getsockname(${upstream}, {sa_family=AF_INET, sin_port=htons(${sourcePort}), sin_addr=inet_addr("172.18.0.2")}, [112 => 16]) = 0`, 76],
    [7979, `getpeername(${upstream}, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}, [112 => 16]) = 0`, 21],
    [8112, `setns(${DOCKERD_NETNS}, CLONE_NEWNET) = 0`, 16],
    [8229, `close(${sandbox}) = 0`, 27],
    [8343, `write(${upstream}, ${quoteBytes(request)}, ${request.length}) = ${request.length}`, 435],
    [9451, `read(${upstream}, ${quoteBytes(reply)}, 512) = ${reply.length}`, 2238],
    [12006, `sendmsg(${LISTENER}, {msg_name=${client}, msg_namelen=16, msg_iov=[{iov_base=${quoteBytes(reply)}, iov_len=${reply.length}}], msg_iovlen=1, ${pktinfo('127.0.0.11', '0.0.0.0', '0')}, 0) = ${reply.length}`, 166],
    [12514, `close(${upstream}) = 0`, 32],
  ];
  return calls.map(([offset, call, took]) => `${TID} ${seconds(start + offset)} ${call} <${seconds(took)}>`);
}

/** The whole trace: one forwarded session per hostile query, 100 ms apart. */
export function buildHostileNamesTrace(): string {
  const start = 1795518255869222;
  const lines = HOSTILE_QUERIES.flatMap((query, i) => sessionLines(i, query, start + i * 100_000));
  return lines.join('\n') + '\n';
}
