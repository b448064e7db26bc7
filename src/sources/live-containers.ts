import { ContainerDirectory } from '../containers/container-directory.js';
import type { ContainerInfo } from '../containers/container-info.js';
import type { DockerSocket } from './docker-host.js';
import { DockerEngine, type EngineVersion } from './docker-engine.js';
import { EngineContainerWatch } from './engine-container-watch.js';
import { readNetnsInode } from './netns-inode.js';
import { scanProcContainers } from './proc-containers.js';

/** The containers of this host while a live trace runs, kept current, and how they were learned. */
export interface LiveContainers {
  /** Where the pipeline names namespaces; it learns every container as soon as it is seen. */
  readonly directory: ContainerDirectory;
  /** Every container seen so far, for the meta file (the oldest facts first, so later ones win on replay). */
  all(): ContainerInfo[];
  /** The daemon's version, when its API answered. */
  readonly dockerd: EngineVersion | null;
  /** One process in each container's network namespace, to find which of them dockerd's socket fds live in. */
  namespacePids(): number[];
  close(): Promise<void>;
}

/**
 * Learns the containers from the Docker daemon's Engine API on `socket` and follows its events; when the API
 * cannot be read, from /proc (ids and addresses, no names). Says once, through `say`, where names come from
 * or why there are none. Never throws: ns53 traces without names rather than not at all.
 */
export async function startLiveContainers(socket: DockerSocket | { failure: string }, say: (line: string) => void, procRoot = '/proc'): Promise<LiveContainers> {
  const directory = new ContainerDirectory();
  if ('failure' in socket) return fromProc(directory, socket.failure, say, procRoot);
  let watch: EngineContainerWatch | null = null;
  const learn = (): void => {
    // Oldest first: a container that took over a retired one's address must win.
    for (const container of watch?.all().reverse() ?? []) directory.add(container);
  };
  watch = await EngineContainerWatch.start(new DockerEngine({ socketPath: socket.path }), {
    statNetnsInode: (pid) => readNetnsInode(`${procRoot}/${pid}/ns/net`),
    onChange: learn,
    onNotice: (notice) => {
      if (watch?.engineVersion) say(`container names may go stale: ${notice}`);
    },
  });
  const version = watch.engineVersion;
  if (version === null) {
    await watch.close();
    return fromProc(directory, `${watch.notice ?? `the Docker daemon at ${socket.path} did not answer`}`, say, procRoot);
  }
  learn();
  const running = watch.runningContainers().length;
  say(`container names from the Docker daemon at ${socket.path} (Docker ${version.version}, API ${version.apiVersion}; ${running} running container${running === 1 ? '' : 's'}; socket from ${socket.from})`);
  const engineWatch = watch;
  return {
    directory,
    all: () => engineWatch.all().reverse(),
    dockerd: version,
    namespacePids: () => pidsOf(engineWatch.runningContainers()),
    close: () => engineWatch.close(),
  };
}

/** No Engine API: the containers /proc shows, by id. */
function fromProc(directory: ContainerDirectory, why: string, say: (line: string) => void, procRoot: string): LiveContainers {
  const found = scanProcContainers(procRoot);
  for (const container of found) directory.add(container);
  say(`container names unavailable: ${why}; ${found.length === 0 ? 'no containers found in /proc either' : `${found.length} container${found.length === 1 ? '' : 's'} found in /proc, known by id only (NDJSON netns.container)`}`);
  return { directory, all: () => found, dockerd: null, namespacePids: () => pidsOf(found), close: async () => undefined };
}

function pidsOf(containers: readonly ContainerInfo[]): number[] {
  return containers.flatMap((container) => (container.pid === null ? [] : [container.pid]));
}
