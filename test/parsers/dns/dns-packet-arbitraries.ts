// fast-check generators of valid DNS messages in dns-packet's input shape, to be encoded by
// dns-packet and decoded by both decoders.

import { Buffer } from 'node:buffer';

import fc from 'fast-check';

/** A packet as dns-packet.encode takes it (kept loose: its typings do not know UNKNOWN_<n> types). */
export interface LoosePacket {
  type: 'query' | 'response';
  id: number;
  flags: number;
  questions: { name: string; type: string; class: string }[];
  answers: Record<string, unknown>[];
  authorities: Record<string, unknown>[];
  additionals: Record<string, unknown>[];
}

const hostnameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'.split(''));
/** Printable ASCII but the dot, which dns-packet would take for a label separator; includes space and backslash. */
const oddChar = fc.integer({ min: 0x20, max: 0x7e }).filter((code) => code !== 0x2e).map((code) => String.fromCharCode(code));

const hostnameLabel = fc.string({ unit: hostnameChar, minLength: 1, maxLength: 20 });
const oddLabel = fc.string({ unit: oddChar, minLength: 1, maxLength: 12 });

/** Names dns-packet encodes and decodes faithfully (its SOA rname handling mangles backslashes, so these have none). */
export const hostname = fc.array(hostnameLabel, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const anyName = fc.oneof(
  { weight: 4, arbitrary: hostname },
  { weight: 1, arbitrary: fc.constant('.') },
  { weight: 2, arbitrary: fc.array(oddLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')) },
);

const uint16 = fc.integer({ min: 0, max: 0xffff });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 30 });

/** Zero-heavy groups so the `::` compression and the IPv4-mapped form get exercised. */
const ipv6Group = fc.oneof(fc.constant(0), fc.constant(0xffff), uint16);
const ipv6 = fc.array(ipv6Group, { minLength: 8, maxLength: 8 }).map((groups) => groups.map((group) => group.toString(16)).join(':'));
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((octets) => octets.join('.'));
const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));

/** Types we render generically and dns-packet passes through as bytes. */
const genericTypeCode = fc.oneof(fc.constantFrom(64, 65, 256), fc.integer({ min: 1000, max: 30000 }));

/** [dns-packet type, data] for every type the decoder renders, plus generic ones. */
const typeAndData: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant('A'), ipv4),
  fc.tuple(fc.constant('AAAA'), ipv6),
  fc.tuple(fc.constantFrom('NS', 'CNAME', 'PTR'), anyName),
  fc.tuple(fc.constant('MX'), fc.record({ preference: uint16, exchange: anyName })),
  fc.tuple(fc.constant('TXT'), fc.array(bytes(40), { minLength: 1, maxLength: 3 })),
  fc.tuple(fc.constant('SRV'), fc.record({ priority: uint16, weight: uint16, port: uint16, target: anyName })),
  fc.tuple(
    fc.constant('SOA'),
    fc.record({ mname: anyName, rname: hostname, serial: uint32, refresh: uint32, retry: uint32, expire: uint32, minimum: uint32 }),
  ),
  fc.tuple(
    fc.constant('CAA'),
    fc.record({ flags: fc.constantFrom(0, 128), tag: fc.string({ unit: hostnameChar, minLength: 1, maxLength: 15 }), value: printable }),
  ),
  fc.tuple(fc.constant('HINFO'), fc.record({ cpu: printable, os: printable })),
  fc.tuple(genericTypeCode.map((code) => `UNKNOWN_${code}`), bytes(30)),
);

const className = fc.constantFrom('IN', 'IN', 'CH', 'HS', 'ANY');

const answer = fc
  .record({ name: anyName, typeAndData, class: className, ttl: uint32 })
  .map(({ name, typeAndData: [type, data], class: klass, ttl }) => ({ name, type, class: klass, ttl, data }));

const question = fc.record({
  name: anyName,
  // dns-packet maps UNKNOWN_<n> to any code n, known to it or not.
  type: fc.oneof(fc.constantFrom(1, 2, 5, 6, 12, 15, 16, 28, 33, 43, 46, 47, 48, 64, 65, 252, 255, 257), uint16).map((code) => `UNKNOWN_${code}`),
  class: className,
});

/** Option codes dns-packet does not try to parse (it throws on some malformed ECS/KEY-TAG data). */
const optionCode = fc.constantFrom(3, 9, 10, 12, 15, 65001);

const optRecord = fc
  .record({
    udpPayloadSize: uint16,
    extendedRcode: fc.integer({ min: 0, max: 255 }),
    ednsVersion: fc.integer({ min: 0, max: 255 }),
    flags: uint16,
    options: fc.array(fc.record({ code: optionCode, data: bytes(12) }), { maxLength: 3 }),
  })
  .map((fields) => ({ name: '.', type: 'OPT', ...fields }));

/** A valid message: random id and flags (opcode, Z and rcode included), sections of every type, OPT or not. */
export const loosePacket: fc.Arbitrary<LoosePacket> = fc
  .record({
    isResponse: fc.boolean(),
    id: uint16,
    flags: fc.integer({ min: 0, max: 0x7fff }),
    questions: fc.array(question, { maxLength: 2 }),
    answers: fc.array(answer, { maxLength: 4 }),
    authorities: fc.array(answer, { maxLength: 2 }),
    additionals: fc.array(answer, { maxLength: 2 }),
    opt: fc.option(fc.tuple(optRecord, fc.boolean()), { nil: null }),
  })
  .map(({ isResponse, opt, additionals, ...rest }) => ({
    ...rest,
    type: isResponse ? 'response' : 'query',
    additionals: opt === null ? additionals : opt[1] ? [opt[0], ...additionals] : [...additionals, opt[0]],
  }));
