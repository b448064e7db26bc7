import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerInfo } from '../../src/containers/container-info.js';
import type { ContainerInspect, ContainerSummary, EngineEvent } from '../../src/sources/docker-engine-schema.js';
import { DockerEngine, type EngineEventStream, type EngineVersion } from '../../src/sources/docker-engine.js';
import { EngineContainerWatch, type WatchedEngine } from '../../src/sources/engine-container-watch.js';
import { EngineUnavailable } from '../../src/sources/engine-unavailable.js';
import { API_INFO as API, EXTRA_INFO as EXTRA, statRecorded, WEB_INFO as WEB } from '../support/engine-fixture-facts.js';
import { engineFixtureJson, fakeEngine, type FakeDockerEngineOptions } from '../support/fake-docker-engine.js';
import { cleanUpAfterTest } from '../support/test-cleanups.js';

/** A started watch with what it said: how many changes, which notices. */
interface Watched {
  watch: EngineContainerWatch;
  changes: () => number;
  notices: string[];
}

async function startWatch(engine: WatchedEngine): Promise<Watched> {
  let changes = 0;
  const notices: string[] = [];
  const watch = await EngineContainerWatch.start(engine, { statNetnsInode: statRecorded, onChange: () => changes++, onNotice: (notice) => notices.push(notice) });
  cleanUpAfterTest(() => watch.close());
  return { watch, changes: () => changes, notices };
}

