import type { DockerdSyscalls } from './dockerd-syscalls.js';
import type { DockerdWorld } from './dockerd-world.js';
import type { GoroutineBody, GoRuntime } from './go-runtime.js';
import { Inbox } from './inbox.js';
import type { SeededRandom } from './seeded-random.js';
import { quoteBytes } from './strace-quote.js';

// dockerd's GRPC connection to containerd (fd 11, `11<UNIX-STREAM:[23636]>` in the captures): HTTP/2 frames
// carrying protobuf, so the strace lines are dense octal escapes around readable ids, paths and topics. One
// transport goroutine reads every frame; callers write their request and wait to be handed the response.

const FRAME_DATA = 0;
const FRAME_HEADERS = 1;
const FLAG_END_STREAM = 0x1;
const FLAG_END_HEADERS = 0x4;
/** The WINDOW_UPDATE + PING the transport writes after reading data (30 bytes in the captures). */
const WINDOW_UPDATE_AND_PING = [0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0xe0, 0, 0, 8, 6, 0, 0, 0, 0, 0, 2, 4, 16, 16, 9, 14, 7, 7];

function varint(value: number): number[] {
  const out: number[] = [];
  let v = Math.floor(value);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A protobuf length-delimited field. */
export function pbBytes(field: number, bytes: number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** A protobuf string field. */
export function pbString(field: number, text: string): number[] {
  return pbBytes(field, [...Buffer.from(text, 'utf8')]);
}

/** A protobuf varint field. */
export function pbVarint(field: number, value: number): number[] {
  return [...varint(field << 3), ...varint(value)];
}

/** A google.protobuf.Timestamp for a trace time in microseconds. */
export function pbTimestamp(field: number, us: number): number[] {
  return pbBytes(field, [...pbVarint(1, Math.floor(us / 1e6)), ...pbVarint(2, (us % 1e6) * 1000 + 123)]);
}

function frame(type: number, flags: number, stream: number, payload: number[]): number[] {
  const n = payload.length;
  return [(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, type, flags, (stream >>> 24) & 0x7f, (stream >>> 16) & 0xff, (stream >>> 8) & 0xff, stream & 0xff, ...payload];
}

function grpcMessage(message: number[]): number[] {
  const n = message.length;
  return [0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...message];
}

function literal(text: string): number[] {
  const bytes = [...Buffer.from(text, 'latin1')];
  return [bytes.length, ...bytes];
}

/** The transport and the calls made over it. */
export class ContainerdConnection {
  private readonly inbox: Inbox<number[]>;
  private nextStream = 0x600 + 1;
  private readonly eventStream = 3;

  constructor(
    private readonly rt: GoRuntime,
    private readonly sys: DockerdSyscalls,
    private readonly world: DockerdWorld,
    private readonly random: SeededRandom,
  ) {
    this.inbox = new Inbox(rt, world.containerdPoll);
  }

  /** Starts the transport's reader goroutine. */
  start(): void {
    this.inbox.owner = this.rt.go(this.reader());
  }

  /** A unary call from the calling goroutine: `yield*` it. */
  *call(method: string, request: number[], response: number[]): GoroutineBody {
    const stream = (this.nextStream += 2);
    const headers = [0x83, 0x86, 0x44, ...literal(method), 0x41, ...literal('@'), 0x5f, ...literal('application/grpc'), 0x40, ...literal('te'), ...literal('trailers'), 0x40, ...literal('containerd-namespace'), ...literal('moby'), 0x7a, ...literal('grpc-go/1.47.0')];
    const bytes = [...frame(FRAME_HEADERS, FLAG_END_HEADERS, stream, headers), ...frame(FRAME_DATA, FLAG_END_STREAM, stream, grpcMessage(request))];
    yield this.sys.write(this.world.containerdFd, quoteBytes(bytes), bytes.length);
    const rtt = 200 + this.random.exponential(1500);
    const reply = [
      ...frame(FRAME_HEADERS, FLAG_END_HEADERS, stream, [0x88, 0xc0]),
      ...frame(FRAME_DATA, 0, stream, grpcMessage(response)),
      ...frame(FRAME_HEADERS, FLAG_END_HEADERS | FLAG_END_STREAM, stream, [0xbf, 0xbe]),
    ];
    this.inbox.postAt(this.rt.now + rtt, reply);
    // The transport goroutine reads the reply and hands it over through a channel (no fd of our own).
    yield { kind: 'park', until: this.rt.now + rtt + 60 + this.random.exponential(200), pollData: null };
  }

  /** containerd publishes an event on the subscription stream at trace time `at`. */
  postEvent(at: number, topic: string, type: string, event: number[]): void {
    const envelope = [...pbTimestamp(1, at), ...pbString(2, 'moby'), ...pbString(3, topic), ...pbBytes(4, [...pbString(1, `containerd.events.${type}`), ...pbBytes(2, event)])];
    this.inbox.postAt(at, frame(FRAME_DATA, 0, this.eventStream, grpcMessage(envelope)));
  }

  private *reader(): GoroutineBody {
    const { sys } = this;
    const fd = this.world.containerdFd;
    for (;;) {
      let read = 0;
      for (let bytes = this.inbox.take(); bytes !== undefined; bytes = this.inbox.take()) {
        yield sys.read(fd, quoteBytes(bytes), 32768, bytes.length);
        read++;
      }
      if (read > 0 && this.random.chance(0.4)) {
        yield sys.run();
        yield sys.write(fd, quoteBytes(WINDOW_UPDATE_AND_PING), WINDOW_UPDATE_AND_PING.length);
      }
      yield sys.readAgain(fd, 32768);
      yield this.inbox.park(Infinity);
    }
  }
}
