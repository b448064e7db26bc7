import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findConfiguredUpstreams, resolvConfNameservers } from '../../src/diagnose/configured-upstreams.js';

/** A daemon's files as a map of path → text. */
function files(argv: string[], texts: Record<string, string>) {
  return { argv, read: (path: string) => texts[path] ?? null };
}

describe('findConfiguredUpstreams', () => {
  it('takes --dns flags first, in order, in both spellings', () => {
    const found = findConfiguredUpstreams(files(['dockerd', '--dns', '9.9.9.9', '--dns=1.1.1.1'], { '/etc/docker/daemon.json': '{"dns":["8.8.8.8"]}' }));
    assert.deepEqual(found, { servers: ['9.9.9.9', '1.1.1.1'], from: 'dockerd --dns flags' });
  });

  it('reads "dns" from the --config-file daemon.json (the lab’s case), else the default path', () => {
    const lab = files(['dockerd', '--config-file', '/tmp/lab/daemon.json'], { '/tmp/lab/daemon.json': '{"storage-driver":"vfs","dns":["10.77.0.2"]}' });
    assert.deepEqual(findConfiguredUpstreams(lab), { servers: ['10.77.0.2'], from: 'daemon.json "dns" (/tmp/lab/daemon.json)' });
    const stock = files(['dockerd', '-H', 'fd://'], { '/etc/docker/daemon.json': '{"dns":["192.168.1.1"]}' });
    assert.deepEqual(findConfiguredUpstreams(stock)?.servers, ['192.168.1.1']);
  });

  it("falls back on the nameservers of dockerd's resolv.conf, past a broken daemon.json", () => {
    const found = findConfiguredUpstreams(
      files(['dockerd'], { '/etc/docker/daemon.json': '{not json', '/etc/resolv.conf': '# systemd\nnameserver 127.0.0.53\noptions edns0\nnameserver fe80::1%eth0\n' }),
    );
    assert.deepEqual(found, { servers: ['127.0.0.53', 'fe80::1'], from: "the nameservers of dockerd's /etc/resolv.conf" });
  });

  it('gives null when nothing names a server', () => {
    assert.equal(findConfiguredUpstreams(files(['dockerd'], {})), null);
    assert.deepEqual(resolvConfNameservers('search example\n  nameserver   10.0.0.1  \n#nameserver 10.0.0.2\n'), ['10.0.0.1']);
  });
});
