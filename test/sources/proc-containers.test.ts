import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ContainerInfo } from '../../src/containers/container-info.js';
import { readNetnsNetworks, scanProcContainers } from '../../src/sources/proc-containers.js';
import { API_ID, PODMAN_ID, POD_CONTAINER_ID, POD_SLICE, WEB_ID } from '../support/container-ids.js';
import { repoPath } from '../support/repo-root.js';

/** A pod's sandbox (pause) container, beside POD_CONTAINER_ID in the same pod. */
const PAUSE_ID = 'a2d1e76e1a8e2e5d1c7f8b0a4f3c6e9d2b5a8c1f4e7d0a3b6c9f2e5d8a1b4c7e';

const HOST_NETNS = 4026531833;

interface FakeProcess {
  pid: number;
  /** The text of /proc/<pid>/cgroup; no file when absent (unreadable, or gone). */
  cgroup?: string;
  /** The inode its ns/net link names; no link when absent (gone mid-scan, or no permission). */
  netns?: number;
  /** A recorded namespace in fixtures/proc-net whose files become /proc/<pid>/net/. */
  net?: string;
}

/**
 * Builds a /proc tree in a temp dir; returns its root. ns/net is a symlink to the text the kernel's nsfs link
 * reads as (`net:[N]`), which is all the scan looks at: no stat of an nsfs inode to fake.
 */
function fakeProc(processes: FakeProcess[]): string {
  const root = mkdtempSync(join(tmpdir(), 'ns53-proc-containers-'));
  for (const { pid, cgroup, netns, net } of processes) {
    const dir = join(root, String(pid));
    mkdirSync(join(dir, 'ns'), { recursive: true });
    if (cgroup !== undefined) writeFileSync(join(dir, 'cgroup'), cgroup);
    if (netns !== undefined) symlinkSync(`net:[${netns}]`, join(dir, 'ns', 'net'));
    if (net !== undefined) {
      mkdirSync(join(dir, 'net'));
      for (const file of ['fib_trie', 'route', 'if_inet6']) copyFileSync(repoPath('fixtures', 'proc-net', net, file), join(dir, 'net', file));
    }
  }
  // What else /proc holds at its top level: never a process.
  mkdirSync(join(root, 'sys'));
  writeFileSync(join(root, 'uptime'), '1.00 1.00\n');
  symlinkSync('4242', join(root, 'self'));
  return root;
}

/** A proc-sourced ContainerInfo with the fields the scan cannot know. */
function found(fields: Pick<ContainerInfo, 'id' | 'runtime' | 'pid' | 'netnsInode' | 'networks'>): ContainerInfo {
  return { name: null, image: null, sandboxKey: null, source: 'proc', ...fields };
}

const LABNET_ETH0 = [{ name: 'eth0', ipv4: '172.18.0.2', ipv6: 'fd00:18::2' }];

test('scanProcContainers: one entry per container, its lowest pid, netns and addresses; host processes left out', () => {
  const root = fakeProc([
    { pid: 1, cgroup: '0::/init.scope\n', netns: HOST_NETNS, net: 'host' },
    { pid: 2, cgroup: '0::/\n', netns: HOST_NETNS }, // a kernel thread
    { pid: 812, cgroup: '0::/system.slice/docker.service\n', netns: HOST_NETNS, net: 'host' },
    { pid: 15375, cgroup: `0::/system.slice/docker-${WEB_ID}.scope\n`, netns: 4026532323, net: 'container' },
    { pid: 15401, cgroup: `0::/system.slice/docker-${WEB_ID}.scope\n`, netns: 4026532323, net: 'container' },
    { pid: 15463, cgroup: `0::/docker/${API_ID}\n`, netns: 4026532398, net: 'two-networks' },
    // podman's conmon has a lower pid than the container it watches, in the host's netns.
    { pid: 20001, cgroup: `0::/machine.slice/libpod-conmon-${PODMAN_ID}.scope\n`, netns: HOST_NETNS, net: 'host' },
    { pid: 20003, cgroup: `0::/machine.slice/libpod-${PODMAN_ID}.scope/container\n`, netns: 4026532500, net: 'no-network' },
  ]);
  assert.deepEqual(scanProcContainers(root), [
    found({ id: WEB_ID, runtime: 'docker', pid: 15375, netnsInode: 4026532323, networks: LABNET_ETH0 }),
    found({
      id: API_ID,
      runtime: 'docker',
      pid: 15463,
      netnsInode: 4026532398,
      networks: [
        { name: 'eth0', ipv4: '172.18.0.2', ipv6: null },
        { name: 'eth1', ipv4: '172.19.0.3', ipv6: null },
      ],
    }),
    found({ id: PODMAN_ID, runtime: 'podman', pid: 20003, netnsInode: 4026532500, networks: [] }),
  ]);
});

