import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from './repo-root.js';
import { cleanUpAfterTest } from './test-cleanups.js';

/*
 * A Docker Engine API for unit tests, on a unix socket in a temp dir, answering with the responses recorded
 * from the lab (fixtures/engine-api/). Its containers change as /events goes: when the stream has sent `start`
 * of `extra`, inspecting `extra` finds it running; after `destroy`, it is gone (404), as with a real daemon.
 */

const FIXTURES = repoPath('fixtures', 'engine-api');

/** A recorded fixture file's text. */
export function engineFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A recorded fixture file as JSON. */
export function engineFixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(engineFixture(name)) as T;
}

/** An answer the test puts in place of the fake's own. */
export interface FakeAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export interface FakeDockerEngineOptions {
  /** Cut the /events bytes into writes of this many bytes (objects split mid-way, several in one write); default one line a write. */
  eventChunkBytes?: number;
  /** Pause between /events writes (default 5 ms). */
  eventDelayMs?: number;
  /** End the /events stream after the last event; a real daemon keeps it open (the default). */
  endEvents?: boolean;
  /** Open /events but send nothing until {@link FakeDockerEngine.releaseEvents}: the test decides when things happen. */
  holdEvents?: boolean;
  /** Answers the request itself when it returns an answer (the path is without query and version prefix). */
  override?: (path: string) => FakeAnswer | null;
  /** Ids or names the fake lists but no longer has (inspecting them gives the recorded 404). */
  vanished?: string[];
}

/** An inspect document, as far as the fake reads and changes it. */
interface InspectDocument {
  Id: string;
  Name: string;
  State: { Pid: number; Running: boolean; Status: string };
  NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string }> };
}

/** How each event changes the fake's containers, by Action (network events change nothing it serves). */
const EVENT_EFFECTS: Readonly<Record<string, (engine: FakeDockerEngine, id: string) => void>> = {
  create: (engine, id) => engine.containers.set(id, stopped(recordedInspect(id))),
  start: (engine, id) => engine.containers.set(id, recordedInspect(id)),
  die: (engine, id) => engine.containers.set(id, stopped(recordedInspect(id))),
  destroy: (engine, id) => engine.containers.delete(id),
};

/** The recorded inspect documents, by id. */
function recordedInspects(): Map<string, InspectDocument> {
  const documents = ['inspect-web.json', 'inspect-api.json', 'inspect-extra.json'].map((name) => engineFixtureJson<InspectDocument>(name));
  return new Map(documents.map((document) => [document.Id, document]));
}

function recordedInspect(id: string): InspectDocument {
  const document = recordedInspects().get(id);
  if (document === undefined) throw new Error(`no recorded inspect for ${id}`);
  return document;
}

/** A recorded running container as the Engine shows it once stopped: no pid, no sandbox, no addresses. */
function stopped(document: InspectDocument): InspectDocument {
  const copy = structuredClone(document);
  copy.State = { ...copy.State, Pid: 0, Running: false, Status: 'exited' };
  copy.NetworkSettings.SandboxKey = '';
  for (const endpoint of Object.values(copy.NetworkSettings.Networks)) endpoint.IPAddress = '';
  return copy;
}

/** The recorded 404 of inspect-missing.http: its headers, and its body for another name. */
function missingAnswer(ref: string): { headers: Record<string, string>; body: string } {
  const [head, body] = engineFixture('inspect-missing.http').split(/\r?\n\r?\n/, 2) as [string, string];
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (!/^(content-length|date)$/i.test(name)) headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, body: `${body.trim().replace('nosuch', ref)}\n` };
}

/** A fake Engine API on a unix socket; {@link close} it after each test. */
export class FakeDockerEngine {
  readonly socketPath: string;
  /** Every request's method and path, in order (`GET /version`). */
  readonly requests: string[] = [];
  /** The containers the fake has now, by id: web and api at first. */
  readonly containers: Map<string, InspectDocument>;
  /** Resolves when the last event has been written. */
  readonly eventsSent: Promise<void>;
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private release: () => void = () => {};
  private closed = false;
  private readonly released: Promise<void>;
  private sent!: () => void;

  private constructor(
    private readonly dir: string,
    private readonly options: FakeDockerEngineOptions,
  ) {
    this.socketPath = join(dir, 'docker.sock');
    this.containers = new Map([...recordedInspects()].filter(([, document]) => document.Name !== '/extra'));
    this.server = createServer((request, response) => this.answer(request, response));
    this.released = options.holdEvents ? new Promise((resolve) => (this.release = resolve)) : Promise.resolve();
    this.eventsSent = new Promise((resolve) => (this.sent = resolve));
  }

  /** Lets /events go on, with `holdEvents`. */
  releaseEvents(): void {
    this.release();
  }

