import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  buildInterfaceNetworks,
  formatIpv6Hex,
  parseFibTrieLocalAddresses,
  parseIfInet6,
  parseRouteTable,
  type NetnsProcFiles,
} from '../../src/sources/netns-addresses.js';
import { repoPath } from '../support/repo-root.js';

/** The three files of one recorded namespace in fixtures/proc-net (see its NOTES.md). */
function recorded(name: string): NetnsProcFiles {
  const read = (file: string): string => readFileSync(repoPath('fixtures', 'proc-net', name, file), 'utf8');
  return { fibTrie: read('fib_trie'), route: read('route'), ifInet6: read('if_inet6') };
}

/** 10.0.0.0 style numbers for expectations. */
const ip = (text: string): number => text.split('.').reduce((value, part) => value * 256 + Number(part), 0);

test('buildInterfaceNetworks: each recorded namespace\'s interfaces and addresses', () => {
  const cases: Array<[string, ReturnType<typeof buildInterfaceNetworks>]> = [
    ['host', [{ name: 'eth0', ipv4: '192.0.2.2', ipv6: 'fd00::2' }]],
    ['container', [{ name: 'eth0', ipv4: '172.18.0.2', ipv6: 'fd00:18::2' }]],
    [
      'two-networks',
      [
        { name: 'eth0', ipv4: '172.18.0.2', ipv6: null },
        { name: 'eth1', ipv4: '172.19.0.3', ipv6: null },
      ],
    ],
    // A /32 address that no connected route covers is reached through the default route's interface.
    ['calico-pod', [{ name: 'eth0', ipv4: '10.244.1.5', ipv6: null }]],
    ['no-network', []],
  ];
  for (const [name, expected] of cases) assert.deepEqual(buildInterfaceNetworks(recorded(name), true), expected, name);
});

test('parseFibTrieLocalAddresses: local /32s of the Main and Local tables, once each, loopback left out', () => {
  assert.deepEqual(parseFibTrieLocalAddresses(recorded('two-networks').fibTrie), ['172.18.0.2', '172.19.0.3']);
  assert.deepEqual(parseFibTrieLocalAddresses(recorded('no-network').fibTrie), []);
  // 127.0.0.0 `/8 host LOCAL` and 172.18.0.0 `/16 link UNICAST` are routes, not addresses.
  assert.deepEqual(parseFibTrieLocalAddresses(recorded('container').fibTrie), ['172.18.0.2']);
});

test('parseFibTrieLocalAddresses: an alias line belongs to the leaf right above it only', () => {
  const text = ['Local:', '  +-- 10.0.0.0/8 2 0 2', '     |-- 10.0.0.1', '        /8 link UNICAST', '        /32 host LOCAL tos=4', '     +-- 10.9.0.0/16 1 0 0', '        /32 host LOCAL', ''].join('\n');
  assert.deepEqual(parseFibTrieLocalAddresses(text), ['10.0.0.1']);
});

test('parseRouteTable: the recorded tables, in little-endian hex', () => {
  assert.deepEqual(parseRouteTable(recorded('host').route, true), [
    { interface: 'eth0', destination: 0, mask: 0 },
    { interface: 'eth0', destination: ip('192.0.2.0'), mask: ip('255.255.255.0') },
  ]);
  assert.deepEqual(parseRouteTable(recorded('calico-pod').route, true), [
    { interface: 'eth0', destination: 0, mask: 0 },
    { interface: 'eth0', destination: ip('169.254.1.1'), mask: ip('255.255.255.255') },
  ]);
  assert.deepEqual(parseRouteTable(recorded('no-network').route, true), []);
});

test('parseRouteTable: a big-endian machine\'s table; routes that are down or malformed are left out', () => {
  const text = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\tAC120000\t00000000\t0001\t0\t0\t0\tFFFF0000\t0\t0\t0',
    'eth1\tAC130000\t00000000\t0000\t0\t0\t0\tFFFF0000\t0\t0\t0',
    'eth2\tnothex!!\t00000000\t0001\t0\t0\t0\tFFFF0000\t0\t0\t0',
    'eth3\tAC140000',
    '',
  ].join('\n');
  assert.deepEqual(parseRouteTable(text, false), [{ interface: 'eth0', destination: ip('172.18.0.0'), mask: ip('255.255.0.0') }]);
});

test('parseIfInet6: the recorded rows, scopes kept for the caller to choose', () => {
  assert.deepEqual(parseIfInet6(recorded('container').ifInet6), [
    { interface: 'peer0', address: 'fe80::308c:d8ff:fec6:4015', scope: 0x20 },
    { interface: 'eth0', address: 'fd00:18::2', scope: 0x00 },
    { interface: 'eth0', address: 'fe80::d420:bff:fe8c:f2f0', scope: 0x20 },
    { interface: 'lo', address: '::1', scope: 0x10 },
  ]);
  assert.deepEqual(parseIfInet6(''), []);
  assert.deepEqual(parseIfInet6('not a row\n0000 01 80 10 80 lo\n'), []);
});

test('formatIpv6Hex: RFC 5952 text', () => {
  const cases: Array<[string, string]> = [
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000000000000000', '::'],
    ['fd000018000000000000000000000002', 'fd00:18::2'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'], // the longer zero run is compressed
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['20010db8000100010001000100010001', '2001:db8:1:1:1:1:1:1'],
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['fe800000000000000000000000000000', 'fe80::'],
  ];
  for (const [hex, text] of cases) assert.equal(formatIpv6Hex(hex), text, hex);
});

test('buildInterfaceNetworks: empty or unreadable files give no networks and do not throw', () => {
  assert.deepEqual(buildInterfaceNetworks({ fibTrie: '', route: '', ifInet6: '' }, true), []);
  assert.deepEqual(buildInterfaceNetworks({ fibTrie: '\0garbage\n|-- 999.1.1.1\n /32 host LOCAL', route: 'x', ifInet6: 'y' }, true), []);
});

test('buildInterfaceNetworks: an IPv4 address no route reaches (its interface is down) is left out', () => {
  const files = recorded('two-networks');
  const routeWithoutEth1 = files.route.split('\n').filter((line) => !line.startsWith('eth1')).join('\n');
  const withoutDefault = routeWithoutEth1.split('\n').filter((line) => !/^eth0\t00000000/.test(line)).join('\n');
  assert.deepEqual(buildInterfaceNetworks({ ...files, route: withoutDefault }, true), [{ name: 'eth0', ipv4: '172.18.0.2', ipv6: null }]);
});
