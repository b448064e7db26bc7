import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerOfCgroup, containerOfCgroupPath, type CgroupContainer } from '../../src/sources/cgroup-container.js';
import { API_ID, CRI_CONTAINER_ID, POD_CONTAINER_ID, POD_UID, PODMAN_ID, ROOTLESS_PODMAN_ID, WEB_ID } from '../support/container-ids.js';

const POD_SLICE_UID = POD_UID.replace(/-/g, '_');

/** A cgroup v1 file as a docker container on a cgroup v1 host has it, every hierarchy naming the same path. */
function cgroupV1(path: string): string {
  const hierarchies = ['cpuset', 'cpu,cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls,net_prio', 'perf_event', 'hugetlb', 'pids', 'rdma'];
  return [...hierarchies.map((controllers, i) => `${hierarchies.length + 1 - i}:${controllers}:${path}`), `1:name=systemd:${path}`, `0::${path}`, ''].join('\n');
}

const docker = (id: string): CgroupContainer => ({ id, runtime: 'docker' });
const podman = (id: string): CgroupContainer => ({ id, runtime: 'podman' });
const containerd = (id: string): CgroupContainer => ({ id, runtime: 'containerd' });
const kubernetes = (id: string): CgroupContainer => ({ id, runtime: 'kubernetes' });

test('containerOfCgroup: each runtime\'s cgroup, v1 and v2', () => {
  const cases: Array<[string, string, CgroupContainer | null]> = [
    ['docker, cgroupfs driver, v2', `0::/docker/${WEB_ID}\n`, docker(WEB_ID)],
    ['docker, cgroupfs driver, v1', cgroupV1(`/docker/${API_ID}`), docker(API_ID)],
    ['docker, one v1 line', `12:memory:/docker/${API_ID}`, docker(API_ID)],
    ['docker, systemd driver', `0::/system.slice/docker-${WEB_ID}.scope\n`, docker(WEB_ID)],
    ['docker, systemd driver, v1', cgroupV1(`/system.slice/docker-${WEB_ID}.scope`), docker(WEB_ID)],
    ['rootless docker', `0::/user.slice/user-1000.slice/user@1000.service/user.slice/docker-${WEB_ID}.scope\n`, docker(WEB_ID)],
    ['podman, root', `0::/machine.slice/libpod-${PODMAN_ID}.scope\n`, podman(PODMAN_ID)],
    ['podman, crun\'s container sub-cgroup', `0::/machine.slice/libpod-${PODMAN_ID}.scope/container\n`, podman(PODMAN_ID)],
    ['podman pod', `0::/machine.slice/machine-libpod_pod_0f6b2f6a1e9c.slice/libpod-${PODMAN_ID}.scope/container\n`, podman(PODMAN_ID)],
    ['podman, rootless', `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ROOTLESS_PODMAN_ID}.scope\n`, podman(ROOTLESS_PODMAN_ID)],
    ['podman, cgroupfs manager', `0::/libpod_parent/libpod-${PODMAN_ID}\n`, podman(PODMAN_ID)],
    ['podman, rootless, beside a v1 name=systemd line (crun#106)', `1:name=systemd:/\n0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ROOTLESS_PODMAN_ID}.scope\n`, podman(ROOTLESS_PODMAN_ID)],
    ['containerd (ctr, nerdctl) in its default namespace', `0::/default/${WEB_ID}\n`, containerd(WEB_ID)],
    ['containerd, another namespace', `0::/buildkit.ns/${WEB_ID}\n`, containerd(WEB_ID)],
    ['nerdctl, systemd cgroup manager', `0::/system.slice/nerdctl-${WEB_ID}.scope\n`, containerd(WEB_ID)],
    [
      'kubernetes, systemd driver, containerd',
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/cri-containerd-${POD_CONTAINER_ID}.scope\n`,
      kubernetes(POD_CONTAINER_ID),
    ],
    ['kubernetes, guaranteed pod', `0::/kubepods.slice/kubepods-pod${POD_SLICE_UID}.slice/cri-containerd-${POD_CONTAINER_ID}.scope\n`, kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, dockershim', cgroupV1(`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_SLICE_UID}.slice/docker-${POD_CONTAINER_ID}.scope`), kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, CRI-O', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/crio-${POD_CONTAINER_ID}.scope\n`, kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, CRI-O with crun', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/crio-${POD_CONTAINER_ID}.scope/container\n`, kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, CRI-O, cgroupfs', `0::/kubepods/burstable/pod${POD_UID}/crio-${POD_CONTAINER_ID}\n`, kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, cgroupfs driver (k3s)', cgroupV1(`/kubepods/besteffort/pod${POD_UID}/${POD_CONTAINER_ID}`), kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, cgroupfs, guaranteed pod', `0::/kubepods/pod${POD_UID}/${POD_CONTAINER_ID}\n`, kubernetes(POD_CONTAINER_ID)],
    ['kubernetes, rootless kubelet (no QoS cgroups)', `0::/user.slice/user-1001.slice/user@1001.service/user.slice/cri-containerd-${CRI_CONTAINER_ID}.scope\n`, kubernetes(CRI_CONTAINER_ID)],
    [
      'a pod in a kind node: the pod\'s container, not the node\'s',
      `0::/system.slice/docker-${WEB_ID}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${POD_SLICE_UID}.slice/cri-containerd-${POD_CONTAINER_ID}.scope\n`,
      kubernetes(POD_CONTAINER_ID),
    ],
    ['docker in docker, v1: the inner container', `4:memory:/docker/${WEB_ID}/docker/${API_ID}\n`, docker(API_ID)],
    ['a containerised systemd\'s own unit', `0::/system.slice/docker-${WEB_ID}.scope/init.scope\n`, docker(WEB_ID)],
  ];
  for (const [name, text, expected] of cases) assert.deepEqual(containerOfCgroup(text), expected, name);
});

