import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseDockerSocket, DEFAULT_DOCKER_SOCKET, parseDockerHost, type DockerSocket, type DockerSocketRequest } from '../../src/sources/docker-host.js';
import { describeEngineFailure, EngineUnavailable } from '../../src/sources/engine-unavailable.js';

test('parseDockerHost: as the docker CLI reads DOCKER_HOST, or a bare path for the flag', () => {
  assert.deepEqual(parseDockerHost('unix:///x/docker.sock'), { scheme: 'unix', path: '/x/docker.sock' });
  assert.deepEqual(parseDockerHost('unix://'), { scheme: 'unix', path: DEFAULT_DOCKER_SOCKET });
  assert.deepEqual(parseDockerHost('host:2375'), { scheme: 'tcp' });
  assert.deepEqual(parseDockerHost('/x/docker.sock', 'path'), { scheme: 'unix', path: '/x/docker.sock' });
  assert.deepEqual(parseDockerHost('npipe:////./pipe/docker_engine', 'path'), { scheme: 'npipe' });
});

describe('chooseDockerSocket', () => {
  const cases: Array<[DockerSocketRequest, DockerSocket]> = [
    [{}, { path: DEFAULT_DOCKER_SOCKET, from: 'the default' }],
    [{ env: '' }, { path: DEFAULT_DOCKER_SOCKET, from: 'the default' }],
    [{ env: '  ', flag: '' }, { path: DEFAULT_DOCKER_SOCKET, from: 'the default' }],
    [{ env: 'unix:///run/user/1000/docker.sock' }, { path: '/run/user/1000/docker.sock', from: 'DOCKER_HOST' }],
    [{ env: 'unix://' }, { path: DEFAULT_DOCKER_SOCKET, from: 'DOCKER_HOST' }],
    [{ flag: 'unix:///tmp/lab/docker.sock', env: 'unix:///other.sock' }, { path: '/tmp/lab/docker.sock', from: '--docker-host' }],
    [{ flag: '/tmp/lab/docker.sock' }, { path: '/tmp/lab/docker.sock', from: '--docker-host' }],
    [{ flag: 'lab/docker.sock' }, { path: 'lab/docker.sock', from: '--docker-host' }],
    // The flag wins even over a DOCKER_HOST ns53 could not use.
    [{ flag: '/tmp/lab/docker.sock', env: 'tcp://10.0.0.1:2375' }, { path: '/tmp/lab/docker.sock', from: '--docker-host' }],
  ];
  for (const [request, expected] of cases) {
    test(`${JSON.stringify(request)} → ${expected.path} (${expected.from})`, () => {
      assert.deepEqual(chooseDockerSocket(request), expected);
    });
  }

  const remote: Array<[DockerSocketRequest, RegExp]> = [
    [{ env: 'tcp://10.0.0.1:2375' }, /^DOCKER_HOST is tcp:\/\/10\.0\.0\.1:2375, a tcp address; ns53 reads only a daemon on this machine/],
    [{ env: 'localhost:2375' }, /^DOCKER_HOST is localhost:2375, a tcp address/],
    [{ env: 'ssh://me@build-host' }, /^DOCKER_HOST is ssh:\/\/me@build-host, a ssh address/],
    [{ flag: 'ssh://me@build-host' }, /^--docker-host is ssh:\/\/me@build-host, a ssh address/],
    [{ flag: 'TCP://host:2376' }, /^--docker-host is TCP:\/\/host:2376, a tcp address/],
  ];
  for (const [request, message] of remote) {
    test(`${JSON.stringify(request)}: not a unix socket, a clear reason`, () => {
      assert.throws(
        () => chooseDockerSocket(request),
        (error: unknown) => {
          assert.ok(error instanceof EngineUnavailable);
          assert.equal(error.failure.kind, 'remote');
          assert.equal(error.code, 'E_DOCKER_HOST_REMOTE');
          assert.equal(error.exitCode, 64);
          assert.match(error.message, message);
          assert.match(describeEngineFailure(error), /; sessions show no container names$/);
          return true;
        },
      );
    });
  }
});
