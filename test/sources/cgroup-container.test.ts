import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerOfCgroup, containerOfCgroupPath, type CgroupContainer } from '../../src/sources/cgroup-container.js';

// Ids as they appear in real cgroup files: the lab's containers `web` and `api` (fixtures/engine-api), a podman
// container from its debug log, a rootless podman one from containers/crun#106, a pod container from
// Qard/container-info's fixtures, and a rootless kubelet's from its Rootless feature-gate patch.
const WEB = '4c0732f8cba19ae64ce731403f51277510fb41efacb4cd0cd10abf33d6e8855f';
const API = 'ec55e188570b8e7e6a20b44638cc9f5f129bc769f555e8cb08e7ee5a83604169';
const PODMAN = '6dd05e91f00f99281f70b1fd90a29e5cc30b0dab243cb7cfb6153d8017872394';
const ROOTLESS_PODMAN = '498cc4ceeee46ea3a04a12b8e495989c92074ae1513081332fed5312a2d9dc68';
const POD_CONTAINER = '34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376';
const CRI_CONTAINER = '6938564e754ad86269a536ed19172af0eff5f7ff0a41eefc5b433a76f1f38f16';
const POD_UID = '74c13223-5a00-11e9-b385-42010a80018d';
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
    ['docker, cgroupfs driver, v2', `0::/docker/${WEB}\n`, docker(WEB)],
    ['docker, cgroupfs driver, v1', cgroupV1(`/docker/${API}`), docker(API)],
    ['docker, one v1 line', `12:memory:/docker/${API}`, docker(API)],
    ['docker, systemd driver', `0::/system.slice/docker-${WEB}.scope\n`, docker(WEB)],
    ['docker, systemd driver, v1', cgroupV1(`/system.slice/docker-${WEB}.scope`), docker(WEB)],
    ['rootless docker', `0::/user.slice/user-1000.slice/user@1000.service/user.slice/docker-${WEB}.scope\n`, docker(WEB)],
    ['podman, root', `0::/machine.slice/libpod-${PODMAN}.scope\n`, podman(PODMAN)],
    ['podman, crun\'s container sub-cgroup', `0::/machine.slice/libpod-${PODMAN}.scope/container\n`, podman(PODMAN)],
    ['podman pod', `0::/machine.slice/machine-libpod_pod_0f6b2f6a1e9c.slice/libpod-${PODMAN}.scope/container\n`, podman(PODMAN)],
    ['podman, rootless', `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ROOTLESS_PODMAN}.scope\n`, podman(ROOTLESS_PODMAN)],
    ['podman, cgroupfs manager', `0::/libpod_parent/libpod-${PODMAN}\n`, podman(PODMAN)],
    ['podman, rootless, beside a v1 name=systemd line (crun#106)', `1:name=systemd:/\n0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ROOTLESS_PODMAN}.scope\n`, podman(ROOTLESS_PODMAN)],
    ['containerd (ctr, nerdctl) in its default namespace', `0::/default/${WEB}\n`, containerd(WEB)],
    ['containerd, another namespace', `0::/buildkit.ns/${WEB}\n`, containerd(WEB)],
    ['nerdctl, systemd cgroup manager', `0::/system.slice/nerdctl-${WEB}.scope\n`, containerd(WEB)],
    [
      'kubernetes, systemd driver, containerd',
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/cri-containerd-${POD_CONTAINER}.scope\n`,
      kubernetes(POD_CONTAINER),
    ],
    ['kubernetes, guaranteed pod', `0::/kubepods.slice/kubepods-pod${POD_SLICE_UID}.slice/cri-containerd-${POD_CONTAINER}.scope\n`, kubernetes(POD_CONTAINER)],
    ['kubernetes, dockershim', cgroupV1(`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_SLICE_UID}.slice/docker-${POD_CONTAINER}.scope`), kubernetes(POD_CONTAINER)],
    ['kubernetes, CRI-O', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/crio-${POD_CONTAINER}.scope\n`, kubernetes(POD_CONTAINER)],
    ['kubernetes, CRI-O with crun', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/crio-${POD_CONTAINER}.scope/container\n`, kubernetes(POD_CONTAINER)],
    ['kubernetes, CRI-O, cgroupfs', `0::/kubepods/burstable/pod${POD_UID}/crio-${POD_CONTAINER}\n`, kubernetes(POD_CONTAINER)],
    ['kubernetes, cgroupfs driver (k3s)', cgroupV1(`/kubepods/besteffort/pod${POD_UID}/${POD_CONTAINER}`), kubernetes(POD_CONTAINER)],
    ['kubernetes, cgroupfs, guaranteed pod', `0::/kubepods/pod${POD_UID}/${POD_CONTAINER}\n`, kubernetes(POD_CONTAINER)],
    ['kubernetes, rootless kubelet (no QoS cgroups)', `0::/user.slice/user-1001.slice/user@1001.service/user.slice/cri-containerd-${CRI_CONTAINER}.scope\n`, kubernetes(CRI_CONTAINER)],
    [
      'a pod in a kind node: the pod\'s container, not the node\'s',
      `0::/system.slice/docker-${WEB}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${POD_SLICE_UID}.slice/cri-containerd-${POD_CONTAINER}.scope\n`,
      kubernetes(POD_CONTAINER),
    ],
    ['docker in docker, v1: the inner container', `4:memory:/docker/${WEB}/docker/${API}\n`, docker(API)],
    ['a containerised systemd\'s own unit', `0::/system.slice/docker-${WEB}.scope/init.scope\n`, docker(WEB)],
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
    ['podman\'s conmon', `0::/machine.slice/libpod-conmon-${PODMAN}.scope\n`],
    ['CRI-O\'s conmon', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice/crio-conmon-${POD_CONTAINER}.scope\n`],
    ['a pod\'s own cgroup', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SLICE_UID}.slice\n`],
    ['the kubelet', '0::/system.slice/kubelet.service\n'],
    ['this machine\'s sandbox (a 32-hex id)', '4:memory:/process_api/7a2a575f7bb41afde4b3f4d04408e760\n0::/\n'],
    ['ctr\'s free-form ids', '0::/default/my-redis\n'],
    ['a 64-hex directory under a systemd slice', `0::/system.slice/${WEB}\n`],
    ['a 64-hex directory at the root', `0::/${WEB}\n`],
    ['a 64-hex directory deep in an unknown tree', `0::/somewhere/else/${WEB}\n`],
    ['an id one digit short', `0::/docker/${WEB.slice(1)}\n`],
    ['an id one digit long', `0::/system.slice/docker-${WEB}0.scope\n`],
    ['an upper-case id', `0::/docker/${WEB.toUpperCase()}\n`],
    ['a docker scope that is not a scope', `0::/system.slice/docker-${WEB}\n`],
    ['a cgroup namespace\'s view from outside it', '0::/../../..\n'],
  ];
  for (const [name, text] of cases) assert.equal(containerOfCgroup(text), null, name);
});

test('containerOfCgroup: text that is not a cgroup file names no container and does not throw', () => {
  const cases = ['', '\n\n', 'garbage', `/docker/${WEB}`, `docker/${WEB}`, `0:/docker/${WEB}`, `x::/docker/${WEB}`, `0::docker/${WEB}`, '\0\0\0', ':::::'];
  for (const text of cases) assert.equal(containerOfCgroup(text), null, JSON.stringify(text));
});

test('containerOfCgroup: the first line that names a container wins; colons in a path are part of it', () => {
  assert.deepEqual(containerOfCgroup(`2:cpu:/\n1:name=systemd:/docker/${WEB}\n0::/docker/${API}\n`), docker(WEB));
  assert.deepEqual(containerOfCgroup(`0::/odd:dir/docker/${WEB}\n`), docker(WEB));
  assert.deepEqual(containerOfCgroup(`0::/docker/${WEB}`), docker(WEB), 'no final newline');
});

test('containerOfCgroupPath: repeated and trailing slashes do not matter', () => {
  assert.deepEqual(containerOfCgroupPath(`//docker//${WEB}/`), docker(WEB));
  assert.equal(containerOfCgroupPath(''), null);
  assert.equal(containerOfCgroupPath('/'), null);
});
