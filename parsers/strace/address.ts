import { decodeCStringText } from './c-string.js';
import { fieldOf, integerOf, type ArgValue } from './value.js';

/** An IPv4 or IPv6 socket address. `ip` is in its usual text form (`10.77.0.2`, `::1`). */
export interface InetAddress {
  family: 'inet' | 'inet6';
  ip: string;
  port: number;
}

/** What a sockaddr argument held: an internet address, another family, or nothing readable. */
export type SocketAddress = InetAddress | { family: 'unix'; path: string } | { family: 'other'; name: string };

/** `ip:port`, with brackets around IPv6 addresses as in URLs and `ss`. */
export function formatInetAddress(address: InetAddress): string {
  return address.family === 'inet6' ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
}

function textInside(value: ArgValue | undefined): string | null {
  if (value?.kind === 'string') return decodeCStringText(value.text, value.start);
  return null;
}

/** `htons(53)` → 53; also accepts a bare number (`-X raw`). */
function portOf(value: ArgValue | undefined): number | null {
  if (value?.kind === 'call' && value.name === 'htons') return integerOf(value.args[0]);
  return integerOf(value);
}

/**
 * Reads a sockaddr struct as strace prints it (`{sa_family=AF_INET, sin_port=htons(53),
 * sin_addr=inet_addr("10.77.0.2")}`, the AF_INET6 form with an unnamed `inet_pton(…)` member, AF_UNIX).
 * Returns null when the value is not a sockaddr.
 */
export function readSocketAddress(value: ArgValue | undefined): SocketAddress | null {
  if (value?.kind !== 'struct') return null;
  const familyValue = fieldOf(value, 'sa_family');
  const family = familyValue?.kind === 'atom' ? familyValue.text : null;
  if (family === 'AF_INET') {
    const port = portOf(fieldOf(value, 'sin_port'));
    const addr = fieldOf(value, 'sin_addr');
    const ip = addr?.kind === 'call' && addr.name === 'inet_addr' ? textInside(addr.args[0]) : null;
    if (port === null || ip === null) return null;
    return { family: 'inet', ip, port };
  }
  if (family === 'AF_INET6') {
    const port = portOf(fieldOf(value, 'sin6_port'));
    let ip: string | null = null;
    for (const field of value.fields) {
      const v = field.value;
      if (v.kind === 'call' && v.name === 'inet_pton') ip = textInside(v.args[1]);
    }
    if (port === null || ip === null) return null;
    return { family: 'inet6', ip, port };
  }
  if (family === 'AF_UNIX') {
    const path = textInside(fieldOf(value, 'sun_path'));
    return { family: 'unix', path: path ?? '' };
  }
  return family ? { family: 'other', name: family } : null;
}

/**
 * The address a received datagram was sent to, from a recvmsg's `msg_control` (an `IP_PKTINFO` message's
 * `ipi_addr`, or `IPV6_PKTINFO`'s `ipi6_addr`): for Docker's DNS server that is 127.0.0.11, which its
 * listening socket (opened before any trace) never shows otherwise. Null when no such message was printed.
 */
export function readPacketDestination(control: ArgValue | undefined): string | null {
  if (control?.kind !== 'array') return null;
  for (const message of control.items) {
    const type = fieldOf(message, 'cmsg_type');
    const data = fieldOf(message, 'cmsg_data');
    if (type?.kind !== 'atom' || data?.kind !== 'struct') continue;
    if (type.text === 'IP_PKTINFO') {
      const addr = fieldOf(data, 'ipi_addr');
      if (addr?.kind === 'call' && addr.name === 'inet_addr') return textInside(addr.args[0]);
    }
    if (type.text === 'IPV6_PKTINFO') {
      const addr = fieldOf(data, 'ipi6_addr');
      if (addr?.kind === 'call' && addr.name === 'inet_pton') return textInside(addr.args[1]);
    }
  }
  return null;
}
