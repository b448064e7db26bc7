import { request, type IncomingMessage } from 'node:http';
import type { z } from 'zod';
import {
  ContainerInspectSchema,
  ContainerListSchema,
  EngineErrorSchema,
  EngineEventSchema,
  EngineVersionSchema,
  type ContainerInspect,
  type ContainerSummary,
  type EngineEvent,
} from './docker-engine-schema.js';
import { engineFailureOf, EngineUnavailable } from './engine-unavailable.js';
import { LineSplitter } from './line-splitter.js';

/*
 * A small client of the Docker Engine API over its unix socket, with Node's own http client: the docker CLI
 * is not needed, and nothing else is spoken than the few GETs ns53 uses.
 *
 * Paths carry no /vX.Y prefix. Docker serves an unversioned path at its own current API version, and every
 * field ns53 reads (Name, Config.Image, State.Pid, NetworkSettings.SandboxKey and .Networks, the events'
 * Type/Action/Actor) has been there since API 1.22. A pinned version would only add ways to fail: above the
 * daemon's it is refused ("client version is too new"), and below its MinAPIVersion too, which recent
 * daemons keep raising. Asking /version first to learn the version would cost a round trip for nothing.
 */

/** Where the Engine listens and how long to wait for it. */
export interface DockerEngineOptions {
  socketPath: string;
  /** Time allowed for a request's whole answer, and for /events to begin (default {@link ENGINE_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** What `GET /version` says of the daemon. */
export interface EngineVersion {
  /** `20.10.24+dfsg1`. */
  version: string;
  /** `1.41`. */
  apiVersion: string;
  /** `6.1.0-18-amd64`; null when the daemon does not say. */
  kernel: string | null;
}

/** A followed /events stream. */
export interface EngineEventStream {
  /**
   * Settles when the stream stops: resolves once the caller's signal has stopped it, rejects with an
   * EngineUnavailable ('events-ended') when the Engine ends it or it breaks. Never an unhandled rejection.
   */
  closed: Promise<void>;
}

/** Time allowed for one request: a local daemon answers in milliseconds, a wedged one never does. */
export const ENGINE_TIMEOUT_MS = 3_000;

/** Only what changes a container's name, netns or addresses; the rest (images, volumes, exec) is left at the daemon. */
const EVENT_FILTERS = JSON.stringify({ type: ['container', 'network'] });

/** The Docker Engine API on one unix socket; every method rejects with an EngineUnavailable that says why. */
export class DockerEngine {
  readonly socketPath: string;
  readonly timeoutMs: number;

  constructor(options: DockerEngineOptions) {
    this.socketPath = options.socketPath;
    this.timeoutMs = options.timeoutMs ?? ENGINE_TIMEOUT_MS;
  }

  /** `GET /_ping`: resolves when something that answers like an Engine listens. */
  async ping(): Promise<void> {
    const { status, body } = await this.get('/_ping');
    if (status !== 200) throw this.statusFailure('/_ping', status, body);
    if (body.trim() !== 'OK') throw this.notEngine('/_ping', `the answer is ${JSON.stringify(body.slice(0, 40))}, not OK`);
  }

  /** `GET /version`: the daemon's version, API version and kernel. */
  async version(): Promise<EngineVersion> {
    const answer = await this.getJson('/version', EngineVersionSchema);
    return { version: answer.Version, apiVersion: answer.ApiVersion, kernel: answer.KernelVersion || null };
  }

  /** `GET /containers/json`: the running containers. */
  async listContainers(): Promise<ContainerSummary[]> {
    return this.getJson('/containers/json', ContainerListSchema);
  }

  /** `GET /containers/{id}/json` (an id, a unique prefix of one, or a name); null when the Engine has no such container. */
  async inspectContainer(id: string): Promise<ContainerInspect | null> {
    const path = `/containers/${encodeURIComponent(id)}/json`;
    const answer = await this.get(path);
    return answer.status === 404 ? null : this.readJson(path, answer, ContainerInspectSchema);
  }

