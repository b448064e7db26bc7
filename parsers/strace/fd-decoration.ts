import type { InetAddress } from './address.js';
import { decodeCStringText } from './c-string.js';

/**
 * What `-y`/`-yy` printed inside `<…>` after an fd. Sockets in another network namespace than strace's
 * print as `UDP:[61676]` (inode only): sock_diag cannot see them, so addresses come from connect/getsockname.
 */
export type FdDecoration =
  | { kind: 'socket'; protocol: 'udp' | 'tcp' | 'other' | null; family: 'inet' | 'inet6' | 'unix' | 'netlink' | null; inode: number | null; local: InetAddress | null; remote: InetAddress | null }
  | { kind: 'netns'; inode: number }
  | { kind: 'path'; path: string }
  | { kind: 'other'; text: string };

const INET_PROTOCOLS: Record<string, 'udp' | 'tcp' | 'other'> = {
  UDP: 'udp',
  TCP: 'tcp',
  UDPLITE: 'udp',
  DCCP: 'other',
  SCTP: 'other',
  RAW: 'other',
  PING: 'other',
  'L2TP/IP': 'other',
};

const SOCKET_DECORATION = /^([A-Za-z0-9/_-]+?)(v6)?:\[(.*)\]$/s;

/** `127.0.0.1:53`, `[::1]:53`, or the pre-4.22 unbracketed `::1:53`. */
function readEndpoint(text: string, family: 'inet' | 'inet6'): InetAddress | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port)) return null;
  let ip = text.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return { family, ip, port };
}

function readInetSocket(protocol: string, v6: boolean, inner: string): FdDecoration {
  const family = v6 ? 'inet6' : 'inet';
  if (/^\d+$/.test(inner)) {
    return { kind: 'socket', protocol: INET_PROTOCOLS[protocol] ?? 'other', family, inode: Number(inner), local: null, remote: null };
  }
  const arrow = inner.indexOf('->');
  const local = readEndpoint(arrow < 0 ? inner : inner.slice(0, arrow), family);
  const remote = arrow < 0 ? null : readEndpoint(inner.slice(arrow + 2), family);
  return { kind: 'socket', protocol: INET_PROTOCOLS[protocol] ?? 'other', family, inode: null, local, remote };
}

/** Decodes the escapes strace applies to paths in decorations (`\74` for `<`, `\x2f` under -xx). */
function unescapePath(text: string): string {
  return text.includes('\\') ? (decodeCStringText(`"${text}"`) ?? text) : text;
}

/** Reads the text of an fd decoration (without the angle brackets). Never throws. */
export function parseFdDecoration(text: string): FdDecoration {
  const ns = /^net:\[(\d+)\]$/.exec(text);
  if (ns) return { kind: 'netns', inode: Number(ns[1]) };
  if (text.startsWith('/') || text.startsWith('\\x2f')) {
    const path = unescapePath(text.replace(/ \(deleted\)$/, '').replace(/<[^<>]*>$/, ''));
    return { kind: 'path', path };
  }
  const socket = SOCKET_DECORATION.exec(text);
  if (socket) {
    const [, protocol = '', v6, inner = ''] = socket;
    if (protocol in INET_PROTOCOLS) return readInetSocket(protocol, v6 !== undefined, inner);
    if (protocol === 'socket') {
      const inode = /^\d+$/.test(inner) ? Number(inner) : null;
      return { kind: 'socket', protocol: null, family: null, inode, local: null, remote: null };
    }
    if (protocol.startsWith('UNIX')) return { kind: 'socket', protocol: 'other', family: 'unix', inode: null, local: null, remote: null };
    if (protocol === 'NETLINK') return { kind: 'socket', protocol: 'other', family: 'netlink', inode: null, local: null, remote: null };
  }
  return { kind: 'other', text };
}
