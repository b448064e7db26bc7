/**
 * A network namespace as far as the trace reveals it. The same object stands for the namespace wherever it
 * is met, so facts learned later (its inode, that it is the host's) show everywhere.
 */
export interface Netns {
  /** Identity within one replay. */
  readonly id: number;
  /** nsfs inode (`net:[4026532326]`), when the trace printed it. */
  inode: number | null;
  /** The file the thread opened to enter it (`/var/run/docker/netns/6d527838845f`), when known. */
  path: string | null;
  /** The traced process's own namespace (where its threads start). */
  host: boolean;
  /** How the trace led to it. `unknown`: entered through an fd whose origin precedes the trace. */
  origin: 'initial' | 'setns' | 'unshare' | 'unknown';
  /** For `unknown`: why it cannot be named, in words. */
  note: string | null;
}

const DOCKER_SANDBOX = /\/netns\/([0-9a-f]{12})$/;
const IP_NETNS = /^\/(?:var\/)?run\/netns\/([^/]+)$/;

/** A short name for lists: `host`, `sandbox 6d527838845f`, `netns lab`, `net:[4026532326]`, `unknown`. */
export function labelNetns(netns: Netns): string {
  if (netns.host) return 'host';
  if (netns.path !== null) {
    const sandbox = DOCKER_SANDBOX.exec(netns.path);
    if (sandbox) return `sandbox ${sandbox[1]}`;
    const named = IP_NETNS.exec(netns.path);
    if (named) return `netns ${named[1]}`;
    return netns.path;
  }
  if (netns.inode !== null) return `net:[${netns.inode}]`;
  if (netns.origin === 'unshare') return 'new (unshare)';
  return 'unknown';
}

/** Whether the namespace is a Docker sandbox (a container's), judged by the path dockerd opened. */
export function isContainerSandbox(netns: Netns): boolean {
  return netns.path !== null && DOCKER_SANDBOX.test(netns.path);
}