test('containerOfCgroup: the host\'s own processes and the container runtimes\' helpers are in no container', () => {
  const cases: Array<[string, string]> = [
    ['the root cgroup, v2', '0::/\n'],
    ['the root cgroup, v1', cgroupV1('/')],
    ['systemd', '0::/init.scope\n'],
    ['a login session', '0::/user.slice/user-1000.slice/session-3.scope\n'],
    ['a user service', '0::/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.socket\n'],
    ['dockerd', '0::/system.slice/docker.service\n'],
    ['containerd and its shims', '0::/system.slice/containerd.service\n'],
    ['podman\'s conmon', `0::/machine.slice/libpod-conmon-${PODMAN_ID}.scope\n`],
    ['CRI-O\'s conmon', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/crio-conmon-${POD_CONTAINER_ID}.scope\n`],
    ['a pod\'s own cgroup', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice\n`],
    ['the kubelet', '0::/system.slice/kubelet.service\n'],
    ['this machine\'s sandbox (a 32-hex id)', '4:memory:/process_api/7a2a575f7bb41afde4b3f4d04408e760\n0::/\n'],
    ['ctr\'s free-form ids', '0::/default/my-redis\n'],
    ['a 64-hex directory under a systemd slice', `0::/system.slice/${WEB_ID}\n`],
    ['a 64-hex directory at the root', `0::/${WEB_ID}\n`],
    ['a 64-hex directory deep in an unknown tree', `0::/somewhere/else/${WEB_ID}\n`],
    ['an id one digit short', `0::/docker/${WEB_ID.slice(1)}\n`],
    ['an id one digit long', `0::/system.slice/docker-${WEB_ID}0.scope\n`],
    ['an upper-case id', `0::/docker/${WEB_ID.toUpperCase()}\n`],
    ['a docker scope that is not a scope', `0::/system.slice/docker-${WEB_ID}\n`],
    ['a cgroup namespace\'s view from outside it', '0::/../../..\n'],
  ];
  for (const [name, text] of cases) assert.equal(containerOfCgroup(text), null, name);
});

test('containerOfCgroup: text that is not a cgroup file names no container and does not throw', () => {
  const cases = ['', '\n\n', 'garbage', `/docker/${WEB_ID}`, `docker/${WEB_ID}`, `0:/docker/${WEB_ID}`, `x::/docker/${WEB_ID}`, `0::docker/${WEB_ID}`, '\0\0\0', ':::::'];
  for (const text of cases) assert.equal(containerOfCgroup(text), null, JSON.stringify(text));
});

test('containerOfCgroup: the first line that names a container wins; colons in a path are part of it', () => {
  assert.deepEqual(containerOfCgroup(`2:cpu:/\n1:name=systemd:/docker/${WEB_ID}\n0::/docker/${API_ID}\n`), docker(WEB_ID));
  assert.deepEqual(containerOfCgroup(`0::/odd:dir/docker/${WEB_ID}\n`), docker(WEB_ID));
  assert.deepEqual(containerOfCgroup(`0::/docker/${WEB_ID}`), docker(WEB_ID), 'no final newline');
});

test('containerOfCgroupPath: repeated and trailing slashes do not matter', () => {
  assert.deepEqual(containerOfCgroupPath(`//docker//${WEB_ID}/`), docker(WEB_ID));
  assert.equal(containerOfCgroupPath(''), null);
  assert.equal(containerOfCgroupPath('/'), null);
});
