/** How one upstream attempt ended. */
export type Outcome = 'answer' | 'refused' | 'unreachable' | 'denied' | 'timeout' | 'pending' | 'error';

/** Every outcome, in the order summaries list them. */
export const OUTCOMES: readonly Outcome[] = ['answer', 'refused', 'unreachable', 'denied', 'timeout', 'pending', 'error'];

/**
 * What an errno on an upstream socket means. On a connected UDP socket Linux reports only "hard" ICMP errors
 * (net/ipv4/icmp.c icmp_err_convert): port unreachable → ECONNREFUSED (an iptables REJECT, or nothing
 * listening), host/admin prohibited → EHOSTUNREACH, net prohibited → ENETUNREACH. EPERM/EACCES come from a
 * local netfilter rule dropping the packet on its way out.
 */
const OUTCOME_BY_ERRNO: Readonly<Record<string, Outcome>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  EPERM: 'denied',
  EACCES: 'denied',
  ETIMEDOUT: 'timeout',
};

/** Errnos that say "not yet" rather than "failed": a non-blocking read with nothing to read, a signal. */
const TRANSIENT = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'EINPROGRESS', 'EALREADY', 'ERESTARTSYS', 'ERESTARTNOINTR', 'ERESTARTNOHAND', 'ERESTART_RESTARTBLOCK']);

/** The outcome an errno settles, or null when the call should simply be retried (EAGAIN is never an answer). */
export function outcomeOfErrno(errno: string): Outcome | null {
  if (TRANSIENT.has(errno)) return null;
  return OUTCOME_BY_ERRNO[errno] ?? 'error';
}