/** Waits until `holds` is true, checking every few milliseconds; fails after `ms`. */
async function until(holds: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!holds()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

const names = (containers: ContainerInfo[]): Array<string | null> => containers.map((info) => info.name);

describe('EngineContainerWatch against the recorded lab answers', () => {
  for (const [label, eventChunkBytes, eventDelayMs] of [
    ['one event a write', undefined, 2],
    ['events split across writes of 7 bytes', 7, 2],
    // 1000 bytes: three events and the start of a fourth, then the rest of it and two more, then the last.
    ['several events in a write, one split', 1000, 30],
  ] as const) {
    test(`extra appears on start with its address and is kept after it is removed (${label})`, async () => {
      const options: FakeDockerEngineOptions = { holdEvents: true, eventDelayMs, ...(eventChunkBytes === undefined ? {} : { eventChunkBytes }) };
      const fake = await fakeEngine(options);
      const { watch, changes, notices } = await startWatch(new DockerEngine({ socketPath: fake.socketPath }));
      assert.deepEqual(watch.runningContainers(), [API, WEB]);
      assert.deepEqual(watch.all(), [API, WEB]);
      assert.deepEqual(watch.engineVersion, { version: '20.10.24+dfsg1', apiVersion: '1.41', kernel: '6.18.44-fc-v782' });

      fake.releaseEvents();
      await until(() => names(watch.all()).includes('extra'), 'extra is seen');
      await fake.eventsSent;
      await until(() => !names(watch.runningContainers()).includes('extra'), 'extra is retired');
      await sleep(30); // the destroy and disconnect after die change nothing: nothing more may come
      assert.deepEqual(watch.runningContainers(), [API, WEB]);
      assert.deepEqual(watch.all(), [API, WEB, EXTRA]);
      assert.equal(changes(), 2, 'start, then die');
      assert.deepEqual(notices, []);
      // Inspected once, on start: connect and disconnect came while it was not running.
      assert.equal(fake.requests.filter((request) => request.includes(EXTRA.id)).length, 1);
    });
  }

  test('all events in one write: extra was removed before it could be inspected, and is kept by the name and image its events give', async () => {
    const fake = await fakeEngine({ holdEvents: true, eventChunkBytes: 1 << 20 });
    const { watch, changes } = await startWatch(new DockerEngine({ socketPath: fake.socketPath }));
    fake.releaseEvents();
    await until(() => changes() === 1, 'the change');
    await sleep(30);
    assert.deepEqual(watch.all(), [API, WEB, { ...EXTRA, networks: [], sandboxKey: null, pid: null }]);
    assert.equal(changes(), 1);
  });

  test('the events stream ends: one notice, and what is known stays', async () => {
    const fake = await fakeEngine({ endEvents: true, eventDelayMs: 2 });
    const { watch, notices } = await startWatch(new DockerEngine({ socketPath: fake.socketPath }));
    await until(() => notices.length > 0, 'the notice');
    await sleep(20);
    assert.deepEqual(notices, [
      `the Docker Engine at ${fake.socketPath} stopped sending events (the Engine closed the stream); containers known so far keep their names; those started from now on show without them`,
    ]);
    assert.deepEqual(watch.all(), [API, WEB, EXTRA]);
  });

  test('no socket: one notice, no containers, and start still resolves', async () => {
    const { watch, notices, changes } = await startWatch(new DockerEngine({ socketPath: '/nonexistent/ns53/docker.sock' }));
    assert.deepEqual(notices, ['no Docker socket at /nonexistent/ns53/docker.sock; sessions show no container names']);
    assert.equal(watch.notice, notices[0]);
    assert.deepEqual(watch.all(), []);
    assert.equal(watch.engineVersion, null);
    assert.equal(changes(), 0);
  });

  test('the list fails but events work: one notice, and containers started later are still named', async () => {
    const fake = await fakeEngine({ holdEvents: true, eventDelayMs: 2, override: (path) => (path === '/containers/json' ? { status: 500, body: '{"message":"boom"}' } : null) });
    const { watch, notices } = await startWatch(new DockerEngine({ socketPath: fake.socketPath }));
    assert.deepEqual(notices, [`the Docker Engine at ${fake.socketPath} answered GET /containers/json with HTTP 500 (boom); sessions show no container names`]);
    fake.releaseEvents();
    await until(() => names(watch.all()).includes('extra'), 'extra is seen');
    assert.equal(notices.length, 1);
  });

  test('closed: no change is reported after, and the fake closes', async () => {
    const fake = await fakeEngine({ holdEvents: true, eventDelayMs: 1 });
    const { watch, changes } = await startWatch(new DockerEngine({ socketPath: fake.socketPath }));
    await watch.close();
    fake.releaseEvents();
    await fake.eventsSent;
    await sleep(30);
    assert.equal(changes(), 0);
    assert.deepEqual(watch.all(), [API, WEB]);
  });
});

/** An Engine in memory whose events the test sends one at a time. */
class ScriptedEngine implements WatchedEngine {
  readonly containers = new Map<string, ContainerInspect>();
  /** Ids whose inspection fails as a wedged daemon's would. */
  readonly failing = new Set<string>();
  private onEvent: ((event: EngineEvent) => void) | null = null;

  async version(): Promise<EngineVersion> {
    return { version: '27.0.0', apiVersion: '1.46', kernel: null };
  }

  async listContainers(): Promise<ContainerSummary[]> {
    return [...this.containers.values()].filter((inspect) => inspect.State?.Pid).map((inspect) => ({ Id: inspect.Id, Names: [inspect.Name] }));
  }

  async inspectContainer(id: string): Promise<ContainerInspect | null> {
    if (this.failing.has(id)) throw new EngineUnavailable({ kind: 'timeout', socketPath: '/scripted.sock', request: `GET /containers/${id}/json`, ms: 3_000 });
    return structuredClone(this.containers.get(id) ?? null);
  }

  async followEvents(onEvent: (event: EngineEvent) => void, signal: AbortSignal): Promise<EngineEventStream> {
    this.onEvent = onEvent;
    return { closed: new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })) };
  }

  /** Sends a container event, or a network event about container `id`. */
  send(type: 'container' | 'network', action: string, id: string): void {
    const actor: EngineEvent['Actor'] = type === 'container' ? { ID: id, Attributes: {} } : { ID: 'f7322060b829', Attributes: { container: id, name: 'labnet' } };
    this.onEvent!({ Type: type, Action: action, Actor: actor });
  }
}

