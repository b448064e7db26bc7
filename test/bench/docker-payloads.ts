import type { Container, DockerdWorld } from './dockerd-world.js';
import type { SeededRandom } from './seeded-random.js';

// The text that flows through dockerd's sockets and fifos: Engine API requests and responses on
// docker.sock (shaped like the captures' Docker/20.10.24+dfsg1 responses), and the lines containers log.

const SERVER_HEADERS = 'Api-Version: 1.41\r\nContent-Type: application/json\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\n';

/** An Engine API request as a client writes it. */
export function buildRequest(method: string, path: string, userAgent: string): string {
  return `${method} ${path} HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: ${userAgent}\r\n\r\n`;
}

/** The 287-byte reply to `HEAD /_ping`. */
export function buildPingResponse(date: string): string {
  return `HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nCache-Control: no-cache, no-store, must-revalidate\r\nContent-Length: 0\r\nContent-Type: text/plain; charset=utf-8\r\nDocker-Experimental: false\r\nOstype: linux\r\nPragma: no-cache\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nDate: ${date}\r\n\r\n`;
}

/** A JSON reply, chunked as Go's net/http sends bodies it did not size first. */
export function buildJsonResponse(date: string, json: string): string {
  const body = `${json}\n`;
  return `HTTP/1.1 200 OK\r\n${SERVER_HEADERS}Date: ${date}\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

/** A small JSON reply with a Content-Length. */
export function buildSizedJsonResponse(date: string, json: string): string {
  const body = `${json}\n`;
  return `HTTP/1.1 200 OK\r\n${SERVER_HEADERS}Date: ${date}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The HTTP Date header for a trace time in microseconds. */
export function httpDate(us: number): string {
  return new Date(Math.floor(us / 1000)).toUTCString();
}

/** `GET /containers/{name}/json`, in the captures' field order. */
export function buildInspectJson(c: Container): string {
  const dir = `/var/lib/docker/containers/${c.id}`;
  return JSON.stringify({
    Id: c.id,
    Created: c.createdAt,
    Path: '/docker-entrypoint.sh',
    Args: [c.service],
    State: { Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: c.initPid, ExitCode: 0, Error: '', StartedAt: c.createdAt, FinishedAt: '0001-01-01T00:00:00Z' },
    Image: `sha256:${c.sandboxId.split('').reverse().join('')}`,
    ResolvConfPath: `${dir}/resolv.conf`,
    HostnamePath: `${dir}/hostname`,
    HostsPath: `${dir}/hosts`,
    LogPath: `${dir}/${c.id}-json.log`,
    Name: `/${c.name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: 'docker-default',
    ExecIDs: null,
    HostConfig: {
      Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } }, NetworkMode: c.network.name,
      PortBindings: {}, RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '', VolumesFrom: null,
      CapAdd: null, CapDrop: null, CgroupnsMode: 'private', Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null,
      IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false,
      SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 67108864, Runtime: 'runc', ConsoleSize: [0, 0], Isolation: '', CpuShares: 0,
      Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: null, BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null,
      BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0,
      CpusetCpus: '', CpusetMems: '', Devices: null, DeviceCgroupRules: null, DeviceRequests: null, KernelMemory: 0, KernelMemoryTCP: 0,
      MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: null, CpuCount: 0,
      CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
      MaskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      ReadonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
    GraphDriver: { Data: { LowerDir: `/var/lib/docker/overlay2/${c.sandboxId}-init/diff`, MergedDir: `/var/lib/docker/overlay2/${c.sandboxId}/merged`, UpperDir: `/var/lib/docker/overlay2/${c.sandboxId}/diff`, WorkDir: `/var/lib/docker/overlay2/${c.sandboxId}/work` }, Name: 'overlay2' },
    Mounts: [],
    Config: {
      Hostname: c.id.slice(0, 12), Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false,
      OpenStdin: false, StdinOnce: false, Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `SERVICE=${c.service}`],
      Cmd: [c.service], Image: c.image, Volumes: null, WorkingDir: '', Entrypoint: ['/docker-entrypoint.sh'], OnBuild: null,
      Labels: { 'com.docker.compose.project': c.network.name.split('_')[0], 'com.docker.compose.service': c.service, 'com.docker.compose.version': '2.21.0' },
    },
    NetworkSettings: {
      Bridge: '', SandboxID: c.sandboxId, HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: {},
      SandboxKey: c.netnsPath, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
      Networks: {
        [c.network.name]: {
          IPAMConfig: null, Links: null, Aliases: [c.service, c.id.slice(0, 12)], NetworkID: c.network.id, EndpointID: c.sandboxId.slice(8) + c.id.slice(0, 8),
          Gateway: `${c.network.prefix}.0.1`, IPAddress: c.ip, IPPrefixLen: 16, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: c.mac, DriverOpts: null,
        },
      },
    },
  });
}

/** `GET /containers/json`: one summary per running container (larger than -s 4096 with a dozen). */
export function buildContainerListJson(world: DockerdWorld): string {
  return JSON.stringify(
    world.containers.map((c) => ({
      Id: c.id,
      Names: [`/${c.name}`],
      Image: c.image,
      ImageID: `sha256:${c.sandboxId.split('').reverse().join('')}`,
      Command: `"/docker-entrypoint.sh ${c.service}"`,
      Created: Math.floor(Date.parse(c.createdAt) / 1000),
      Ports: [],
      Labels: { 'com.docker.compose.project': c.network.name.split('_')[0], 'com.docker.compose.service': c.service },
      State: 'running',
      Status: 'Up 4 days' + (c.healthcheck ? ' (healthy)' : ''),
      HostConfig: { NetworkMode: c.network.name },
      NetworkSettings: { Networks: { [c.network.name]: { IPAMConfig: null, Links: null, Aliases: null, NetworkID: c.network.id, EndpointID: c.sandboxId.slice(0, 64), Gateway: `${c.network.prefix}.0.1`, IPAddress: c.ip, IPPrefixLen: 16, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: c.mac, DriverOpts: null } } },
      Mounts: [],
    })),
  );
}

/** `GET /version`. */
export function buildVersionJson(): string {
  return JSON.stringify({
    Platform: { Name: '' },
    Components: [
      { Name: 'Engine', Version: '20.10.24+dfsg1', Details: { ApiVersion: '1.41', Arch: 'amd64', BuildTime: '2024-02-06T10:19:41.000000000+00:00', Experimental: 'false', GitCommit: '5d6db84', GoVersion: 'go1.19.8', KernelVersion: '6.1.0-28-amd64', MinAPIVersion: '1.12', Os: 'linux' } },
      { Name: 'containerd', Version: '1.6.20~ds1', Details: { GitCommit: '1.6.20~ds1-1+b1' } },
      { Name: 'runc', Version: '1.1.5+ds1', Details: { GitCommit: '1.1.5+ds1-1+deb12u1' } },
      { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: '' } },
    ],
    Version: '20.10.24+dfsg1', ApiVersion: '1.41', MinAPIVersion: '1.12', GitCommit: '5d6db84', GoVersion: 'go1.19.8', Os: 'linux', Arch: 'amd64', KernelVersion: '6.1.0-28-amd64', BuildTime: '2024-02-06T10:19:41.000000000+00:00',
  });
}

/** `GET /containers/{id}/stats?stream=0` (and each line of a stats stream): fresh numbers each time. */
export function buildStatsJson(c: Container, us: number, random: SeededRandom): string {
  const read = new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${random.int(100000, 999999)}Z`);
  const total = random.int(10_000_000_000, 900_000_000_000);
  const usage = random.int(20_000_000, 900_000_000);
  return JSON.stringify({
    read,
    preread: '0001-01-01T00:00:00Z',
    pids_stats: { current: random.int(3, 60), limit: 18446744073709551615 },
    blkio_stats: { io_service_bytes_recursive: [{ major: 254, minor: 0, op: 'read', value: random.int(1e6, 9e8) }, { major: 254, minor: 0, op: 'write', value: random.int(1e6, 9e8) }], io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: { cpu_usage: { total_usage: total, usage_in_kernelmode: Math.floor(total / 4), usage_in_usermode: Math.floor((total * 3) / 4) }, system_cpu_usage: 1_290_000_000_000_000 + random.int(0, 1e12), online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    precpu_stats: { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    memory_stats: { usage, stats: { active_anon: 0, active_file: random.int(1e6, 9e7), anon: Math.floor(usage * 0.7), anon_thp: 0, file: Math.floor(usage * 0.25), file_dirty: random.int(0, 99999), file_mapped: random.int(1e5, 9e6), file_writeback: 0, inactive_anon: Math.floor(usage * 0.7), inactive_file: random.int(1e6, 9e7), kernel_stack: random.int(16384, 999424), pgactivate: random.int(0, 99999), pgdeactivate: 0, pgfault: random.int(1e5, 9e7), pgmajfault: random.int(0, 999), shmem: 0, slab: random.int(1e5, 9e6), sock: 0, unevictable: 0, workingset_activate_file: 0, workingset_refault_file: 0 }, limit: 24_629_096_448 },
    name: `/${c.name}`,
    id: c.id,
    networks: { eth0: { rx_bytes: random.int(1e4, 9e9), rx_packets: random.int(100, 9e6), rx_errors: 0, rx_dropped: 0, tx_bytes: random.int(1e4, 9e9), tx_packets: random.int(100, 9e6), tx_errors: 0, tx_dropped: 0 } },
    // JSON numbers are doubles in JavaScript; Go prints the exact uint64.
  }).replace('18446744073709552000', '18446744073709551615');
}

const PATHS = ['/api/v1/orders', '/api/v1/orders/8812', '/api/v1/cart', '/api/v1/products?page=2', '/healthz', '/static/js/app.3f9c1e.js', '/login', '/api/v1/users/me', '/metrics', '/favicon.ico'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', 'curl/8.4.0', 'Prometheus/2.48.0', 'kube-probe/1.28'];

/** One line a container writes to stdout, in the style of its image. */
export function buildLogLine(c: Container, us: number, random: SeededRandom): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  switch (c.logStyle) {
    case 'nginx': {
      const date = iso.replace(/^(\d+)-(\d+)-(\d+)T([\d:]+)\..*$/, (_m, y: string, mo: string, d: string, t: string) => `${d}/${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(mo) - 1]}/${y}:${t}`);
      return `${c.network.prefix}.0.${random.int(2, 20)} - - [${date} +0000] "${random.pick(['GET', 'GET', 'GET', 'POST'])} ${random.pick(PATHS)} HTTP/1.1" ${random.pick([200, 200, 200, 304, 404, 502])} ${random.int(0, 48000)} "-" "${random.pick(AGENTS)}" "-"`;
    }
    case 'json':
      return JSON.stringify({ level: random.pick(['info', 'info', 'info', 'debug', 'warn', 'error']), ts: us / 1e6, caller: random.pick(['http/server.go:214', 'worker/loop.go:88', 'store/pg.go:131', 'cache/redis.go:57']), msg: random.pick(['request completed', 'job finished', 'cache miss', 'upstream slow', 'retrying request', 'connected to database']), method: random.pick(['GET', 'POST']), path: random.pick(PATHS), status: random.pick([200, 200, 201, 404, 500]), duration_ms: Math.round(random.exponential(40) * 100) / 100, request_id: random.hex(16) });
    case 'postgres':
      return `${iso.replace('T', ' ').replace('Z', ' UTC')} [${random.int(60, 400)}] ${random.pick(['LOG:  checkpoint starting: time', 'LOG:  checkpoint complete: wrote 42 buffers (0.3%); 0 WAL file(s) added, 0 removed, 0 recycled; write=4.105 s, sync=0.003 s, total=4.118 s', 'ERROR:  duplicate key value violates unique constraint "orders_pkey"', 'LOG:  automatic vacuum of table "shop.public.sessions": index scans: 1'])}`;
    case 'redis':
      return `1:M ${iso.slice(8, 10)} Nov ${iso.slice(0, 4)} ${iso.slice(11, 23)} ${random.pick(['* 100 changes in 300 seconds. Saving...', '* Background saving started by pid 7421', '* DB saved on disk', '* Background saving terminated with success'])}`;
    default:
      return `${iso} ${random.pick(['INFO', 'INFO', 'WARN', 'DEBUG'])} [${random.pick(['main', 'pool-1-thread-3', 'scheduler', 'http-nio-8080-exec-7'])}] ${random.pick(['Processed batch of 128 messages', 'Connection pool stats: active=3 idle=7', 'Token refreshed for client shop-api', 'Delivered message to queue orders.created ✓'])}`;
  }
}
