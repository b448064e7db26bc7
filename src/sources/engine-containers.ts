import type { ContainerInfo, ContainerNetwork } from '../containers/container-info.js';
import type { ContainerInspect, EngineEvent } from './docker-engine-schema.js';
import type { DockerEngine } from './docker-engine.js';

/** What {@link readEngineContainers} asks of the Engine (a DockerEngine, or a fake in tests). */
export type ContainerLister = Pick<DockerEngine, 'listContainers' | 'inspectContainer'>;

/** The inode of a process's network namespace, or null when it cannot be read (in production: readProcessNetnsInode). */
export type NetnsInodeReader = (pid: number) => number | null;

/** Inspections in flight at once: enough to hide the round trips, few enough not to crowd a busy daemon. */
const INSPECT_CONCURRENCY = 8;

/** Builds what ns53 knows of a container from its inspection; the netns inode is read only for a running one. */
export function buildEngineContainerInfo(inspect: ContainerInspect, statNetnsInode: NetnsInodeReader): ContainerInfo {
  const pid = inspect.State?.Pid || null; // 0: not running
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, '') || null,
    image: inspect.Config?.Image || null,
    networks: Object.entries(inspect.NetworkSettings?.Networks ?? {}).map(
      ([name, endpoint]): ContainerNetwork => ({ name, ipv4: endpoint?.IPAddress || null, ipv6: endpoint?.GlobalIPv6Address || null }),
    ),
    sandboxKey: inspect.NetworkSettings?.SandboxKey || null,
    pid,
    netnsInode: pid === null ? null : statNetnsInode(pid),
    runtime: 'docker',
    source: 'engine',
  };
}

/**
 * What a container event says of its container (name and image are among its attributes), for one that is gone
 * before it could be inspected; null for an event that does not name one.
 */
export function buildEventContainerInfo(event: EngineEvent): ContainerInfo | null {
  const name = event.Actor.Attributes?.['name'];
  if (event.Type !== 'container' || !name) return null;
  return {
    id: event.Actor.ID,
    name,
    image: event.Actor.Attributes?.['image'] || null,
    networks: [],
    sandboxKey: null,
    pid: null,
    netnsInode: null,
    runtime: 'docker',
    source: 'engine',
  };
}

/** Inspects one container: its info, or null when the Engine no longer has it. */
export async function inspectEngineContainer(engine: Pick<DockerEngine, 'inspectContainer'>, id: string, statNetnsInode: NetnsInodeReader): Promise<ContainerInfo | null> {
  const inspect = await engine.inspectContainer(id);
  return inspect === null ? null : buildEngineContainerInfo(inspect, statNetnsInode);
}

/**
 * The running containers as the Engine API knows them, in its list's order. A container removed between the
 * list and its inspection is left out; any other failure rejects with an EngineUnavailable.
 */
export async function readEngineContainers(engine: ContainerLister, statNetnsInode: NetnsInodeReader): Promise<ContainerInfo[]> {
  const ids = (await engine.listContainers()).map((summary) => summary.Id);
  const found: Array<ContainerInfo | null> = new Array(ids.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      try {
        found[index] = await inspectEngineContainer(engine, ids[index]!, statNetnsInode);
      } catch (error) {
        next = ids.length; // one failure is the answer: the other workers ask no more
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, ids.length) }, worker));
  return found.filter((info): info is ContainerInfo => info !== null);
}