  /** Starts a fake listening in a new temp dir. */
  static async start(options: FakeDockerEngineOptions = {}): Promise<FakeDockerEngine> {
    const engine = new FakeDockerEngine(mkdtempSync(join(tmpdir(), 'ns53-engine-')), options);
    await new Promise<void>((resolve) => engine.server.listen(engine.socketPath, resolve));
    return engine;
  }

  /** Stops answering, drops open streams, removes the temp dir. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const override = this.options.override?.(path);
    if (override) return send(response, override.status, override.body, { 'Content-Type': override.contentType ?? 'application/json' });
    if (path === '/_ping') return send(response, 200, 'OK', { 'Content-Type': 'text/plain; charset=utf-8', 'Api-Version': '1.41' });
    if (path === '/version') return sendJson(response, engineFixture('version.json'));
    if (path === '/containers/json') return sendJson(response, engineFixture('containers.json'));
    if (path === '/events') return this.streamEvents(response);
    const inspect = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (inspect) {
      const ref = decodeURIComponent(inspect[1]!);
      const found = this.vanished(ref) ? undefined : this.findContainer(ref);
      if (found) return sendJson(response, JSON.stringify(found));
      const missing = missingAnswer(ref);
      return send(response, 404, missing.body, missing.headers);
    }
    send(response, 404, '{"message":"page not found"}\n', { 'Content-Type': 'application/json' });
  }

  /** As dockerd looks a container up: full id, then name, then a unique id prefix. */
  private findContainer(ref: string): InspectDocument | undefined {
    const all = [...this.containers.values()];
    const byPrefix = all.filter((document) => document.Id.startsWith(ref));
    return this.containers.get(ref) ?? all.find((document) => document.Name === `/${ref}`) ?? (byPrefix.length === 1 ? byPrefix[0] : undefined);
  }

  private vanished(ref: string): boolean {
    return (this.options.vanished ?? []).some((gone) => gone === ref || this.findContainer(gone)?.Id === ref);
  }

  /** Writes events.ndjson in pieces, applying each event to the containers just before its last byte goes out. */
  private streamEvents(response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
    response.flushHeaders();
    const text = engineFixture('events.ndjson');
    const lines = text.split(/(?<=\n)/);
    const pieces = this.options.eventChunkBytes === undefined ? lines : cut(text, this.options.eventChunkBytes);
    let lineEnd = 0;
    let lineIndex = 0;
    let written = 0;
    const writeNext = (index: number): void => {
      if (index === pieces.length) {
        if (this.options.endEvents) response.end();
        this.sent();
        return;
      }
      const piece = pieces[index]!;
      written += piece.length;
      while (lineIndex < lines.length && lineEnd + lines[lineIndex]!.length <= written) {
        lineEnd += lines[lineIndex]!.length;
        const event = JSON.parse(lines[lineIndex++]!) as { Type: string; Action: string; Actor: { ID: string } };
        if (event.Type === 'container') EVENT_EFFECTS[event.Action]?.(this, event.Actor.ID);
      }
      response.write(piece);
      this.later(() => writeNext(index + 1));
    };
    void this.released.then(() => this.later(() => writeNext(0)));
  }

  private later(run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, this.options.eventDelayMs ?? 5);
    this.timers.add(timer);
  }
}

/** Starts a fake Engine that is closed after the running test. */
export async function fakeEngine(options: FakeDockerEngineOptions = {}): Promise<FakeDockerEngine> {
  const fake = await FakeDockerEngine.start(options);
  cleanUpAfterTest(() => fake.close());
  return fake;
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  response.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJson(response: ServerResponse, body: string): void {
  send(response, 200, body.endsWith('\n') ? body : `${body}\n`, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
}

function cut(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** A unix socket server that is not an Engine: `onConnection` decides what it says (garbage, or nothing at all). */
export class RawSocketServer {
  readonly socketPath: string;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly dir: string,
    private readonly server: NetServer,
  ) {
    this.socketPath = join(dir, 'docker.sock');
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
    });
  }

  /** Listens in a new temp dir. */
  static async start(onConnection: (socket: Socket) => void): Promise<RawSocketServer> {
    const raw = new RawSocketServer(mkdtempSync(join(tmpdir(), 'ns53-engine-')), createNetServer(onConnection));
    await new Promise<void>((resolve) => raw.server.listen(raw.socketPath, resolve));
    return raw;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A temp dir holding a socket file nothing listens on (a daemon that died without removing it); returns the dir and the path. */
export async function staleSocket(): Promise<{ dir: string; socketPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ns53-engine-'));
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(join(dir, 'listening.sock'), resolve));
  // close() removes the file it listened on; a renamed one outlives it, a socket with no listener.
  renameSync(join(dir, 'listening.sock'), join(dir, 'docker.sock'));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { dir, socketPath: join(dir, 'docker.sock') };
}