  /**
   * `GET /events` for containers and networks: resolves once the Engine has subscribed ns53 (so nothing that
   * happens after is missed), then calls `onEvent` for each event (which must not throw) until `signal` aborts.
   * Events that do not fit the schema are skipped: a newer daemon's event is not a reason to stop.
   */
  async followEvents(onEvent: (event: EngineEvent) => void, signal: AbortSignal): Promise<EngineEventStream> {
    const path = `/events?filters=${encodeURIComponent(EVENT_FILTERS)}`;
    // Only the opening has a deadline: events may rightly be quiet for hours.
    const opening = new AbortController();
    const timer = setTimeout(() => opening.abort(), this.timeoutMs);
    let response: IncomingMessage;
    try {
      response = await this.send(path, AbortSignal.any([signal, opening.signal]));
      if (response.statusCode !== 200) throw this.statusFailure('/events', response.statusCode ?? 0, await readBody(response));
    } catch (error) {
      throw engineFailureOf(error, { socketPath: this.socketPath, request: 'GET /events', timedOutAfter: opening.signal.aborted ? this.timeoutMs : null });
    } finally {
      clearTimeout(timer);
    }
    const closed = this.readEvents(response, onEvent, signal);
    closed.catch(() => {}); // the caller may never look; a rejection it does look at still reaches it
    return { closed };
  }

  private async readEvents(response: IncomingMessage, onEvent: (event: EngineEvent) => void, signal: AbortSignal): Promise<void> {
    // dockerd writes each event with Go's json.Encoder: one object, then a newline. Lines are cut from the bytes
    // (an object may arrive in pieces, several in one chunk) and decoded whole, so a split UTF-8 name survives.
    const splitter = new LineSplitter((bytes, start, end) => {
      const event = parseEngineEvent(bytes.toString('utf8', start, end));
      if (event !== null) onEvent(event);
    });
    try {
      for await (const chunk of response) splitter.push(chunk as Buffer);
    } catch (error) {
      if (signal.aborted) return;
      throw new EngineUnavailable({ kind: 'events-ended', socketPath: this.socketPath, detail: (error as Error).message });
    }
    splitter.end();
    if (signal.aborted) return;
    throw new EngineUnavailable({ kind: 'events-ended', socketPath: this.socketPath, detail: 'the Engine closed the stream' });
  }

  /** GET `path` and its whole body within the time allowed. */
  private async get(path: string): Promise<{ status: number; body: string }> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await this.send(path, deadline);
      return { status: response.statusCode ?? 0, body: await readBody(response) };
    } catch (error) {
      throw engineFailureOf(error, { socketPath: this.socketPath, request: `GET ${path}`, timedOutAfter: deadline.aborted ? this.timeoutMs : null });
    }
  }

  /** GET `path` as JSON checked by `schema`. */
  private async getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.readJson(path, await this.get(path), schema);
  }

  /** The answer to GET `path` as JSON checked by `schema`; anything but a 200 with such JSON is an EngineUnavailable. */
  private readJson<T>(path: string, { status, body }: { status: number; body: string }, schema: z.ZodType<T>): T {
    if (status !== 200) throw this.statusFailure(path, status, body);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw this.notEngine(path, `the answer is not JSON (${JSON.stringify(body.slice(0, 40))})`);
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw this.notEngine(path, `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }

  private send(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const sent = request({ socketPath: this.socketPath, path, method: 'GET', signal });
      sent.on('response', resolve);
      // `on`, not `once`: an error after the answer began (a reset mid-body) must not go unheard; the body's reader sees it.
      sent.on('error', reject);
      sent.end();
    });
  }

  private statusFailure(path: string, status: number, body: string): EngineUnavailable {
    let message: string | null = null;
    try {
      const parsed = EngineErrorSchema.safeParse(JSON.parse(body));
      if (parsed.success) message = parsed.data.message;
    } catch {
      // Not the Engine's JSON error: the status alone is said.
    }
    return new EngineUnavailable({ kind: 'http-status', socketPath: this.socketPath, request: `GET ${path}`, status, message });
  }

  private notEngine(path: string, detail: string): EngineUnavailable {
    return new EngineUnavailable({ kind: 'not-engine', socketPath: this.socketPath, request: `GET ${path}`, detail });
  }
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One line of the /events stream; null for a blank line or one that is not an event ns53 can read. */
function parseEngineEvent(line: string): EngineEvent | null {
  if (line.trim() === '') return null;
  try {
    const parsed = EngineEventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
