import type { ContainerNetwork } from '../containers/container-info.js';

/*
 * The addresses of a network namespace's interfaces, from three files /proc/<pid>/net shows for any process:
 * `fib_trie` lists the namespace's local IPv4 addresses but not their interfaces, `route` (the main table) says
 * which interface reaches which IPv4 network, and `if_inet6` lists IPv6 addresses with their interface. That is
 * how ns53 maps a source address to a container when no Engine API names its networks. Samples of all three,
 * recorded from real namespaces, are in fixtures/proc-net.
 */

/** One row of /proc/net/route: an IPv4 network an interface reaches. Addresses are 32-bit numbers, most significant byte first. */
export interface Ipv4Route {
  interface: string;
  destination: number;
  mask: number;
}

/** One row of /proc/net/if_inet6. */
export interface Ipv6InterfaceAddress {
  interface: string;
  /** RFC 5952 text: `fd00:18::2`. */
  address: string;
  /** The kernel's scope: 0x00 global, 0x10 host, 0x20 link. */
  scope: number;
}

/** The text of /proc/<pid>/net/{fib_trie,route,if_inet6}; '' for a file that could not be read. */
export interface NetnsProcFiles {
  fibTrie: string;
  route: string;
  ifInet6: string;
}

const IPV6_SCOPE_GLOBAL = 0x00;
const RTF_UP = 0x0001;
const LOOPBACK_NETWORK = 0x7f000000;
const LOOPBACK_MASK = 0xff000000;

// fib_trie prints each leaf as `|-- <address>` and then one line per prefix stored under that key; a local
// address is the key of a `/32 host LOCAL` line (net/ipv4/fib_trie.c, fib_trie_seq_show).
const FIB_LEAF = /^\s*\|-- (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const FIB_ALIAS = /^\s*\/\d+ /;
const FIB_LOCAL_HOST = /^\s*\/32 host LOCAL(?:\s|$)/;

/** Parses `a.b.c.d` into a 32-bit number; null when it is not a dotted quad. */
function parseIpv4(text: string): number | null {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return null;
  return parts.reduce((value, part) => value * 256 + part, 0);
}

/** `a.b.c.d` for a 32-bit number. */
function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** The namespace's local IPv4 addresses, loopback aside, in the order /proc/net/fib_trie lists them, each once. */
export function parseFibTrieLocalAddresses(text: string): string[] {
  const found = new Set<string>();
  let leaf: string | null = null;
  for (const line of text.split('\n')) {
    const key = FIB_LEAF.exec(line)?.[1];
    if (key !== undefined) leaf = key;
    else if (!FIB_ALIAS.test(line)) leaf = null;
    else if (leaf !== null && FIB_LOCAL_HOST.test(line)) {
      const value = parseIpv4(leaf);
      if (value !== null && ((value & LOOPBACK_MASK) >>> 0) !== LOOPBACK_NETWORK) found.add(leaf);
    }
  }
  return [...found];
}

/** A 32-bit hex field of /proc/net/route, which the kernel prints in the host's byte order. */
function parseRouteAddress(hex: string, littleEndian: boolean): number | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  const value = parseInt(hex, 16);
  if (!littleEndian) return value;
  return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
}

/**
 * The routes of /proc/net/route that are up. `littleEndian` is the byte order of the machine that wrote the file
 * (`os.endianness() === 'LE'` for this one).
 */
export function parseRouteTable(text: string, littleEndian: boolean): Ipv4Route[] {
  const routes: Ipv4Route[] = [];
  for (const line of text.split('\n')) {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT; interface names hold no blanks.
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const destination = parseRouteAddress(fields[1]!, littleEndian);
    const mask = parseRouteAddress(fields[7]!, littleEndian);
    const flags = /^[0-9A-Fa-f]{4}$/.test(fields[3]!) ? parseInt(fields[3]!, 16) : 0;
    if (destination === null || mask === null || (flags & RTF_UP) === 0) continue;
    routes.push({ interface: fields[0]!, destination, mask });
  }
  return routes;
}

/** RFC 5952 text for 32 hex digits: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6Hex(hex: string): string {
  const groups = (hex.match(/.{4}/g) ?? []).map((group) => parseInt(group, 16).toString(16));
  let runStart = -1;
  let runLength = 0;
  for (let start = 0; start < groups.length; ) {
    let end = start;
    while (end < groups.length && groups[end] === '0') end++;
    if (end - start > runLength) [runStart, runLength] = [start, end - start];
    start = end + 1;
  }
  if (runLength < 2) return groups.join(':');
  return `${groups.slice(0, runStart).join(':')}::${groups.slice(runStart + runLength).join(':')}`;
}

const IF_INET6_LINE = /^([0-9a-f]{32}) [0-9a-f]+ [0-9a-f]+ ([0-9a-f]+) [0-9a-f]+\s+(\S+)$/;

/** The rows of /proc/net/if_inet6 (address, ifindex, prefix length, scope, flags, name: all hex but the name). */
export function parseIfInet6(text: string): Ipv6InterfaceAddress[] {
  const rows: Ipv6InterfaceAddress[] = [];
  for (const line of text.split('\n')) {
    const match = IF_INET6_LINE.exec(line.trim());
    if (match === null) continue;
    rows.push({ interface: match[3]!, address: formatIpv6Hex(match[1]!), scope: parseInt(match[2]!, 16) });
  }
  return rows;
}

/** Bits set in a mask: how specific a route is. */
function prefixLength(mask: number): number {
  let bits = 0;
  for (let rest = mask >>> 0; rest !== 0; rest = (rest << 1) >>> 0) bits++;
  return bits;
}

/** The interface of the most specific route that reaches an address (the default route reaches all); null if none. */
function interfaceOfIpv4(address: number, routes: readonly Ipv4Route[]): string | null {
  let best: Ipv4Route | null = null;
  for (const route of routes) {
    if (((address & route.mask) >>> 0) !== route.destination) continue;
    if (best === null || prefixLength(route.mask) > prefixLength(best.mask)) best = route;
  }
  return best?.interface ?? null;
}

/**
 * The namespace's interfaces that hold an address other than loopback and link-local ones, by name, each with
 * its first IPv4 and first global IPv6 address (ContainerNetwork holds one of each). An IPv4 address no route
 * reaches (its interface is down) is left out: nothing can leave from it.
 */
export function buildInterfaceNetworks(files: NetnsProcFiles, littleEndian: boolean): ContainerNetwork[] {
  const byInterface = new Map<string, ContainerNetwork>();
  const networkOf = (name: string): ContainerNetwork => {
    let network = byInterface.get(name);
    if (network === undefined) byInterface.set(name, (network = { name, ipv4: null, ipv6: null }));
    return network;
  };
  const routes = parseRouteTable(files.route, littleEndian);
  for (const address of parseFibTrieLocalAddresses(files.fibTrie)) {
    const name = interfaceOfIpv4(parseIpv4(address)!, routes);
    if (name === null) continue;
    const network = networkOf(name);
    network.ipv4 ??= address;
  }
  for (const row of parseIfInet6(files.ifInet6)) {
    if (row.scope !== IPV6_SCOPE_GLOBAL) continue;
    const network = networkOf(row.interface);
    network.ipv6 ??= row.address;
  }
  return [...byInterface.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
