/** One network a container is attached to, as the Engine API reports it, or one interface of its netns as /proc shows it. */
export interface ContainerNetwork {
  /** `labnet`, `bridge`…; with `source: 'proc'` the interface (`eth0`), since /proc knows no network names. */
  name: string;
  ipv4: string | null;
  ipv6: string | null;
}

/**
 * A container as ns53 names it: what the Docker Engine API says about it (`source: 'engine'`), or what /proc
 * shows of a container without an API to ask (`source: 'proc'`: podman, containerd, Kubernetes nodes), where
 * name and image are unknown and networks are the interfaces of its netns with their addresses.
 */
export interface ContainerInfo {
  /** The full id (64 hex digits). */
  id: string;
  /** `web` (without the API's leading slash); null when only /proc was read. */
  name: string | null;
  /** The image as the container was created from it (`Config.Image`: `nginx:1.27`). */
  image: string | null;
  networks: ContainerNetwork[];
  /** `NetworkSettings.SandboxKey`: the netns file dockerd setns()es into (`/var/run/docker/netns/6d527838845f`). */
  sandboxKey: string | null;
  /** The container's main process (`State.Pid`); null when it is not running. */
  pid: number | null;
  /** The inode of the container's network namespace (`stat -L /proc/<pid>/ns/net`), when it could be read. */
  netnsInode: number | null;
  /** Which runtime the id came from: the Engine API's docker, or a cgroup path's docker, containerd (cri), podman or kubepods. */
  runtime: 'docker' | 'containerd' | 'podman' | 'kubernetes';
  source: 'engine' | 'proc';
}
