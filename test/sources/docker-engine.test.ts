import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ContainerInfo } from '../../src/containers/container-info.js';
import { ContainerInspectSchema, type EngineEvent } from '../../src/sources/docker-engine-schema.js';
import { DockerEngine } from '../../src/sources/docker-engine.js';
import { buildEngineContainerInfo, readEngineContainers } from '../../src/sources/engine-containers.js';
import { describeEngineFailure, engineFailureOf, EngineUnavailable, type EngineFailure } from '../../src/sources/engine-unavailable.js';
import { API_INFO as API, EXTRA_INFO, statRecorded, WEB_INFO as WEB } from '../support/engine-fixture-facts.js';
import { cleanUpAfterTest } from '../support/test-cleanups.js';
import { engineFixture, fakeEngine, RawSocketServer, staleSocket, type FakeDockerEngineOptions } from '../support/fake-docker-engine.js';

const WEB_ID = WEB.id;
const API_ID = API.id;

/** Asserts that `promise` rejects with an EngineUnavailable of this kind whose notice matches `notice`; returns it. */
async function assertUnavailable(promise: Promise<unknown>, kind: EngineFailure['kind'], notice: RegExp): Promise<EngineUnavailable> {
  let caught: unknown;
  await promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof EngineUnavailable, String(caught));
  assert.equal(caught.failure.kind, kind);
  assert.equal(caught.code, 'E_ENGINE_UNAVAILABLE');
  assert.match(describeEngineFailure(caught), notice);
  return caught;
}

describe('DockerEngine against the recorded lab answers', () => {
  test('ping and version: the Engine, its API version and kernel, asked on unversioned paths', async () => {
    const fake = await fakeEngine();
    const engine = new DockerEngine({ socketPath: fake.socketPath });
    await engine.ping();
    assert.deepEqual(await engine.version(), { version: '20.10.24+dfsg1', apiVersion: '1.41', kernel: '6.18.44-fc-v782' });
    assert.deepEqual(fake.requests, ['GET /_ping', 'GET /version']);
  });

  test('listContainers: the running containers of containers.json', async () => {
    const fake = await fakeEngine();
    const list = await new DockerEngine({ socketPath: fake.socketPath }).listContainers();
    assert.deepEqual(list, [
      { Id: API_ID, Names: ['/api'] },
      { Id: WEB_ID, Names: ['/web'] },
    ]);
  });

  test('inspectContainer by id, name or unique prefix; a missing container is null (the recorded 404)', async () => {
    const fake = await fakeEngine();
    const engine = new DockerEngine({ socketPath: fake.socketPath });
    assert.equal((await engine.inspectContainer(WEB_ID))?.Name, '/web');
    assert.equal((await engine.inspectContainer('api'))?.Id, API_ID);
    assert.equal((await engine.inspectContainer('4ace'))?.Id, API_ID);
    assert.equal(await engine.inspectContainer('4'), null, 'a prefix of both is no container');
    assert.equal(await engine.inspectContainer('nosuch'), null);
    assert.equal(fake.requests.at(-1), 'GET /containers/nosuch/json');
  });

  test('readEngineContainers: web and api as the recorded JSON says, with the netns inodes stat gave', async () => {
    const fake = await fakeEngine();
    const statted: number[] = [];
    const containers = await readEngineContainers(new DockerEngine({ socketPath: fake.socketPath }), (pid) => {
      statted.push(pid);
      return statRecorded(pid);
    });
    assert.deepEqual(containers, [API, WEB]);
    assert.deepEqual(statted.sort(), [15375, 15463]);
  });

  test('readEngineContainers: a container removed between list and inspect is left out', async () => {
    const fake = await fakeEngine({ vanished: ['api'] });
    assert.deepEqual(await readEngineContainers(new DockerEngine({ socketPath: fake.socketPath }), statRecorded), [WEB]);
  });

  test('readEngineContainers: an inspect that fails otherwise rejects with its reason', async () => {
    const fake = await fakeEngine({ override: (path) => (path === `/containers/${WEB_ID}/json` ? { status: 500, body: '{"message":"boom"}' } : null) });
    await assertUnavailable(readEngineContainers(new DockerEngine({ socketPath: fake.socketPath }), statRecorded), 'http-status', /answered GET \/containers\/4c07\w+\/json with HTTP 500 \(boom\)/);
  });
});

