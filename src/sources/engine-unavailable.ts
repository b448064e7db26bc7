import { Ns53Error } from '../errors.js';

/*
 * Container names are a convenience: when the Docker Engine API cannot be read, ns53 says why once and goes on
 * without them. Each reason below is one thing the user can check or fix, in the words of that fix.
 */

/** Why the Engine API could not be read, with what is needed to say so. */
export type EngineFailure =
  /** The daemon address is tcp://, ssh://…: ns53 reads only a local daemon's unix socket. */
  | { kind: 'remote'; from: string; address: string; scheme: string }
  /** Nothing at the socket path (ENOENT, ENOTDIR). */
  | { kind: 'absent'; socketPath: string }
  /** The socket is there but not ours to open (EACCES, EPERM). */
  | { kind: 'denied'; socketPath: string }
  /** A socket file nobody listens on, or a file that is not a socket (ECONNREFUSED). */
  | { kind: 'refused'; socketPath: string }
  /** No whole answer within the time allowed. */
  | { kind: 'timeout'; socketPath: string; request: string; ms: number }
  /** An HTTP answer other than the one asked for: `message` is the Engine's `{"message": …}` when it sent one. */
  | { kind: 'http-status'; socketPath: string; request: string; status: number; message: string | null }
  /** Something answered, but not as a Docker Engine does: not HTTP, not JSON, not the fields ns53 reads. */
  | { kind: 'not-engine'; socketPath: string; request: string; detail: string }
  /** Any other error of the connection (EMFILE, a reset), in Node's words. */
  | { kind: 'io'; socketPath: string; request: string; detail: string }
  /** The /events stream ended or broke after it had started. */
  | { kind: 'events-ended'; socketPath: string; detail: string };

/** The Engine API cannot be read; `failure` says why. Fatal only where the caller makes it so (an explicit --docker-host). */
export class EngineUnavailable extends Ns53Error {
  constructor(readonly failure: EngineFailure) {
    super(failure.kind === 'remote' ? 'E_DOCKER_HOST_REMOTE' : 'E_ENGINE_UNAVAILABLE', formatEngineFailure(failure));
  }
}

/** The reason in words a user can act on: "permission denied on /var/run/docker.sock: run as root or join the docker group". */
export function formatEngineFailure(failure: EngineFailure): string {
  switch (failure.kind) {
    case 'remote':
      return `${failure.from} is ${failure.address}, a ${failure.scheme} address; ns53 reads only a daemon on this machine, through its unix socket (unix:///path)`;
    case 'absent':
      return `no Docker socket at ${failure.socketPath}`;
    case 'denied':
      return `permission denied on ${failure.socketPath}: run as root or join the docker group`;
    case 'refused':
      return `nothing listens on ${failure.socketPath}: dockerd is not running, or that file is not its socket`;
    case 'timeout':
      return `the Docker Engine at ${failure.socketPath} did not answer ${failure.request} within ${formatSeconds(failure.ms)}`;
    case 'http-status':
      return `the Docker Engine at ${failure.socketPath} answered ${failure.request} with HTTP ${failure.status}${failure.message === null ? '' : ` (${failure.message})`}`;
    case 'not-engine':
      return `${failure.socketPath} does not answer like a Docker Engine: ${failure.request}: ${failure.detail}`;
    case 'io':
      return `cannot talk to the Docker Engine at ${failure.socketPath}: ${failure.request}: ${failure.detail}`;
    case 'events-ended':
      return `the Docker Engine at ${failure.socketPath} stopped sending events (${failure.detail})`;
  }
}

/** Where a failed request went, to name it in the reason. */
export interface EngineRequestContext {
  socketPath: string;
  /** `GET /version`. */
  request: string;
  /** The time allowed, when it ran out before the answer came; null when it did not. */
  timedOutAfter: number | null;
}

/** What connect(2) on a unix socket path says, as a reason. */
const CONNECT_FAILURES: Readonly<Record<string, 'absent' | 'denied' | 'refused'>> = {
  ENOENT: 'absent',
  ENOTDIR: 'absent',
  EACCES: 'denied',
  EPERM: 'denied',
  ECONNREFUSED: 'refused',
};

/** Turns an error of a request to the Engine into the EngineUnavailable that says why; one that already says passes through. */
export function engineFailureOf(error: unknown, context: EngineRequestContext): EngineUnavailable {
  if (error instanceof EngineUnavailable) return error;
  const { socketPath, request, timedOutAfter } = context;
  if (timedOutAfter !== null) return new EngineUnavailable({ kind: 'timeout', socketPath, request, ms: timedOutAfter });
  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? '');
  const connectFailure = CONNECT_FAILURES[code];
  if (connectFailure !== undefined) return new EngineUnavailable({ kind: connectFailure, socketPath });
  const detail = error instanceof Error ? error.message : String(error);
  // llhttp's codes: bytes came back, but not an HTTP answer.
  if (code.startsWith('HPE_')) return new EngineUnavailable({ kind: 'not-engine', socketPath, request, detail: `the answer is not HTTP (${detail})` });
  return new EngineUnavailable({ kind: 'io', socketPath, request, detail });
}

/** The single notice for a failed Engine API: the reason, then what ns53 does without it. */
export function describeEngineFailure(error: unknown): string {
  if (!(error instanceof EngineUnavailable)) {
    return `the Docker Engine API failed unexpectedly (${error instanceof Error ? error.message : String(error)}); sessions show no container names`;
  }
  const consequence =
    error.failure.kind === 'events-ended'
      ? 'containers known so far keep their names; those started from now on show without them'
      : 'sessions show no container names';
  return `${error.message}; ${consequence}`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
