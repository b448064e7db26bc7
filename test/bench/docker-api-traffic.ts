import { pbBytes, pbString, pbVarint, type ContainerdConnection } from './containerd-connection.js';
import type { DockerdSyscalls } from './dockerd-syscalls.js';
import type { Container, DockerdWorld } from './dockerd-world.js';
import type { GoroutineBody, GoRuntime, PollData } from './go-runtime.js';
import { Inbox } from './inbox.js';
import { WeightedChoice, type SeededRandom } from './seeded-random.js';
import { byteLength, quoteBytes, quoteText } from './strace-quote.js';
import {
  buildContainerListJson,
  buildInspectJson,
  buildJsonResponse,
  buildPingResponse,
  buildRequest,
  buildSizedJsonResponse,
  buildStatsJson,
  buildVersionJson,
  httpDate,
} from './docker-payloads.js';

// Engine API traffic on /var/run/docker.sock: CLIs, compose and monitoring agents connect, send a few
// requests on a keep-alive connection and hang up; a `docker stats` stream stays open and gets a JSON line
// every second. The accept loop, one goroutine per connection, Go's 4096-byte buffered writes and the
// read-until-EAGAIN pattern are as in the captures.

const WRITE_BUFFER = 4096;
const DATE_PLACEHOLDER = 'Thu, 01 Jan 1970 00:00:00 GMT';

/** One request a client makes, and how the daemon answers it. */
interface ApiRequest {
  method: string;
  path: string;
  userAgent: string;
  /** A response cached by key (constant apart from its Date), or built fresh each time. */
  cacheKey: string | null;
  build: (date: string) => string;
  /** Stats need containerd's metrics first. */
  metricsOf: Container | null;
  /** Streams a stats line every second until the end of the trace. */
  stream: Container | null;
}

type ClientEvent = { kind: 'request'; request: ApiRequest; after: () => void } | { kind: 'close' };

/** A response split into Go's 4096-byte writes, each already quoted. */
interface QuotedResponse {
  chunks: string[];
  lengths: number[];
}

/** The docker.sock side of the simulated daemon. */
export class DockerApiTraffic {
  private readonly acceptInbox: Inbox<ApiRequest[]>;
  private readonly listenerPoll: PollData;
  private readonly cache = new Map<string, QuotedResponse>();
  private readonly clients: WeightedChoice<() => ApiRequest[]>;

  constructor(
    private readonly rt: GoRuntime,
    private readonly sys: DockerdSyscalls,
    private readonly world: DockerdWorld,
    private readonly random: SeededRandom,
    private readonly containerd: ContainerdConnection,
    /** Mean seconds between client connections. */
    private readonly connectEvery: number,
  ) {
    this.listenerPoll = world.nextPollData();
    this.acceptInbox = new Inbox(rt, this.listenerPoll);
    const cli = 'Docker-Client/28.2.2 (linux)';
    const compose = 'compose/2.21.0';
    const agent = 'Go-http-client/1.1';
    this.clients = new WeightedChoice<() => ApiRequest[]>([
      [() => [this.ping(cli), this.list(cli)], 4],
      [() => [this.ping(cli), this.inspect(cli, this.anyContainer())], 3],
      [() => [this.ping(compose), this.list(compose), ...this.some(3).map((c) => this.inspect(compose, c))], 2],
      [() => [this.list(agent), this.version(agent)], 3],
      [() => [this.ping(cli), this.statsOnce(cli, this.anyContainer())], 2],
    ]);
  }

  /** Starts the accept loop, a `docker stats` stream for a few containers, and the stream of clients. */
  start(streams: number): void {
    this.acceptInbox.owner = this.rt.go(this.acceptLoop());
    for (const container of this.some(streams)) {
      this.rt.at(this.rt.now + this.random.int(1000, 900_000), () => this.acceptInbox.post([this.statsStream(container)]));
    }
    this.scheduleClient();
  }

  private scheduleClient(): void {
    this.rt.at(this.rt.now + this.random.exponential(this.connectEvery * 1e6), () => {
      this.acceptInbox.post(this.clients.pick(this.random)());
      this.scheduleClient();
    });
  }

  private anyContainer(): Container {
    return this.random.pick(this.world.containers);
  }

  private some(count: number): Container[] {
    const start = this.random.int(0, this.world.containers.length - 1);
    return Array.from({ length: Math.min(count, this.world.containers.length) }, (_, i) => this.world.containers[(start + i) % this.world.containers.length]!);
  }

  private request(method: string, path: string, userAgent: string, cacheKey: string | null, build: (date: string) => string): ApiRequest {
    return { method, path, userAgent, cacheKey, build, metricsOf: null, stream: null };
  }

  private ping(userAgent: string): ApiRequest {
    return this.request('HEAD', '/_ping', userAgent, 'ping', buildPingResponse);
  }

  private list(userAgent: string): ApiRequest {
    return this.request('GET', '/v1.41/containers/json', userAgent, 'list', (date) => buildJsonResponse(date, buildContainerListJson(this.world)));
  }

  private inspect(userAgent: string, c: Container): ApiRequest {
    return this.request('GET', `/v1.41/containers/${c.name}/json`, userAgent, `inspect:${c.id}`, (date) => buildJsonResponse(date, buildInspectJson(c)));
  }

  private version(userAgent: string): ApiRequest {
    return this.request('GET', '/v1.41/version', userAgent, 'version', (date) => buildSizedJsonResponse(date, buildVersionJson()));
  }

