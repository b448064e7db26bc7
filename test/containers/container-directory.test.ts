import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerDirectory } from '../../src/containers/container-directory.js';
import type { ContainerInfo } from '../../src/containers/container-info.js';

function container(name: string, fields: Partial<ContainerInfo>): ContainerInfo {
  return { id: name.padEnd(64, '0'), name, image: 'labbox', networks: [], sandboxKey: null, pid: null, netnsInode: null, runtime: 'docker', source: 'engine', ...fields };
}

const web = container('web', { netnsInode: 4026532323, sandboxKey: '/tmp/rec-lab/exec/netns/19504c5fde3a', networks: [{ name: 'labnet', ipv4: '172.18.0.2', ipv6: null }] });
const api = container('api', { netnsInode: 4026532398, sandboxKey: '/var/run/docker/netns/aaaaaaaaaaaa', networks: [{ name: 'labnet', ipv4: '172.18.0.3', ipv6: 'fd00::3' }, { name: 'backend', ipv4: '10.9.0.3', ipv6: null }] });

test('a namespace is found by its inode, or by the sandbox id of the file dockerd entered, whatever the directory', () => {
  const directory = new ContainerDirectory([web, api]);
  assert.deepEqual(directory.resolve({ inode: 4026532323, path: null }, null), { name: 'web', id: web.id, image: 'labbox', network: 'labnet' });
  assert.equal(directory.resolve({ inode: null, path: '/var/run/docker/netns/19504c5fde3a' }, null)?.name, 'web', 'a stock path matches the lab daemon');
  assert.equal(directory.resolve({ inode: null, path: '/run/docker/netns/aaaaaaaaaaaa' }, '10.9.0.3')?.network, 'backend', 'the network is the one of the address');
  assert.equal(directory.resolve({ inode: null, path: '/run/docker/netns/aaaaaaaaaaaa' }, null)?.network, null, 'two networks and no address: cannot tell');
});

test('an address names a container only when the trace does not name the namespace', () => {
  const directory = new ContainerDirectory([web, api]);
  assert.equal(directory.resolve({ inode: null, path: null }, '172.18.0.3')?.name, 'api');
  assert.equal(directory.resolve(null, 'fd00::3')?.name, 'api');
  assert.equal(directory.resolve({ inode: 4026539999, path: null }, '172.18.0.3'), null, 'a known namespace of another container is not overruled by a reused address');
  assert.equal(directory.resolve({ inode: null, path: null }, '172.18.0.9'), null);
  assert.equal(new ContainerDirectory().resolve({ inode: 4026532323, path: null }, '172.18.0.2'), null);
});

test('later facts win: a container that took over an address, or was inspected again', () => {
  const reused = container('new', { netnsInode: 4026533000, networks: [{ name: 'labnet', ipv4: '172.18.0.2', ipv6: null }] });
  const directory = new ContainerDirectory([web]);
  directory.add(reused);
  assert.equal(directory.resolve(null, '172.18.0.2')?.name, 'new');
  assert.equal(directory.resolve({ inode: 4026532323, path: null }, null)?.name, 'web', 'the old namespace still names the old container');
  assert.equal(directory.size, 2);
});