test('scanProcContainers: pids in numeric order, not /proc\'s name order', () => {
  const root = fakeProc([
    { pid: 100, cgroup: `0::/docker/${WEB_ID}\n`, netns: 4026532323 },
    { pid: 99, cgroup: `0::/docker/${WEB_ID}\n`, netns: 4026532323 },
    { pid: 1000, cgroup: `0::/docker/${WEB_ID}\n`, netns: 4026532323 },
  ]);
  assert.deepEqual(scanProcContainers(root).map((container) => container.pid), [99]);
});

test('scanProcContainers: a process that vanished or cannot be read is skipped; the container\'s next one stands in', () => {
  const root = fakeProc([
    { pid: 300, netns: 4026532323 }, // no cgroup file
    { pid: 301, cgroup: `0::/docker/${WEB_ID}\n` }, // its ns/net gone between the two reads
    { pid: 302, cgroup: `0::/docker/${WEB_ID}\n`, netns: 4026532323, net: 'container' },
    { pid: 400, cgroup: `0::/docker/${API_ID}\n` }, // no process of this container can be read: left out
    { pid: 401, cgroup: `0::/docker/${API_ID}\n` },
    { pid: 500, cgroup: 'not a cgroup file', netns: HOST_NETNS },
  ]);
  assert.deepEqual(scanProcContainers(root), [found({ id: WEB_ID, runtime: 'docker', pid: 302, netnsInode: 4026532323, networks: LABNET_ETH0 })]);
});

test('scanProcContainers: a pod\'s containers share its netns; unreadable net files give no networks', () => {
  const root = fakeProc([
    { pid: 700, cgroup: `0::/${POD_SLICE}/cri-containerd-${PAUSE_ID}.scope\n`, netns: 4026532600, net: 'calico-pod' },
    { pid: 731, cgroup: `0::/${POD_SLICE}/cri-containerd-${POD_CONTAINER_ID}.scope\n`, netns: 4026532600 },
    { pid: 800, cgroup: `0::/default/${WEB_ID}\n`, netns: 4026532700 }, // no net/ files
  ]);
  const pod = [{ name: 'eth0', ipv4: '10.244.1.5', ipv6: null }];
  const containers = scanProcContainers(root);
  assert.deepEqual(containers, [
    found({ id: PAUSE_ID, runtime: 'kubernetes', pid: 700, netnsInode: 4026532600, networks: pod }),
    found({ id: POD_CONTAINER_ID, runtime: 'kubernetes', pid: 731, netnsInode: 4026532600, networks: pod }),
    found({ id: WEB_ID, runtime: 'containerd', pid: 800, netnsInode: 4026532700, networks: [] }),
  ]);
  assert.notEqual(containers[0]!.networks[0], containers[1]!.networks[0], 'each container gets its own copy');
});

test('scanProcContainers: no /proc at all gives no containers', () => {
  assert.deepEqual(scanProcContainers(join(tmpdir(), 'ns53-no-such-proc')), []);
  assert.deepEqual(scanProcContainers(fakeProc([])), []);
});

test('scanProcContainers: on the real /proc it returns, and every inode is the one stat -L gives for its pid', () => {
  const started = performance.now();
  const containers = scanProcContainers();
  const milliseconds = performance.now() - started;
  for (const container of containers) {
    assert.match(container.id, /^[0-9a-f]{64}$/);
    assert.equal(container.source, 'proc');
    let inode: number;
    try {
      inode = statSync(`/proc/${container.pid}/ns/net`).ino;
    } catch {
      continue; // exited since the scan
    }
    assert.equal(container.netnsInode, inode, `pid ${container.pid}`);
  }
  // Generous for a loaded CI machine; test/bench/proc-scan.ts measures it properly.
  assert.ok(milliseconds < 2_000, `scan took ${milliseconds.toFixed(0)} ms`);
});

test('readNetnsNetworks: this process\'s own netns, read from the real /proc', () => {
  const route = readFileSync('/proc/self/net/route', 'utf8');
  const ifInet6 = (() => {
    try {
      return readFileSync('/proc/self/net/if_inet6', 'utf8');
    } catch {
      return ''; // IPv6 disabled
    }
  })();
  for (const network of readNetnsNetworks(process.pid)) {
    assert.ok(route.includes(`${network.name}\t`) || ifInet6.includes(` ${network.name}\n`), network.name);
    assert.ok(network.ipv4 !== null || network.ipv6 !== null, network.name);
  }
});
