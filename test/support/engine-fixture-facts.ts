import type { ContainerInfo } from '../../src/containers/container-info.js';

/*
 * What fixtures/engine-api/ says of the lab's containers, as ContainerInfo, written out by hand from the recorded
 * JSON (and NOTES.md for the netns inodes), so that tests compare the client's reading with a human's.
 */

/** `stat -L -c %i /proc/<pid>/ns/net` at recording time, for web and api; extra's was not recorded. */
const RECORDED_INODES = new Map([
  [15375, 4026532323],
  [15463, 4026532398],
]);

/** A netns inode reader that knows the recorded pids and no others. */
export function statRecorded(pid: number): number | null {
  return RECORDED_INODES.get(pid) ?? null;
}

export const WEB_INFO: ContainerInfo = {
  id: '4c0732f8cba19ae64ce731403f51277510fb41efacb4cd0cd10abf33d6e8855f',
  name: 'web',
  image: 'labbox',
  networks: [{ name: 'labnet', ipv4: '172.18.0.2', ipv6: null }],
  sandboxKey: '/tmp/rec-lab/exec/netns/19504c5fde3a',
  pid: 15375,
  netnsInode: 4026532323,
  runtime: 'docker',
  source: 'engine',
};

export const API_INFO: ContainerInfo = {
  id: '4ace7af2efee3ab273b80fdae4cbefaf6ce45d7987adbf5bb2dbbbeff4e54f48',
  name: 'api',
  image: 'labbox',
  networks: [{ name: 'labnet', ipv4: '172.18.0.3', ipv6: null }],
  sandboxKey: '/tmp/rec-lab/exec/netns/9df71619559c',
  pid: 15463,
  netnsInode: 4026532398,
  runtime: 'docker',
  source: 'engine',
};

/** `extra` while it ran (inspect-extra.json), started and removed during events.ndjson. */
export const EXTRA_INFO: ContainerInfo = {
  id: '5287077e3f63f3400db0766257eb4fca5f28b98aa1a7b931c26fff1cdb39323e',
  name: 'extra',
  image: 'labbox',
  networks: [{ name: 'labnet', ipv4: '172.18.0.4', ipv6: null }],
  sandboxKey: '/tmp/rec-lab/exec/netns/1b856e5ab239',
  pid: 15892,
  netnsInode: null,
  runtime: 'docker',
  source: 'engine',
};
