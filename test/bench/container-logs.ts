import type { DockerdSyscalls } from './dockerd-syscalls.js';
import type { Container, DockerdWorld } from './dockerd-world.js';
import type { GoroutineBody, GoRuntime } from './go-runtime.js';
import { Inbox } from './inbox.js';
import type { SeededRandom } from './seeded-random.js';
import { buildLogLine } from './docker-payloads.js';
import { byteLength, quoteText } from './strace-quote.js';

// Containers' stdout: dockerd's copier reads the init-stdout fifo (non-blocking, so EAGAIN between bursts)
// and the json-file driver appends one JSON object per line to <id>-json.log. Each logged line therefore
// shows up twice in the trace, which is why chatty containers dominate a busy dockerd's strace log.

/** Drives every logging container's copier goroutine. */
export class ContainerLogs {
  constructor(
    private readonly rt: GoRuntime,
    private readonly sys: DockerdSyscalls,
    private readonly world: DockerdWorld,
    private readonly random: SeededRandom,
    /** Scales every container's log rate (calibrates the log's mix). */
    private readonly rate: number,
  ) {}

  /** Starts a copier per container and schedules its first burst. */
  start(): void {
    for (const container of this.world.containers) {
      if (!Number.isFinite(container.logEvery)) continue;
      const inbox = new Inbox<string[]>(this.rt, container.stdoutFifoPoll);
      inbox.owner = this.rt.go(this.copier(container, inbox));
      this.scheduleBurst(container, inbox);
    }
  }

  private scheduleBurst(container: Container, inbox: Inbox<string[]>): void {
    const delay = this.random.exponential((container.logEvery * 1e6) / this.rate);
    this.rt.at(this.rt.now + delay, () => {
      const count = this.random.chance(0.7) ? 1 : this.random.int(2, 6);
      const lines: string[] = [];
      for (let i = 0; i < count; i++) lines.push(buildLogLine(container, this.rt.now, this.random));
      inbox.post(lines);
      this.scheduleBurst(container, inbox);
    });
  }

  private *copier(c: Container, inbox: Inbox<string[]>): GoroutineBody {
    const { sys, rt } = this;
    for (;;) {
      const lines: string[] = [];
      for (let burst = inbox.take(); burst !== undefined; burst = inbox.take()) lines.push(...burst);
      if (lines.length > 0) {
        const text = lines.map((line) => `${line}\n`).join('');
        yield sys.read(c.stdoutFifoFd, quoteText(text), 32768, byteLength(text));
        for (const line of lines) {
          yield sys.run(0.5);
          const time = new Date(Math.floor(rt.now / 1000)).toISOString().replace('Z', `${String(rt.now % 1000).padStart(3, '0')}${this.random.int(100, 999)}Z`);
          const json = `${JSON.stringify({ log: `${line}\n`, stream: 'stdout', time })}\n`;
          yield sys.write(c.logFd, quoteText(json), byteLength(json));
        }
      }
      yield sys.readAgain(c.stdoutFifoFd, 32768);
      yield inbox.park(Infinity);
    }
  }
}
