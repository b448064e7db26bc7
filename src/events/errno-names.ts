/** Linux errno numbers (generic table, as on x86_64 and arm64) for values strace prints as numbers. */
const ERRNO_BY_NUMBER: Readonly<Record<number, string>> = {
  1: 'EPERM',
  2: 'ENOENT',
  4: 'EINTR',
  9: 'EBADF',
  11: 'EAGAIN',
  13: 'EACCES',
  22: 'EINVAL',
  32: 'EPIPE',
  90: 'EMSGSIZE',
  97: 'EAFNOSUPPORT',
  98: 'EADDRINUSE',
  99: 'EADDRNOTAVAIL',
  100: 'ENETDOWN',
  101: 'ENETUNREACH',
  103: 'ECONNABORTED',
  104: 'ECONNRESET',
  105: 'ENOBUFS',
  107: 'ENOTCONN',
  110: 'ETIMEDOUT',
  111: 'ECONNREFUSED',
  112: 'EHOSTDOWN',
  113: 'EHOSTUNREACH',
  114: 'EALREADY',
  115: 'EINPROGRESS',
};

/** `ECONNREFUSED` for 111; `errno N` for numbers outside the table. */
export function errnoName(value: number): string {
  return ERRNO_BY_NUMBER[value] ?? `errno ${value}`;
}
