import type { ContainerSnapshot } from '../containers/container-source.js';
import { chooseDockerSocket, type DockerSocketRequest } from './docker-host.js';
import { DockerEngine } from './docker-engine.js';
import { readEngineContainers } from './engine-containers.js';
import { describeEngineFailure } from './engine-unavailable.js';
import { readProcessNetnsInode } from './netns-snapshot.js';

/**
 * The containers the Docker daemon has now (`replay --docker`), once, with a note that says where names came
 * from; when the daemon cannot be asked, no containers and a note that says why.
 */
export async function readDockerSnapshot(request: DockerSocketRequest): Promise<ContainerSnapshot> {
  try {
    const socket = chooseDockerSocket(request);
    const engine = new DockerEngine({ socketPath: socket.path });
    const version = await engine.version();
    const containers = await readEngineContainers(engine, (pid) => readProcessNetnsInode(pid));
    return {
      containers,
      notes: [`container names from the Docker daemon at ${socket.path} now (Docker ${version.version}; ${containers.length} running); containers gone since the trace show no name`],
    };
  } catch (error) {
    return { containers: [], notes: [`--docker: container names unavailable: ${describeEngineFailure(error)}`] };
  }
}
