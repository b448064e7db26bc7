import { TracePipeline } from '../../src/trace-pipeline.js';
import type { CorrelatorOptions, SessionRecord, SummaryRecord } from '../../src/sessions/index.js';
import { dnsAnswer, dnsQuery, sockaddr, straceString } from './strace-text.js';

/** Writes `strace -f -ttt -T -yy -o` style lines with a running clock, for session tests. */
export class TraceScript {
  readonly lines: string[] = [];
  private clock = 1_700_000_000;

  /** Appends `TID STAMP TEXT` and advances the clock a little. */
  line(tid: number, text: string): this {
    this.lines.push(`${String(tid).padEnd(5)} ${this.clock.toFixed(6)} ${text}`);
    this.clock += 0.0001;
    return this;
  }

  /** Lets trace time pass. */
  wait(seconds: number): this {
    this.clock += seconds;
    return this;
  }

  /** dockerd's listener receives a client query (recvmsg with the client address and IP_PKTINFO). */
  clientQuery(tid: number, listenerFd: number, clientPort: number, query: Uint8Array, limit = 4096): this {
    return this.line(
      tid,
      `recvmsg(${listenerFd}<UDP:[24811]>, {msg_name=${sockaddr('127.0.0.1', clientPort)}, msg_namelen=112 => 16, msg_iov=[{iov_base=${straceString(query, limit)}, iov_len=512}], msg_iovlen=1, msg_control=[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=if_nametoindex("lo"), ipi_spec_dst=inet_addr("127.0.0.11"), ipi_addr=inet_addr("127.0.0.11")}}], msg_controllen=32, msg_flags=0}, 0) = ${query.length}`,
    );
  }

  /** dockerd sends the reply back to the client on its listener. */
  clientReply(tid: number, listenerFd: number, clientPort: number, reply: Uint8Array, limit = 4096): this {
    return this.line(
      tid,
      `sendmsg(${listenerFd}<UDP:[24811]>, {msg_name=${sockaddr('127.0.0.1', clientPort)}, msg_namelen=16, msg_iov=[{iov_base=${straceString(reply, limit)}, iov_len=${reply.length}}], msg_iovlen=1, msg_control=[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=0, ipi_spec_dst=inet_addr("127.0.0.11"), ipi_addr=inet_addr("0.0.0.0")}}], msg_controllen=32, msg_flags=0}, 0) = ${reply.length}`,
    );
  }

  /** Docker ≤23's dial: setns into the sandbox, socket, connect, getsockname, setns back. */
  dialFromSandbox(tid: number, socketFd: number, sandbox: string, source: string, upstream = '10.77.0.2'): this {
    const [ip, port] = source.split(':');
    return this.line(tid, 'setns(15<net:[4026532177]>, CLONE_NEWNET) = 0')
      .line(tid, `openat(AT_FDCWD</>, "/var/run/docker/netns/${sandbox}", O_RDONLY|O_CLOEXEC) = 59</var/run/docker/netns/${sandbox}>`)
      .line(tid, `setns(59</var/run/docker/netns/${sandbox}>, CLONE_NEWNET) = 0`)
      .line(tid, `socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = ${socketFd}<UDP:[6${socketFd}]>`)
      .line(tid, `connect(${socketFd}<UDP:[6${socketFd}]>, ${sockaddr(upstream, 53)}, 16) = 0`)
      .line(tid, `getsockname(${socketFd}<UDP:[6${socketFd}]>, ${sockaddr(ip!, Number(port))}, [112 => 16]) = 0`)
      .line(tid, 'setns(15<net:[4026532177]>, CLONE_NEWNET) = 0')
      .line(tid, `close(59</var/run/docker/netns/${sandbox}>) = 0`);
  }

  /** A write of the query on an upstream socket. */
  send(tid: number, fd: number, bytes: Uint8Array, limit = 4096): this {
    return this.line(tid, `write(${fd}<UDP:[6${fd}]>, ${straceString(bytes, limit)}, ${bytes.length}) = ${bytes.length}`);
  }

  /** A read that returns an answer. */
  receive(tid: number, fd: number, bytes: Uint8Array, limit = 4096): this {
    return this.line(tid, `read(${fd}<UDP:[6${fd}]>, ${straceString(bytes, limit)}, 512) = ${bytes.length}`);
  }

  /** A read that fails (EAGAIN, ECONNREFUSED, …). */
  receiveError(tid: number, fd: number, errno: string): this {
    return this.line(tid, `read(${fd}<UDP:[6${fd}]>, 0xc001047400, 512) = -1 ${errno} (text)`);
  }

  close(tid: number, fd: number): this {
    return this.line(tid, `close(${fd}<UDP:[6${fd}]>) = 0`);
  }
}

/** Runs lines through the whole pipeline. */
export function replayLines(lines: string[], options: Partial<CorrelatorOptions> = {}): { sessions: SessionRecord[]; summary: SummaryRecord } {
  const sessions: SessionRecord[] = [];
  const pipeline = new TracePipeline({ session: (record) => sessions.push(record) }, options);
  lines.forEach((line, i) => pipeline.pushLine(line, 'test.strace', i + 1));
  return { sessions, summary: pipeline.end({ inputs: ['test.strace'], bytes: 0, notes: [] }) };
}

export { dnsAnswer, dnsQuery };