  private statsOnce(userAgent: string, c: Container): ApiRequest {
    const request = this.request('GET', `/v1.41/containers/${c.id}/stats?stream=0`, userAgent, null, (date) => buildJsonResponse(date, buildStatsJson(c, this.rt.now, this.random)));
    request.metricsOf = c;
    return request;
  }

  private statsStream(c: Container): ApiRequest {
    const request = this.request('GET', `/v1.41/containers/${c.id}/stats`, 'Docker-Client/28.2.2 (linux)', null, (date) =>
      `HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nDate: ${date}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    request.stream = c;
    return request;
  }

  /** The response to `request` now, in quoted 4096-byte writes. */
  private respond(request: ApiRequest): QuotedResponse {
    const date = httpDate(this.rt.now);
    if (request.cacheKey === null) return split(request.build(date));
    let cached = this.cache.get(request.cacheKey);
    if (!cached) this.cache.set(request.cacheKey, (cached = split(request.build(DATE_PLACEHOLDER))));
    // Dates all have the same length and print as themselves, so only the first write changes.
    return { chunks: [cached.chunks[0]!.replace(DATE_PLACEHOLDER, date), ...cached.chunks.slice(1)], lengths: cached.lengths };
  }

  private *acceptLoop(): GoroutineBody {
    const { sys, rt } = this;
    const listener = this.world.dockerSockListenerFd;
    for (;;) {
      for (let script = this.acceptInbox.take(); script !== undefined; script = this.acceptInbox.take()) {
        const fd = yield sys.accept4(listener);
        const pollData = this.world.nextPollData();
        yield sys.epollCtlAdd(fd, pollData);
        yield sys.getsocknameUnix(fd);
        const inbox = new Inbox<ClientEvent>(rt, pollData);
        yield { kind: 'go', body: this.serve(fd, inbox), started: (g) => (inbox.owner = g) };
        this.sendNext(inbox, script, 0, rt.now + this.random.int(40, 400));
      }
      yield sys.accept4Again(listener);
      yield this.acceptInbox.park(Infinity);
    }
  }

  /** The client's next move after its previous response: another request, or hanging up. */
  private sendNext(inbox: Inbox<ClientEvent>, script: ApiRequest[], index: number, at: number): void {
    const request = script[index];
    if (request === undefined) {
      inbox.postAt(at, { kind: 'close' });
      return;
    }
    inbox.postAt(at, { kind: 'request', request, after: () => this.sendNext(inbox, script, index + 1, this.rt.now + this.random.int(100, 3000) + this.random.exponential(4000)) });
  }

  /** One connection's goroutine (net/http conn.serve). */
  private *serve(fd: number, inbox: Inbox<ClientEvent>): GoroutineBody {
    const { sys } = this;
    for (;;) {
      const event = inbox.take();
      if (event === undefined) {
        yield sys.readAgain(fd, WRITE_BUFFER);
        yield inbox.park(Infinity);
        continue;
      }
      if (event.kind === 'close') {
        yield sys.readEof(fd, WRITE_BUFFER);
        yield sys.epollCtlDel(fd);
        yield sys.close(fd);
        return;
      }
      const { request } = event;
      const text = buildRequest(request.method, request.path, request.userAgent);
      yield sys.read(fd, quoteText(text), WRITE_BUFFER, byteLength(text));
      yield sys.run(3);
      if (request.metricsOf !== null) yield* this.metrics(request.metricsOf);
      const response = this.respond(request);
      for (let i = 0; i < response.chunks.length; i++) yield sys.write(fd, response.chunks[i]!, response.lengths[i]!);
      if (request.stream !== null) {
        yield* this.streamStats(fd, request.stream);
        return;
      }
      event.after();
    }
  }

  private *metrics(c: Container): GoroutineBody {
    const cgroup = [...pbString(1, `/system.slice/docker-${c.id}.scope`), ...pbVarint(2, this.random.int(1e6, 9e8)), ...pbVarint(3, this.random.int(1e6, 9e8)), ...pbVarint(4, this.random.int(1e6, 9e8))];
    yield* this.containerd.call('/containerd.services.tasks.v1.Tasks/Metrics', pbString(1, c.id), pbBytes(1, [...pbString(1, c.id), ...pbBytes(2, [...pbString(1, 'io.containerd.cgroups.v2.Metrics'), ...pbBytes(2, cgroup)])]));
  }

  /** `docker stats`: a chunk of JSON every second, for the rest of the trace. */
  private *streamStats(fd: number, c: Container): GoroutineBody {
    const { sys, rt } = this;
    for (;;) {
      yield { kind: 'park', until: rt.now + 1_000_000 + this.random.int(-2000, 2000), pollData: null };
      yield* this.metrics(c);
      const body = `${buildStatsJson(c, rt.now, this.random)}\n`;
      const chunk = `${byteLength(body).toString(16)}\r\n${body}\r\n`;
      yield sys.write(fd, quoteText(chunk), byteLength(chunk));
    }
  }
}

function split(text: string): QuotedResponse {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: string[] = [];
  const lengths: number[] = [];
  for (let at = 0; at < bytes.length; at += WRITE_BUFFER) {
    const piece = bytes.subarray(at, at + WRITE_BUFFER);
    chunks.push(quoteBytes(piece));
    lengths.push(piece.length);
  }
  return { chunks, lengths };
}
