import { Ns53Error } from '../errors.js';
import { DEFAULT_DOCKER_SOCKET, chooseDockerSocket, type DockerSocket } from '../sources/docker-host.js';
import { findDockerd, listeningSocketPaths, procView, type AttachTarget } from '../sources/dockerd-finder.js';
import { describeEngineFailure } from '../sources/engine-unavailable.js';

/** How a command names the dockerd it works on (attach, diagnose). */
export interface DockerdTargetOptions {
  docker?: boolean;
  pid?: number;
  pidfile?: string;
  dockerHost?: string;
}

/**
 * The daemon socket to learn names from: --docker-host, else DOCKER_HOST, else the socket the traced dockerd
 * itself listens on (so `--pid` of a second daemon is not named by the system one), else the default.
 */
export function engineSocketFor(options: DockerdTargetOptions, target: AttachTarget): DockerSocket | { failure: string } {
  try {
    const env = process.env['DOCKER_HOST'];
    if (options.dockerHost || env) return chooseDockerSocket({ flag: options.dockerHost, env });
    const listening = listeningSocketPaths(target.pid, procView()) ?? [];
    // dockerd also listens on metrics.sock and plugin sockets; its API socket is the one named docker.sock.
    const own = listening.find((path) => path === DEFAULT_DOCKER_SOCKET) ?? listening.find((path) => path.endsWith('/docker.sock'));
    return own ? { path: own, from: 'the traced dockerd' } : chooseDockerSocket({});
  } catch (error) {
    return { failure: describeEngineFailure(error) };
  }
}

/** The process to work on: --pid, else dockerd found by --pidfile, DOCKER_HOST or its name. */
export function chooseTarget(options: DockerdTargetOptions): AttachTarget {
  if (options.docker && options.pid !== undefined) throw new Ns53Error('E_USAGE', '--docker and --pid both name the process to trace; give one');
  return findDockerd(
    options.pid !== undefined ? { pid: options.pid } : { ...(options.pidfile ? { pidFile: options.pidfile } : {}), dockerHost: process.env['DOCKER_HOST'] },
    procView(),
  );
}

