import { FdTable } from './fd-table.js';
import type { PollData } from './go-runtime.js';
import type { SeededRandom } from './seeded-random.js';

// The static side of the simulated dockerd 20.10: its fds at attach time, its threads, and the containers
// whose sandboxes the embedded DNS server listens in. Values follow the real captures
// (/work/shared/captures): fd 4 is the runtime's epoll, 11 the containerd GRPC connection, 15 dockerd's own
// network namespace, and each sandbox has its own UDP listener that -yy prints by inode only (it lives in
// the container's namespace).

/** dockerd's own network namespace, as the captures show it. */
export const HOST_NETNS_INODE = 4026532177;
/** The upstream resolver the daemon forwards to (the captures' dnsmasq). */
export const UPSTREAM_IP = '10.77.0.2';

/** A user-defined network: containers on it get the embedded DNS server at 127.0.0.11. */
export interface DockerNetwork {
  name: string;
  id: string;
  /** First two octets, e.g. `172.18`. */
  prefix: string;
}

/** One running container and its sandbox. */
export interface Container {
  id: string;
  name: string;
  /** The compose service name: what other containers resolve it by. */
  service: string;
  image: string;
  network: DockerNetwork;
  ip: string;
  mac: string;
  sandboxId: string;
  /** `/var/run/docker/netns/<first 12 hex of the sandbox id>`. */
  netnsPath: string;
  initPid: number;
  createdAt: string;
  /** Where the resolver reads this container's queries. */
  dnsListenerFd: number;
  dnsListenerPoll: PollData;
  logFd: number;
  stdoutFifoFd: number;
  stdoutFifoPoll: PollData;
  /** Mean seconds between bursts of log lines (Infinity: a quiet container). */
  logEvery: number;
  logStyle: 'nginx' | 'json' | 'postgres' | 'redis' | 'plain';
  healthcheck: boolean;
  /** The stub resolver's habits: musl/glibc send no EDNS; Go ≥ 1.21 adds an OPT record. */
  ednsSize: number | null;
  /** How often this container looks names up, relative to the others. */
  dnsWeight: number;
}

/** A simulated thread id and what it does. */
export interface ThreadPlan {
  tid: number;
  role: 'worker' | 'sysmon' | 'waitid' | 'locked';
  parkAddress: string;
}

/** Everything fixed at attach time. */
export interface DockerdWorld {
  pid: number;
  fds: FdTable;
  epollRef: string;
  hostNetnsRef: string;
  dockerSockListenerFd: number;
  containerdFd: number;
  containerdPoll: PollData;
  networks: DockerNetwork[];
  containers: Container[];
  threads: ThreadPlan[];
  /** The pid dockerd's main thread waits on (its own containerd). */
  containerdPid: number;
  startTime: number;
  nextInode: () => number;
  nextPollData: () => PollData;
  /** A Go heap address for a read buffer, as `read(fd, 0xc00070c000, 32768)` shows on EAGAIN. */
  heapAddress: () => string;
}

const SERVICES: ReadonlyArray<readonly [string, string, Container['logStyle']]> = [
  ['web', 'nginx:1.25-alpine', 'nginx'],
  ['api', 'registry.example.test/shop/api:2.14.1', 'json'],
  ['worker', 'registry.example.test/shop/worker:2.14.1', 'json'],
  ['db', 'postgres:15', 'postgres'],
  ['cache', 'redis:7-alpine', 'redis'],
  ['queue', 'rabbitmq:3.12-management', 'plain'],
  ['search', 'opensearchproject/opensearch:2.11.0', 'json'],
  ['auth', 'quay.io/keycloak/keycloak:23.0', 'plain'],
  ['proxy', 'traefik:v2.10', 'json'],
  ['metrics', 'prom/prometheus:v2.48.0', 'json'],
  ['grafana', 'grafana/grafana:10.2.2', 'json'],
  ['scheduler', 'registry.example.test/shop/scheduler:2.14.1', 'json'],
  ['mailer', 'registry.example.test/shop/mailer:1.3.0', 'plain'],
  ['minio', 'minio/minio:RELEASE.2023-11-20T22-40-07Z', 'plain'],
];

