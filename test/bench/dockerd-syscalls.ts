import type { DockerdWorld } from './dockerd-world.js';
import type { GoRuntime, PollData, ThreadStep } from './go-runtime.js';
import type { SeededRandom } from './seeded-random.js';
import { buildCall, type CallOptions } from './strace-log-writer.js';
import { quoteBytes } from './strace-quote.js';

const EAGAIN = '-1 EAGAIN (Resource temporarily unavailable)';
const MSG_CONTROL_IN = 'msg_control=[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=if_nametoindex("lo"), ipi_spec_dst=inet_addr("127.0.0.11"), ipi_addr=inet_addr("127.0.0.11")}}]';
const MSG_CONTROL_OUT = 'msg_control=[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=0, ipi_spec_dst=inet_addr("127.0.0.11"), ipi_addr=inet_addr("0.0.0.0")}}]';

/** `{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.77.0.2")}`. */
export function formatInet(ip: string, port: number): string {
  return `{sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("${ip}")}`;
}

/**
 * The system calls dockerd makes, printed as strace -yy -s 4096 prints them on Debian's dockerd 20.10. Each
 * returns a thread step to yield from a goroutine; calls that create or destroy an fd do it at their return,
 * in trace order, so numbers are reused exactly when the kernel would reuse them.
 */
export class DockerdSyscalls {
  constructor(
    private readonly rt: GoRuntime,
    private readonly world: DockerdWorld,
    private readonly random: SeededRandom,
  ) {}

  /** Any call with a quick duration. */
  call(name: string, entry: string, ret: string, options: CallOptions & { scale?: number } = {}): ThreadStep {
    return { kind: 'call', call: buildCall(name, entry, ret, this.rt.quick(options.scale ?? 1), options) };
  }

  /** User-space work before the next call. */
  run(scale = 1): ThreadStep {
    return { kind: 'run', us: this.rt.work(scale) };
  }

  /** How strace prints fd `fd` right now. */
  ref(fd: number): string {
    return this.world.fds.ref(fd);
  }

  read(fd: number, quoted: string, size: number, length: number): ThreadStep {
    return this.call('read', `${this.ref(fd)}, `, String(length), { exit: `${quoted}, ${size}`, value: length });
  }

  readAgain(fd: number, size: number): ThreadStep {
    return this.call('read', `${this.ref(fd)}, `, EAGAIN, { exit: `${this.world.heapAddress()}, ${size}`, value: -1 });
  }

  readEof(fd: number, size: number): ThreadStep {
    return this.call('read', `${this.ref(fd)}, `, '0', { exit: `"", ${size}` });
  }

  readError(fd: number, size: number, error: string): ThreadStep {
    return this.call('read', `${this.ref(fd)}, `, error, { exit: `${this.world.heapAddress()}, ${size}`, value: -1 });
  }

  write(fd: number, quoted: string, length: number): ThreadStep {
    return this.call('write', `${this.ref(fd)}, ${quoted}, ${length}`, String(length), { value: length, scale: 1.5 });
  }

  close(fd: number): ThreadStep {
    return this.call('close', this.ref(fd), '0', { complete: () => this.world.fds.close(fd) });
  }

  /** openat; the new fd (lowest free at the return) is the value. */
  openat(path: string, flags: string, decoration = path): ThreadStep {
    return this.call('openat', `AT_FDCWD</>, "${path}", ${flags}`, '', {
      complete: (call) => {
        const fd = this.world.fds.open(decoration);
        call.ret = this.ref(fd);
        call.value = fd;
      },
    });
  }

  openatMissing(path: string, flags: string): ThreadStep {
    return this.call('openat', `AT_FDCWD</>, "${path}", ${flags}`, '-1 ENOENT (No such file or directory)', { value: -1 });
  }

  fstat(fd: number, stat: string): ThreadStep {
    return this.call('fstat', `${this.ref(fd)}, `, '0', { exit: stat });
  }

  newfstatat(path: string, stat: string | null): ThreadStep {
    return stat === null
      ? this.call('newfstatat', `AT_FDCWD</>, "${path}", `, '-1 ENOENT (No such file or directory)', { exit: `${this.world.heapAddress()}, 0` })
      : this.call('newfstatat', `AT_FDCWD</>, "${path}", `, '0', { exit: `${stat}, 0` });
  }

  epollCtlAdd(fd: number, data: PollData): ThreadStep {
    return this.call('epoll_ctl', `${this.world.epollRef}, EPOLL_CTL_ADD, ${this.ref(fd)}, {events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, data={u32=${data.u32}, u64=${data.u64}}}`, '0');
  }

  /** epoll_ctl ADD of a path-only fd, which the kernel refuses (the exec fifos in the captures). */
  epollCtlAddBad(fd: number, data: PollData): ThreadStep {
    return this.call('epoll_ctl', `${this.world.epollRef}, EPOLL_CTL_ADD, ${this.ref(fd)}, {events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, data={u32=${data.u32}, u64=${data.u64}}}`, '-1 EBADF (Bad file descriptor)');
  }