/** The recorded inspection of `name` (web, api, extra), with its pid, address and sandbox replaced where given. */
function inspectOf(name: 'web' | 'api' | 'extra', changes: { pid?: number; ip?: string; networks?: 'none'; newName?: string } = {}): ContainerInspect {
  const document = engineFixtureJson<ContainerInspect & { State: { Pid: number }; NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>(`inspect-${name}.json`);
  if (changes.pid !== undefined) document.State.Pid = changes.pid;
  if (changes.ip !== undefined) document.NetworkSettings.Networks['labnet']!.IPAddress = changes.ip;
  if (changes.networks === 'none') document.NetworkSettings.Networks = {};
  if (changes.newName !== undefined) document.Name = `/${changes.newName}`;
  return document;
}

describe('EngineContainerWatch: what it keeps as containers change', () => {
  test('a restart: the old run is retired, the new one is running', async () => {
    const engine = new ScriptedEngine();
    engine.containers.set(WEB.id, inspectOf('web'));
    const { watch } = await startWatch(engine);
    engine.send('container', 'die', WEB.id);
    engine.containers.set(WEB.id, inspectOf('web', { pid: 20001 }));
    engine.send('container', 'start', WEB.id);
    await until(() => watch.runningContainers()[0]?.pid === 20001, 'the new run');
    assert.deepEqual(watch.all(), [{ ...WEB, pid: 20001, netnsInode: null }, WEB]);
  });

  test('leaving a network: inspected again; the info with the old address is kept', async () => {
    const engine = new ScriptedEngine();
    engine.containers.set(API.id, inspectOf('api'));
    const { watch, changes } = await startWatch(engine);
    engine.containers.set(API.id, inspectOf('api', { networks: 'none' }));
    engine.send('network', 'disconnect', API.id);
    await until(() => changes() === 1, 'the change');
    assert.deepEqual(watch.runningContainers(), [{ ...API, networks: [] }]);
    assert.deepEqual(watch.all(), [{ ...API, networks: [] }, API]);
  });

  test('a rename: sessions from before it keep the old name', async () => {
    const engine = new ScriptedEngine();
    engine.containers.set(API.id, inspectOf('api'));
    const { watch } = await startWatch(engine);
    engine.containers.set(API.id, inspectOf('api', { newName: 'api-old' }));
    engine.send('container', 'rename', API.id);
    await until(() => watch.runningContainers()[0]?.name === 'api-old', 'the new name');
    assert.deepEqual(names(watch.all()), ['api-old', 'api']);
  });

  test('a container that died before it could be inspected is still kept by name', async () => {
    const engine = new ScriptedEngine();
    const { watch, changes } = await startWatch(engine);
    engine.containers.set(EXTRA.id, inspectOf('extra', { pid: 0, ip: '' }));
    engine.send('container', 'start', EXTRA.id);
    await until(() => changes() === 1, 'the change');
    assert.deepEqual(watch.runningContainers(), []);
    assert.deepEqual(watch.all(), [{ ...EXTRA, pid: null, networks: [{ name: 'labnet', ipv4: null, ipv6: null }] }]);
  });

  test('events that change nothing ns53 reads cost no inspection and no change', async () => {
    const engine = new ScriptedEngine();
    engine.containers.set(WEB.id, inspectOf('web'));
    const { watch, changes } = await startWatch(engine);
    engine.failing.add(WEB.id); // any inspection would give a notice
    for (const action of ['create', 'kill', 'pause', 'exec_start: sh -c true', 'health_status: healthy']) engine.send('container', action, WEB.id);
    engine.send('network', 'connect', EXTRA.id); // not running: its start will inspect it
    await sleep(20);
    assert.equal(changes(), 0);
    assert.equal(watch.notice, null);
  });

  test('an inspection that fails: one notice for all, and the next events still apply', async () => {
    const engine = new ScriptedEngine();
    engine.containers.set(WEB.id, inspectOf('web'));
    engine.containers.set(API.id, inspectOf('api'));
    const { watch, notices } = await startWatch(engine);
    engine.failing.add(WEB.id);
    engine.send('network', 'disconnect', WEB.id);
    engine.send('network', 'connect', WEB.id);
    engine.send('container', 'die', API.id);
    await until(() => watch.runningContainers().length === 1, 'api retired');
    assert.deepEqual(notices, [`the Docker Engine at /scripted.sock did not answer GET /containers/${WEB.id}/json within 3 s; sessions show no container names`]);
    assert.deepEqual(watch.all(), [WEB, API]);
  });

  test('a throwing onChange or onNotice does not escape the watch', async () => {
    const engine = new ScriptedEngine();
    engine.containers.set(WEB.id, inspectOf('web'));
    const watch = await EngineContainerWatch.start(engine, {
      statNetnsInode: statRecorded,
      onChange: () => {
        throw new Error('printer broke');
      },
      onNotice: () => {
        throw new Error('printer broke again');
      },
    });
    cleanUpAfterTest(() => watch.close());
    engine.send('container', 'die', WEB.id);
    await until(() => watch.notice !== null, 'the notice');
    assert.match(watch.notice!, /failed unexpectedly \(printer broke\)/);
    assert.deepEqual(watch.all(), [WEB]);
  });
});