/** Builds dockerd's state at the moment strace attaches. */
export function buildDockerdWorld(random: SeededRandom): DockerdWorld {
  const fds = new FdTable();
  let inode = 24000 + random.int(0, 2000);
  const nextInode = (): number => (inode += random.int(1, 6));
  const nextPollData = (): PollData => {
    const u64 = 139875200000000 + random.int(0, 60_000_000) * 8;
    return { u64, u32: u64 % 4294967296 };
  };
  // Go heap pointers as the captures show them: 0xc00070c000, 0xc0007e8800.
  const heapAddress = (): string => `0xc00${random.int(0x0400, 0x1fff).toString(16).padStart(4, '0')}${random.pick(['000', '200', '400', '600', '800', 'a00', 'c00', 'e00'])}`;

  // The descriptors a long-running dockerd holds, in the order it opened them (lowest free number each time).
  fds.open('/dev/null');
  const journal = nextInode();
  fds.open(`UNIX-STREAM:[${journal}]`);
  fds.open(`UNIX-STREAM:[${journal}]`);
  fds.open('/var/lib/docker/buildkit/cache.db');
  const epollFd = fds.open('anon_inode:[eventpoll]');
  const pipe = nextInode();
  fds.open(`pipe:[${pipe}]`);
  fds.open(`pipe:[${pipe}]`);
  const dockerSockListenerFd = fds.open(`UNIX-STREAM:[${nextInode()}]`);
  fds.open('/var/lib/docker/buildkit/containerdmeta.db');
  fds.open('/var/lib/docker/buildkit/snapshots.db');
  fds.open('/var/lib/docker/buildkit/metadata_v2.db');
  const containerdFd = fds.open(`UNIX-STREAM:[${nextInode()}]`);
  fds.open('/var/lib/docker/network/files/local-kv.db');
  fds.open('/var/lib/docker/volumes/metadata.db');
  fds.open(`UNIX-STREAM:[${nextInode()}]`);
  const hostNetnsFd = fds.open(`net:[${HOST_NETNS_INODE}]`);

  const networks: DockerNetwork[] = [
    { name: 'shop_default', id: random.hex(64), prefix: '172.18' },
    { name: 'monitoring', id: random.hex(64), prefix: '172.19' },
    { name: 'labnet', id: random.hex(64), prefix: '172.20' },
  ];
  const nextHost = new Map<string, number>(networks.map((n) => [n.name, 2]));
  const containers: Container[] = [];
  const count = random.int(11, SERVICES.length);
  const baseTime = Date.UTC(2026, 10, 20, 6, 0, 0);
  for (let i = 0; i < count; i++) {
    const [service, image, logStyle] = SERVICES[i]!;
    const network = service === 'metrics' || service === 'grafana' ? networks[1]! : i % 5 === 4 ? networks[2]! : networks[0]!;
    const host = nextHost.get(network.name)!;
    nextHost.set(network.name, host + 1);
    const ip = `${network.prefix}.0.${host}`;
    const sandboxId = random.hex(64);
    const id = random.hex(64);
    const octets = ip.split('.').map(Number);
    const mac = ['02', '42', ...octets.map((o) => o.toString(16).padStart(2, '0'))].join(':');
    const logFd = fds.open(`/var/lib/docker/containers/${id}/${id}-json.log`);
    const stdoutFifoFd = fds.open(`/var/run/docker/containerd/${id}/init-stdout`);
    fds.open(`/var/run/docker/containerd/${id}/init-stderr`);
    const dnsListenerFd = fds.open(`UDP:[${nextInode()}]`);
    fds.open(`TCP:[${nextInode()}]`);
    containers.push({
      id,
      name: `${network.name === 'shop_default' ? 'shop' : network.name}-${service}-1`,
      service,
      image,
      network,
      ip,
      mac,
      sandboxId,
      netnsPath: `/var/run/docker/netns/${sandboxId.slice(0, 12)}`,
      initPid: random.int(3000, 90000),
      createdAt: new Date(baseTime + random.int(0, 3 * 86400) * 1000).toISOString().replace('.000Z', `.${random.int(100000000, 999999999)}Z`),
      dnsListenerFd,
      dnsListenerPoll: nextPollData(),
      logFd,
      stdoutFifoFd,
      stdoutFifoPoll: nextPollData(),
      logEvery: random.chance(0.25) ? Infinity : 0.3 + random.exponential(3),
      logStyle,
      healthcheck: random.chance(0.5),
      ednsSize: random.chance(0.3) ? 1232 : null,
      dnsWeight: 0.2 + random.exponential(1),
    });
  }

  const pid = random.int(700, 2400);
  const threads: ThreadPlan[] = [];
  const usedTids = new Set<number>([pid]);
  // An M's futex (m.park) as the captures show them: 0xc000bb0548, 0xc00007cd48.
  const parkAddress = (): string => `0xc000${random.hex(3)}${random.pick(['148', '548', '948', 'd48'])}`;
  threads.push({ tid: pid, role: 'waitid', parkAddress: '' });
  const tidOf = (early: boolean): number => {
    for (;;) {
      const tid = early ? pid + random.int(1, 14) : random.pick([random.int(9000, 99999), random.int(100000, 420000)]);
      if (!usedTids.has(tid)) {
        usedTids.add(tid);
        return tid;
      }
    }
  };
  threads.push({ tid: tidOf(true), role: 'sysmon', parkAddress: '' });
  threads.push({ tid: tidOf(true), role: 'locked', parkAddress: '0x55edc6d4d9a0' });
  const workerCount = random.int(34, 40);
  for (let i = 0; i < workerCount; i++) threads.push({ tid: tidOf(i < 8), role: 'worker', parkAddress: parkAddress() });

  return {
    pid,
    fds,
    epollRef: fds.ref(epollFd),
    hostNetnsRef: fds.ref(hostNetnsFd),
    dockerSockListenerFd,
    containerdFd,
    containerdPoll: nextPollData(),
    networks,
    containers,
    threads,
    containerdPid: pid + random.int(15, 40),
    startTime: (1_795_400_000 + random.int(0, 400_000)) * 1e6 + random.int(0, 999_999),
    nextInode,
    nextPollData,
    heapAddress,
  };
}
