import type { Netns } from './netns.js';

/** Interns namespaces by inode and by path, and remembers which one is the host's. */
export class NetnsRegistry {
  private nextId = 1;
  private readonly byInode = new Map<number, Netns>();
  private readonly byPath = new Map<string, Netns>();
  /** The namespace the traced process's threads start in. */
  readonly host: Netns = this.create({ host: true, origin: 'initial' });

  private create(fields: Partial<Netns> & Pick<Netns, 'origin'>): Netns {
    return { id: this.nextId++, inode: null, path: null, host: false, note: null, ...fields };
  }

  /** The namespace with this inode (created on first sight). */
  forInode(inode: number): Netns {
    let netns = this.byInode.get(inode);
    if (!netns) {
      netns = this.create({ origin: 'setns', inode });
      this.byInode.set(inode, netns);
    }
    return netns;
  }

  /** The namespace behind this file (created on first sight). */
  forPath(path: string): Netns {
    let netns = this.byPath.get(path);
    if (!netns) {
      netns = this.create({ origin: 'setns', path });
      this.byPath.set(path, netns);
    }
    return netns;
  }

  /** A namespace entered through something the trace cannot name; `note` says why. */
  unknown(note: string): Netns {
    return this.create({ origin: 'unknown', note });
  }

  /** A namespace made by unshare(CLONE_NEWNET). */
  fresh(): Netns {
    return this.create({ origin: 'unshare' });
  }

  /**
   * Records that `netns` has `inode`. When another object already stands for that inode, the two are the
   * same namespace: the known one is returned with the path of both, unless `netns` is the host's, which is
   * kept (threads refer to it) while the known one learns it is the host.
   */
  learnInode(netns: Netns, inode: number): Netns {
    const known = this.byInode.get(inode);
    if (!known || known === netns) {
      netns.inode = inode;
      this.byInode.set(inode, netns);
      return netns;
    }
    // Two objects for one namespace: the registered one learns what the other knew.
    known.path ??= netns.path;
    if (netns.path !== null) this.byPath.set(netns.path, known);
    if (!netns.host) return known;
    // The host object stays the one threads refer to; the other learns that it is the host too.
    known.host = true;
    netns.inode = inode;
    return netns;
  }
}
