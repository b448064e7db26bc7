import { pbString, pbVarint, type ContainerdConnection } from './containerd-connection.js';
import type { DockerdSyscalls } from './dockerd-syscalls.js';
import type { Container, DockerdWorld } from './dockerd-world.js';
import type { GoroutineBody, GoRuntime } from './go-runtime.js';
import type { SeededRandom } from './seeded-random.js';
import { byteLength, quoteText } from './strace-quote.js';
import { buildInspectJson } from './docker-payloads.js';

// A Docker HEALTHCHECK, the busiest periodic thing a quiet dockerd does: an exec through containerd with a
// pair of fifos for its output (mknodat, an O_PATH open, /proc/self/fd re-open, the fd churn the captures
// show for `docker exec`), then the container's state saved atomically to config.v2.json.

const FIFO_STAT = '{st_mode=S_IFIFO|0700, st_size=0, ...}';
const HEALTH_COMMANDS = ['wget -qO- http://localhost:8080/healthz || exit 1', 'curl -fsS http://localhost/ping || exit 1', 'pg_isready -U postgres', 'redis-cli ping', 'rabbitmq-diagnostics -q ping'];
const HEALTH_OUTPUT = ['OK\n', '{"status":"UP"}\n', '/var/run/postgresql:5432 - accepting connections\n', 'PONG\n', 'Ping succeeded\n'];

/** Runs every container's health check on its interval (30 s, as Docker's default). */
export class HealthChecks {
  constructor(
    private readonly rt: GoRuntime,
    private readonly sys: DockerdSyscalls,
    private readonly world: DockerdWorld,
    private readonly random: SeededRandom,
    private readonly containerd: ContainerdConnection,
  ) {}

  /** Schedules the first check of every container with a HEALTHCHECK. */
  start(): void {
    for (const container of this.world.containers) {
      if (container.healthcheck) this.rt.at(this.rt.now + this.random.int(0, 30_000_000), () => this.check(container));
    }
  }

  private check(container: Container): void {
    this.rt.go(this.exec(container));
    this.rt.at(this.rt.now + 30_000_000 + this.random.int(-20_000, 20_000), () => this.check(container));
  }

  private *exec(c: Container): GoroutineBody {
    const { sys, rt, random, containerd } = this;
    const execId = random.hex(64);
    const base = `/var/run/docker/containerd/${c.id}/${execId}`;
    const paths = [`${base}-stdout`, `${base}-stderr`];
    const pathFds: number[] = [];
    for (const path of paths) {
      yield sys.newfstatat(path, null);
      yield sys.mknodatFifo(path);
      const fd = yield sys.openat(path, 'O_RDONLY|O_CLOEXEC|O_PATH');
      yield sys.epollCtlAddBad(fd, this.world.nextPollData());
      yield sys.fstat(fd, FIFO_STAT);
      yield sys.newfstatat(`/proc/self/fd/${fd}`, FIFO_STAT);
      pathFds.push(fd);
    }
    const command = random.pick(HEALTH_COMMANDS);
    const spec = JSON.stringify({ user: { uid: 0, gid: 0 }, args: ['/bin/sh', '-c', command], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${c.id.slice(0, 12)}`], cwd: '/', capabilities: { bounding: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'] }, apparmorProfile: 'docker-default', oomScoreAdj: 0 });
    const request = [...pbString(1, c.id), ...pbString(2, paths[0]!), ...pbString(3, paths[1]!), ...pbString(5, execId), ...pbString(6, spec)];
    yield* containerd.call('/containerd.services.tasks.v1.Tasks/Exec', request, []);
    const readFds: number[] = [];
    const polls = [this.world.nextPollData(), this.world.nextPollData()];
    for (let i = 0; i < 2; i++) {
      const fd = yield sys.openat(`/proc/self/fd/${pathFds[i]!}`, 'O_RDONLY|O_CLOEXEC', paths[i]!);
      yield sys.fcntlGetfl(fd);
      yield sys.fcntlSetNonblock(fd);
      yield sys.epollCtlAdd(fd, polls[i]!);
      readFds.push(fd);
    }
    containerd.postEvent(rt.now + random.int(100, 900), '/tasks/exec-added', 'TaskExecAdded', [...pbString(1, c.id), ...pbString(2, execId)]);
    yield* containerd.call('/containerd.services.tasks.v1.Tasks/Start', [...pbString(1, c.id), ...pbString(2, execId)], pbVarint(1, random.int(3000, 90000)));
    containerd.postEvent(rt.now + random.int(100, 900), '/tasks/exec-started', 'TaskExecStarted', [...pbString(1, c.id), ...pbString(2, execId), ...pbVarint(3, random.int(3000, 90000))]);
    yield sys.readAgain(readFds[0]!, 32768);
    yield { kind: 'park', until: rt.now + 15_000 + random.exponential(120_000), pollData: polls[0]! };
    const output = HEALTH_OUTPUT[HEALTH_COMMANDS.indexOf(command)]!;
    yield sys.read(readFds[0]!, quoteText(output), 32768, byteLength(output));
    yield sys.readEof(readFds[0]!, 32768);
    yield sys.readEof(readFds[1]!, 32768);
    containerd.postEvent(rt.now + random.int(100, 900), '/tasks/exit', 'TaskExit', [...pbString(1, c.id), ...pbString(2, execId), ...pbVarint(3, random.int(3000, 90000))]);
    for (const fd of readFds) {
      yield sys.epollCtlDel(fd);
      yield sys.close(fd);
    }
    yield* containerd.call('/containerd.services.tasks.v1.Tasks/DeleteProcess', [...pbString(1, c.id), ...pbString(2, execId)], []);
    for (const fd of pathFds) yield sys.close(fd);
    for (const path of paths) yield sys.unlinkat(path);
    yield* this.saveState(c);
  }

  /** container.CheckpointTo: ioutils.AtomicWriteFile of config.v2.json (larger than -s 4096 shows). */
  private *saveState(c: Container): GoroutineBody {
    const { sys } = this;
    const dir = `/var/lib/docker/containers/${c.id}`;
    const tmp = `${dir}/.tmp-config.v2.json${this.random.int(100000000, 4294967295)}`;
    const fd = yield sys.openat(tmp, 'O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600');
    const json = buildInspectJson(c);
    yield sys.write(fd, quoteText(json), byteLength(json));
    yield sys.call('fsync', sys.ref(fd), '0', { scale: 20 });
    yield sys.close(fd);
    yield sys.call('renameat', `AT_FDCWD</>, "${tmp}", AT_FDCWD</>, "${dir}/config.v2.json"`, '0');
  }
}