describe('buildEngineContainerInfo: lenient where daemons differ', () => {
  const recorded = JSON.parse(engineFixture('inspect-web.json')) as Record<string, any>;
  const build = (document: unknown): ContainerInfo => buildEngineContainerInfo(ContainerInspectSchema.parse(document), statRecorded);

  test('a stopped container: Pid 0, empty SandboxKey and addresses → nulls, and no stat', () => {
    const stopped = structuredClone(recorded);
    stopped['State']['Pid'] = 0;
    stopped['NetworkSettings']['SandboxKey'] = '';
    stopped['NetworkSettings']['Networks']['labnet']['IPAddress'] = '';
    const info = buildEngineContainerInfo(ContainerInspectSchema.parse(stopped), () => assert.fail('no stat for a stopped container'));
    assert.deepEqual(info, { ...WEB, networks: [{ name: 'labnet', ipv4: null, ipv6: null }], sandboxKey: null, pid: null, netnsInode: null });
  });

  test('Networks absent or null, Config and NetworkSettings null: no networks, no image', () => {
    const minimal = { Id: WEB_ID, Name: '/web', State: { Pid: 15375 }, Config: null, NetworkSettings: { SandboxKey: '/x', Networks: null } };
    assert.deepEqual(build(minimal), { ...WEB, image: null, networks: [], sandboxKey: '/x' });
    assert.deepEqual(build({ Id: WEB_ID, Name: '/web', State: { Pid: 15375 }, NetworkSettings: null }).networks, []);
  });

  test('an IPv6 address and several networks, in the order the Engine gives them', () => {
    const dual = structuredClone(recorded);
    dual['NetworkSettings']['Networks']['v6net'] = { IPAddress: '172.19.0.2', GlobalIPv6Address: 'fd00::2' };
    assert.deepEqual(build(dual).networks, [
      { name: 'labnet', ipv4: '172.18.0.2', ipv6: null },
      { name: 'v6net', ipv4: '172.19.0.2', ipv6: 'fd00::2' },
    ]);
  });
});

describe('DockerEngine.followEvents', () => {
  const RECORDED_ACTIONS = ['container create', 'network connect', 'container start', 'container kill', 'container die', 'network disconnect', 'container destroy'];

  /** Follows /events until the stream ends (the fake ends it after the last event); returns what came. */
  async function followAll(options: FakeDockerEngineOptions): Promise<{ events: EngineEvent[]; ended: EngineUnavailable }> {
    const fake = await fakeEngine({ ...options, endEvents: true, eventDelayMs: 1 });
    const events: EngineEvent[] = [];
    const stop = new AbortController();
    const stream = await new DockerEngine({ socketPath: fake.socketPath }).followEvents((event) => events.push(event), stop.signal);
    const ended = await assertUnavailable(stream.closed, 'events-ended', /stopped sending events \(the Engine closed the stream\); containers known so far keep their names/);
    assert.equal(fake.requests[0], `GET /events?filters=${encodeURIComponent('{"type":["container","network"]}')}`);
    return { events, ended };
  }

  for (const [label, eventChunkBytes] of [
    ['one line a write', undefined],
    ['objects split across writes of 7 bytes', 7],
    ['objects split across writes of 333 bytes', 333],
    ['all seven in one write', 1 << 20],
  ] as const) {
    test(`the recorded events, ${label}`, async () => {
      const { events } = await followAll(eventChunkBytes === undefined ? {} : { eventChunkBytes });
      assert.deepEqual(
        events.map((event) => `${event.Type} ${event.Action}`),
        RECORDED_ACTIONS,
      );
      assert.equal(events[2]!.Actor.ID, EXTRA_INFO.id);
      assert.equal(events[1]!.Actor.Attributes?.['container'], EXTRA_INFO.id);
    });
  }

  test('stopped by its signal: closed resolves, the connection is let go', async () => {
    const fake = await fakeEngine({ eventDelayMs: 20 });
    const events: EngineEvent[] = [];
    const stop = new AbortController();
    const stream = await new DockerEngine({ socketPath: fake.socketPath }).followEvents((event) => {
      events.push(event);
      if (events.length === 2) stop.abort();
    }, stop.signal);
    await stream.closed;
    assert.equal(events.length, 2);
  });

  test('refused with an HTTP error: rejects before any event', async () => {
    const fake = await fakeEngine({ override: (path) => (path === '/events' ? { status: 500, body: '{"message":"events are off"}' } : null) });
    await assertUnavailable(new DockerEngine({ socketPath: fake.socketPath }).followEvents(() => assert.fail(), new AbortController().signal), 'http-status', /GET \/events with HTTP 500 \(events are off\)/);
  });

  test('no answer at all: rejects after the time allowed for the opening', async () => {
    const silent = await RawSocketServer.start(() => {});
    cleanUpAfterTest(() => silent.close());
    const engine = new DockerEngine({ socketPath: silent.socketPath, timeoutMs: 150 });
    await assertUnavailable(engine.followEvents(() => assert.fail(), new AbortController().signal), 'timeout', /did not answer GET \/events within 0\.15 s/);
  });
});

