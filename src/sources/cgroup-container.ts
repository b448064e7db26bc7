import type { ContainerInfo } from '../containers/container-info.js';

/*
 * Which container a process belongs to, from the text of /proc/<pid>/cgroup: the fallback for hosts with no
 * Engine API to ask (podman, containerd, Kubernetes nodes). Each runtime names the container's cgroup after its
 * id in its own way; the patterns below say where each one comes from. Only 64-hex ids are accepted, so a
 * cgroup that merely looks like a path (`/user.slice/…`, `ctr run`'s free-form ids) is never taken for one.
 */

/** The container a cgroup path names: its full id and the runtime that named it. */
export interface CgroupContainer {
  /** 64 lowercase hex digits. */
  id: string;
  /** `kubernetes` for any container under kubepods, whatever the CRI runtime. */
  runtime: ContainerInfo['runtime'];
}

type Runtime = CgroupContainer['runtime'];

const ID = '([0-9a-f]{64})';

/** A cgroup directory named after a container id, whatever its parents. */
interface NamedCgroup {
  /** Matches one path component; group 1 is the id. */
  pattern: RegExp;
  runtime: Runtime;
}

const NAMED_CGROUPS: readonly NamedCgroup[] = [
  // runc's systemd driver turns cgroupsPath `slice:prefix:name` into the scope `<prefix>-<name>.scope`
  // (opencontainers/runc docs/systemd.md); dockerd passes `system.slice:docker:<id>` (moby
  // cmd/dockerd/daemon_systemd_unix.go, newCgroupParent). Rootless dockerd's scopes sit under user@UID.service.
  { pattern: new RegExp(`^docker-${ID}\\.scope$`), runtime: 'docker' },
  // podman: `<slice>:libpod:<id>` with the systemd manager (root under machine.slice, rootless under
  // user@UID.service/user.slice), `<parent>/libpod-<id>` with cgroupfs (containers/podman
  // libpod/container_internal_linux.go). Its monitor's `libpod-conmon-<id>.scope` is not a container, and
  // `conmon-<id>` is not 64 hex digits, so it never matches.
  { pattern: new RegExp(`^libpod-${ID}(?:\\.scope)?$`), runtime: 'podman' },
  // nerdctl with the systemd cgroup manager: `system.slice:nerdctl:<id>` (containerd/nerdctl, generateCgroupPath).
  { pattern: new RegExp(`^nerdctl-${ID}\\.scope$`), runtime: 'containerd' },
  // The CRI runtimes only ever run pods: containerd's CRI plugin with SystemdCgroup = true makes
  // `cri-containerd-<id>.scope`, CRI-O `crio-<id>.scope` (systemd) or `crio-<id>` (cgroupfs)
  // (falcosecurity/libs userspace/libsinsp/container_engine/cri.cpp, CRI_CGROUP_LAYOUT). CRI-O's monitor is
  // `crio-conmon-<id>.scope`, which the 64-hex id rules out as for podman.
  { pattern: new RegExp(`^cri-containerd-${ID}\\.scope$`), runtime: 'kubernetes' },
  { pattern: new RegExp(`^crio-${ID}(?:\\.scope)?$`), runtime: 'kubernetes' },
];

const BARE_ID = new RegExp(`^${ID}$`);

/**
 * The kubelet's pod cgroups: `kubepods/<qos>/pod<uid>` with the cgroupfs driver,
 * `kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice` with systemd (kubernetes
 * pkg/kubelet/cm/cgroup_manager_linux.go). kind's nodes move the root to `kubelet`, giving `kubelet-kubepods.slice`.
 */
const KUBEPODS = /(?:^|-)kubepods(?:$|[-.])/;

/**
 * containerd's default cgroupsPath is `/<namespace>/<id>` (containerd oci/spec.go, populateDefaultUnixSpec:
 * `filepath.Join("/", ns, id)`): `ctr` and nerdctl with cgroupfs use the namespace `default`. The name must be a
 * containerd namespace (containerd identifiers: `[A-Za-z0-9]+([._-][A-Za-z0-9]+)*`) and not a systemd unit.
 */
const CONTAINERD_NAMESPACE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const SYSTEMD_UNIT = /\.(?:slice|scope|service)$/;

/** dockerd's cgroup parent with the cgroupfs driver (moby cmd/dockerd/daemon_systemd_unix.go, newCgroupParent). */
const DOCKER_CGROUPFS_PARENT = 'docker';

/** The container a bare 64-hex directory stands for, from where it sits; null where no runtime puts one. */
function runtimeOfBareId(components: readonly string[], index: number): Runtime | null {
  if (index === 0) return null;
  const parent = components[index - 1]!;
  if (parent === DOCKER_CGROUPFS_PARENT) return 'docker';
  if (index === 1 && CONTAINERD_NAMESPACE.test(parent) && !SYSTEMD_UNIT.test(parent)) return 'containerd';
  return null;
}

/** The container one component of a cgroup path names, given the components above it; null if none. */
function containerOfComponent(components: readonly string[], index: number): CgroupContainer | null {
  const component = components[index]!;
  const underKubepods = components.slice(0, index).some((ancestor) => KUBEPODS.test(ancestor));
  for (const { pattern, runtime } of NAMED_CGROUPS) {
    const id = pattern.exec(component)?.[1];
    if (id !== undefined) return { id, runtime: underKubepods ? 'kubernetes' : runtime };
  }
  const id = BARE_ID.exec(component)?.[1];
  if (id === undefined) return null;
  // The kubelet's cgroupfs driver puts a container's cgroup, named by its bare id, in its pod's.
  const runtime = underKubepods ? 'kubernetes' : runtimeOfBareId(components, index);
  return runtime === null ? null : { id, runtime };
}

/**
 * The container a cgroup path (`/system.slice/docker-<id>.scope`) names. The deepest container wins: it is the
 * one the process runs in when containers nest (kind's pods inside a node container), and the components below
 * it are the container's own sub-cgroups (crun's `container` sub-cgroup on cgroup v2, `run.oci.systemd.subgroup`
 * in containers/crun crun.1.md; a containerised systemd's units).
 */
export function containerOfCgroupPath(path: string): CgroupContainer | null {
  const components = path.split('/').filter((component) => component !== '');
  for (let index = components.length - 1; index >= 0; index--) {
    const container = containerOfComponent(components, index);
    if (container !== null) return container;
  }
  return null;
}

/**
 * The container a process belongs to, from the text of /proc/<pid>/cgroup (cgroup v1 lines
 * `12:memory:/docker/<id>`, the v2 line `0::/system.slice/docker-<id>.scope`, or both on hybrid hosts): the first
 * line whose path names one. Null for the host's own processes and for text that is not a cgroup file.
 */
export function containerOfCgroup(text: string): CgroupContainer | null {
  for (const line of text.split('\n')) {
    // hierarchy-ID:controller-list:cgroup-path; the path itself may contain colons.
    const match = /^\d+:[^:]*:(\/.*)$/.exec(line);
    const container = match === null ? null : containerOfCgroupPath(match[1]!);
    if (container !== null) return container;
  }
  return null;
}
