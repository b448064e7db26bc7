import { EngineUnavailable } from './engine-unavailable.js';

/*
 * Which Docker daemon socket to read: the one the user names with --docker-host, else DOCKER_HOST as the docker
 * CLI reads it, else dockerd's default. Only unix sockets: ns53 traces a daemon on this machine, and the names
 * it learns must be that daemon's.
 */

/** The docker CLI's default when DOCKER_HOST is unset or `unix://` with no path; dockerd's default socket. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** A daemon address: a unix socket path, or the scheme of one ns53 does not read (tcp, ssh, npipe, fd). */
export type DockerHostAddress = { scheme: 'unix'; path: string } | { scheme: string };

/**
 * A daemon address as the docker CLI reads DOCKER_HOST: no scheme means tcp, `unix://` alone the default socket.
 * With `bare: 'path'` a value without a scheme is a socket path instead (the --docker-host flag).
 */
export function parseDockerHost(value: string, bare: 'tcp' | 'path' = 'tcp'): DockerHostAddress {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase() ?? null;
  if (scheme === null) return bare === 'path' ? { scheme: 'unix', path: value } : { scheme: 'tcp' };
  if (scheme !== 'unix') return { scheme };
  return { scheme, path: value.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET };
}

/** What the user gave: the flag's value and the environment's; empty counts as unset, as it does for the docker CLI. */
export interface DockerSocketRequest {
  /** `--docker-host`: `unix:///path`, or a bare path (the flag has no tcp shorthand to keep apart from a path). */
  flag?: string | undefined;
  /** The caller passes process.env.DOCKER_HOST. */
  env?: string | undefined;
}

/** The socket to talk to, and where its path came from (for messages). */
export interface DockerSocket {
  path: string;
  from: '--docker-host' | 'DOCKER_HOST' | 'the traced dockerd' | 'the default';
}

/** Chooses the socket: flag, then DOCKER_HOST, then the default; throws an EngineUnavailable ('remote') for a tcp://, ssh://… address. */
export function chooseDockerSocket(request: DockerSocketRequest): DockerSocket {
  const flag = request.flag?.trim();
  if (flag) return unixSocket(flag, '--docker-host', parseDockerHost(flag, 'path'));
  const env = request.env?.trim();
  if (env) return unixSocket(env, 'DOCKER_HOST', parseDockerHost(env));
  return { path: DEFAULT_DOCKER_SOCKET, from: 'the default' };
}

function unixSocket(value: string, from: DockerSocket['from'], address: DockerHostAddress): DockerSocket {
  if (!('path' in address)) throw new EngineUnavailable({ kind: 'remote', from, address: value, scheme: address.scheme });
  return { path: address.path, from };
}