  epollCtlDel(fd: number): ThreadStep {
    return this.call('epoll_ctl', `${this.world.epollRef}, EPOLL_CTL_DEL, ${this.ref(fd)}, ${this.world.heapAddress().slice(0, -3)}8fc`, '0');
  }

  setns(fdRef: string): ThreadStep {
    return this.call('setns', `${fdRef}, CLONE_NEWNET`, '0', { scale: 1.5 });
  }

  /** A UDP socket made inside a container's namespace: -yy can only show its inode. */
  udpSocket(): ThreadStep {
    return this.call('socket', 'AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP', '', {
      complete: (call) => {
        const fd = this.world.fds.open(`UDP:[${this.world.nextInode()}]`);
        call.ret = this.ref(fd);
        call.value = fd;
      },
    });
  }

  setsockoptBroadcast(fd: number): ThreadStep {
    return this.call('setsockopt', `${this.ref(fd)}, SOL_SOCKET, SO_BROADCAST, [1], 4`, '0');
  }

  connect(fd: number, ip: string, port: number): ThreadStep {
    return this.call('connect', `${this.ref(fd)}, ${formatInet(ip, port)}, 16`, '0', { scale: 2 });
  }

  getsockname(fd: number, ip: string, port: number): ThreadStep {
    return this.call('getsockname', `${this.ref(fd)}, `, '0', { exit: `${formatInet(ip, port)}, [112 => 16]` });
  }

  getpeername(fd: number, ip: string, port: number): ThreadStep {
    return this.call('getpeername', `${this.ref(fd)}, `, '0', { exit: `${formatInet(ip, port)}, [112 => 16]` });
  }

  /** The resolver's listener: nothing waiting. */
  recvmsgAgain(fd: number): ThreadStep {
    return this.call('recvmsg', `${this.ref(fd)}, `, EAGAIN, { exit: '{msg_namelen=112}, 0' });
  }

  /** The resolver's listener reads a client's query. */
  recvmsgQuery(fd: number, clientPort: number, payload: Uint8Array): ThreadStep {
    const msghdr = `{msg_name=${formatInet('127.0.0.1', clientPort)}, msg_namelen=112 => 16, msg_iov=[{iov_base=${quoteBytes(payload)}, iov_len=512}], msg_iovlen=1, ${MSG_CONTROL_IN}, msg_controllen=32, msg_flags=0}`;
    return this.call('recvmsg', `${this.ref(fd)}, `, String(payload.length), { exit: `${msghdr}, 0` });
  }

  /** The resolver's reply to the client, from 127.0.0.11. */
  sendmsgReply(fd: number, clientPort: number, payload: Uint8Array): ThreadStep {
    const msghdr = `{msg_name=${formatInet('127.0.0.1', clientPort)}, msg_namelen=16, msg_iov=[{iov_base=${quoteBytes(payload)}, iov_len=${payload.length}}], msg_iovlen=1, ${MSG_CONTROL_OUT}, msg_controllen=32, msg_flags=0}`;
    return this.call('sendmsg', `${this.ref(fd)}, ${msghdr}, 0`, String(payload.length), { scale: 1.5 });
  }

  /** accept4 on docker.sock: the new connection's fd is the value. */
  accept4(listenerFd: number): ThreadStep {
    return this.call('accept4', `${this.ref(listenerFd)}, `, '', {
      exit: '{sa_family=AF_UNIX}, [112 => 2], SOCK_CLOEXEC|SOCK_NONBLOCK',
      complete: (call) => {
        const server = this.world.nextInode();
        const peer = server - this.random.int(1, 3000);
        const fd = this.world.fds.open(`UNIX-STREAM:[${server}->${peer},"/var/run/docker.sock"]`);
        call.ret = this.ref(fd);
        call.value = fd;
      },
    });
  }

  accept4Again(listenerFd: number): ThreadStep {
    return this.call('accept4', `${this.ref(listenerFd)}, ${this.world.heapAddress().slice(0, -3)}b68, [112], SOCK_CLOEXEC|SOCK_NONBLOCK`, EAGAIN);
  }

  getsocknameUnix(fd: number): ThreadStep {
    return this.call('getsockname', `${this.ref(fd)}, `, '0', { exit: '{sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, [112 => 27]' });
  }

  getrandom(length: number): ThreadStep {
    return this.call('getrandom', '', String(length), { exit: `${quoteBytes(this.random.bytes(length))}, ${length}, 0` });
  }

  fcntlGetfl(fd: number): ThreadStep {
    return this.call('fcntl', `${this.ref(fd)}, F_GETFL`, '0x8000 (flags O_RDONLY|O_LARGEFILE)');
  }

  fcntlSetNonblock(fd: number): ThreadStep {
    return this.call('fcntl', `${this.ref(fd)}, F_SETFL, O_RDONLY|O_NONBLOCK|O_LARGEFILE`, '0');
  }

  mknodatFifo(path: string): ThreadStep {
    return this.call('mknodat', `AT_FDCWD</>, "${path}", S_IFIFO|0700`, '0');
  }

  unlinkat(path: string): ThreadStep {
    return this.call('unlinkat', `AT_FDCWD</>, "${path}", 0`, '0');
  }
}
