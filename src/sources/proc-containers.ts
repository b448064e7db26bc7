import { readFileSync, readdirSync } from 'node:fs';
import { endianness } from 'node:os';
import type { ContainerInfo, ContainerNetwork } from '../containers/container-info.js';
import { containerOfCgroup } from './cgroup-container.js';
import { buildInterfaceNetworks } from './netns-addresses.js';
import { readNetnsInode } from './netns-inode.js';

/*
 * The containers a host runs, found from /proc alone, for hosts with no Engine API to ask (podman, containerd,
 * Kubernetes nodes): each process's cgroup names its container (cgroup-container.ts), and the container's
 * lowest pid (its init, as the host numbers it, unless pids wrapped) gives its netns inode and addresses.
 * Reads are synchronous: per process one small file, per container one readlink and three files of
 * /proc/<pid>/net; test/bench/proc-scan.ts measures it.
 */

/** A file's text, or null when it cannot be read: the process is gone, or hidden from us. */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The process ids /proc lists (thread-group leaders), lowest first. */
function listPids(procRoot: string): number[] {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The interfaces of the netns `pid` is in, with their addresses; files that cannot be read count as empty (no IPv6: no if_inet6). */
export function readNetnsNetworks(pid: number, procRoot = '/proc'): ContainerNetwork[] {
  const read = (file: string): string => readText(`${procRoot}/${pid}/net/${file}`) ?? '';
  return buildInterfaceNetworks({ fibTrie: read('fib_trie'), route: read('route'), ifInet6: read('if_inet6') }, endianness() === 'LE');
}

/**
 * Every container with a process in /proc (`procRoot`, another root for tests), lowest pid first, with
 * `source: 'proc'`: name, image and sandbox key unknown. A process that vanishes mid-scan or whose cgroup or
 * netns cannot be read is skipped: the container's next process stands in for it, and a container none of
 * whose processes can be read is left out, so every netnsInode returned is known.
 */
export function scanProcContainers(procRoot = '/proc'): ContainerInfo[] {
  const containers = new Map<string, ContainerInfo>();
  // Containers may share a netns (a Kubernetes pod's, `--network container:`): its files are read once.
  const networksOfNetns = new Map<number, ContainerNetwork[]>();
  for (const pid of listPids(procRoot)) {
    const cgroup = readText(`${procRoot}/${pid}/cgroup`);
    const container = cgroup === null ? null : containerOfCgroup(cgroup);
    if (container === null || containers.has(container.id)) continue;
    const netnsInode = readNetnsInode(`${procRoot}/${pid}/ns/net`);
    if (netnsInode === null) continue;
    let networks = networksOfNetns.get(netnsInode);
    if (networks === undefined) networksOfNetns.set(netnsInode, (networks = readNetnsNetworks(pid, procRoot)));
    containers.set(container.id, {
      id: container.id,
      name: null,
      image: null,
      networks: networks.map((network) => ({ ...network })),
      sandboxKey: null,
      pid,
      netnsInode,
      runtime: container.runtime,
      source: 'proc',
    });
  }
  return [...containers.values()];
}