describe('DockerEngine when there is no Engine to read', () => {
  test('no socket: absent', async () => {
    const engine = new DockerEngine({ socketPath: '/nonexistent/ns53/docker.sock' });
    await assertUnavailable(engine.version(), 'absent', /^no Docker socket at \/nonexistent\/ns53\/docker\.sock; sessions show no container names$/);
  });

  test('a socket file nothing listens on: refused', async () => {
    const { dir, socketPath } = await staleSocket();
    cleanUpAfterTest(() => rmSync(dir, { recursive: true, force: true }));
    await assertUnavailable(new DockerEngine({ socketPath }).version(), 'refused', new RegExp(`^nothing listens on ${socketPath}: dockerd is not running`));
  });

  test('an Engine that answers 500: its status and message', async () => {
    const fake = await fakeEngine({ override: () => ({ status: 500, body: '{"message":"boom"}\n' }) });
    await assertUnavailable(new DockerEngine({ socketPath: fake.socketPath }).version(), 'http-status', /answered GET \/version with HTTP 500 \(boom\); sessions show no container names/);
  });

  test('not HTTP at all: not an Engine', async () => {
    const garbage = await RawSocketServer.start((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    cleanUpAfterTest(() => garbage.close());
    await assertUnavailable(new DockerEngine({ socketPath: garbage.socketPath }).version(), 'not-engine', /does not answer like a Docker Engine: GET \/version: the answer is not HTTP/);
  });

  test('HTTP, but not JSON, or not the fields of /version: not an Engine', async () => {
    const html = await fakeEngine({ override: () => ({ status: 200, body: '<html>hello</html>', contentType: 'text/html' }) });
    await assertUnavailable(new DockerEngine({ socketPath: html.socketPath }).version(), 'not-engine', /GET \/version: the answer is not JSON/);
    await assertUnavailable(new DockerEngine({ socketPath: html.socketPath }).ping(), 'not-engine', /GET \/_ping: the answer is "<html>hello<\/html>", not OK/);
    const other = await fakeEngine({ override: () => ({ status: 200, body: '{"Version":"1.0"}' }) });
    await assertUnavailable(new DockerEngine({ socketPath: other.socketPath }).version(), 'not-engine', /GET \/version: ApiVersion: /);
  });

  test('an answer that never comes: timeout', async () => {
    const silent = await RawSocketServer.start(() => {});
    cleanUpAfterTest(() => silent.close());
    const started = Date.now();
    await assertUnavailable(new DockerEngine({ socketPath: silent.socketPath, timeoutMs: 200 }).version(), 'timeout', /the Docker Engine at .* did not answer GET \/version within 0\.2 s/);
    assert.ok(Date.now() - started < 2_000);
  });

  test('an answer that begins and never ends: timeout', async () => {
    const trickle = await RawSocketServer.start((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Ver'));
    cleanUpAfterTest(() => trickle.close());
    await assertUnavailable(new DockerEngine({ socketPath: trickle.socketPath, timeoutMs: 200 }).version(), 'timeout', /did not answer GET \/version within 0\.2 s/);
  });

  test('a socket ns53 may not open: denied, with the fix', async () => {
    const fake = await fakeEngine();
    chmodSync(fake.socketPath, 0o000);
    if (process.getuid?.() !== 0) {
      await assertUnavailable(new DockerEngine({ socketPath: fake.socketPath }).version(), 'denied', /^permission denied on .*: run as root or join the docker group; sessions show no container names$/);
      return;
    }
    // Root opens any socket; a child running as nobody cannot.
    chmodSync(fake.socketPath.replace(/\/[^/]+$/, ''), 0o755);
    const script = `
      const { DockerEngine } = await import(${JSON.stringify(new URL('../../src/sources/docker-engine.js', import.meta.url).href)});
      const { describeEngineFailure } = await import(${JSON.stringify(new URL('../../src/sources/engine-unavailable.js', import.meta.url).href)});
      try { await new DockerEngine({ socketPath: process.argv[1] }).version(); console.log('connected'); }
      catch (error) { console.log(JSON.stringify({ kind: error.failure?.kind, notice: describeEngineFailure(error) })); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, fake.socketPath], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/', timeout: 10_000 });
    assert.equal(child.status, 0, child.stderr);
    const { kind, notice } = JSON.parse(child.stdout) as { kind: string; notice: string };
    assert.equal(kind, 'denied');
    assert.equal(notice, `permission denied on ${fake.socketPath}: run as root or join the docker group; sessions show no container names`);
  });
});

describe('engineFailureOf: what connect and the parser say, as reasons', () => {
  const context = { socketPath: '/var/run/docker.sock', request: 'GET /version', timedOutAfter: null };
  const errno = (code: string, message = code): NodeJS.ErrnoException => Object.assign(new Error(message), { code });
  const cases: Array<[string, unknown, string]> = [
    ['ENOENT', errno('ENOENT'), 'no Docker socket at /var/run/docker.sock'],
    ['ENOTDIR', errno('ENOTDIR'), 'no Docker socket at /var/run/docker.sock'],
    ['EACCES', errno('EACCES'), 'permission denied on /var/run/docker.sock: run as root or join the docker group'],
    ['EPERM', errno('EPERM'), 'permission denied on /var/run/docker.sock: run as root or join the docker group'],
    ['ECONNREFUSED', errno('ECONNREFUSED'), 'nothing listens on /var/run/docker.sock: dockerd is not running, or that file is not its socket'],
    ['HPE_INVALID_CONSTANT', errno('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/'), '/var/run/docker.sock does not answer like a Docker Engine: GET /version: the answer is not HTTP (Parse Error: Expected HTTP/)'],
    ['EMFILE', errno('EMFILE', 'too many open files'), 'cannot talk to the Docker Engine at /var/run/docker.sock: GET /version: too many open files'],
  ];
  for (const [label, error, message] of cases) {
    test(label, () => assert.equal(engineFailureOf(error, context).message, message));
  }

  test('a deadline that ran out wins over the abort it caused', () => {
    const failure = engineFailureOf(errno('ABORT_ERR'), { ...context, timedOutAfter: 3_000 });
    assert.equal(failure.message, 'the Docker Engine at /var/run/docker.sock did not answer GET /version within 3 s');
  });

  test('an error that is not an EngineUnavailable still gets a notice', () => {
    assert.equal(describeEngineFailure(new TypeError('x is undefined')), 'the Docker Engine API failed unexpectedly (x is undefined); sessions show no container names');
  });
});
