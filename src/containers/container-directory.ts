import type { ContainerInfo } from './container-info.js';

/** A container as a record names it (NDJSON `container`): enough to recognise it, and the network it was met on. */
export interface ContainerRecord {
  name: string | null;
  id: string;
  image: string | null;
  /** The network of the address it was met by (or its only network); null when that cannot be told. */
  network: string | null;
}

/** What ns53 knows of a namespace when it asks for its container: the inode and the file entered, if known. */
export interface NetnsClue {
  inode: number | null;
  path: string | null;
}

/** The last part of a netns file's path: dockerd names sandboxes by 12 hex digits, unique on a host. */
const SANDBOX_FILE = /\/netns\/([0-9a-f]{12})$/;

function sandboxIdOf(path: string | null): string | null {
  return path === null ? null : (SANDBOX_FILE.exec(path)?.[1] ?? null);
}

/**
 * Every container ns53 has heard of (from the Engine API, /proc, or a saved trace's meta file), looked up the
 * ways a trace refers to one: its network namespace's inode, the sandbox file dockerd entered (matched by
 * its sandbox id, so a trace saved with stock paths still matches a daemon with its own --exec-root), or an
 * address one of its networks gave it. Later containers win over earlier ones with the same key: they are
 * the current holders of an address that was reused.
 */
export class ContainerDirectory {
  private readonly byInode = new Map<number, ContainerInfo>();
  private readonly bySandbox = new Map<string, ContainerInfo>();
  private readonly byAddress = new Map<string, ContainerInfo>();

  constructor(containers: Iterable<ContainerInfo> = []) {
    for (const container of containers) this.add(container);
  }

  /** Learns a container (or learns more of one: the latest facts replace the earlier). */
  add(container: ContainerInfo): void {
    if (container.netnsInode !== null) this.byInode.set(container.netnsInode, container);
    const sandbox = sandboxIdOf(container.sandboxKey);
    if (sandbox !== null) this.bySandbox.set(sandbox, container);
    for (const network of container.networks) {
      if (network.ipv4) this.byAddress.set(network.ipv4, container);
      if (network.ipv6) this.byAddress.set(network.ipv6, container);
    }
  }

  get size(): number {
    return new Set([...this.byInode.values(), ...this.bySandbox.values(), ...this.byAddress.values()]).size;
  }

  /**
   * The container a namespace belongs to, by its inode or sandbox file. Only when the trace names the
   * namespace neither way, the container that holds `ip` (a source address getsockname showed, without
   * brackets or port): an address is reused as containers come and go, a namespace is not. Null when none
   * is known. The caller keeps the host's own namespace out (a container with `--network host` shares it).
   */
  resolve(netns: NetnsClue | null, ip: string | null): ContainerRecord | null {
    const sandbox = sandboxIdOf(netns?.path ?? null);
    const named = netns?.inode != null || sandbox !== null;
    const container = named
      ? ((netns?.inode != null ? this.byInode.get(netns.inode) : undefined) ?? (sandbox !== null ? this.bySandbox.get(sandbox) : undefined))
      : ip !== null
        ? this.byAddress.get(ip)
        : undefined;
    if (!container) return null;
    return { name: container.name, id: container.id, image: container.image, network: networkOf(container, ip) };
  }
}

/** The network that gave the container `ip`, else its only network. */
function networkOf(container: ContainerInfo, ip: string | null): string | null {
  const byIp = ip === null ? undefined : container.networks.find((network) => network.ipv4 === ip || network.ipv6 === ip);
  if (byIp) return byIp.name;
  return container.networks.length === 1 ? container.networks[0]!.name : null;
}
