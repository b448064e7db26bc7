import { closeSync, openSync, writeSync } from 'node:fs';
import { Ns53Error } from '../../errors.js';
import { DeadlineQueue } from '../../sessions/deadline-queue.js';
import type { Session, SessionRecord } from '../../sessions/index.js';
import { buildEnhancedPacketBlock, buildInterfaceDescriptionBlock, buildSectionHeaderBlock, type PcapngPacket } from './pcapng-blocks.js';
import { buildSessionPackets } from './session-packets.js';

/** What a pcap file received, for the closing line on stderr. */
export interface PcapTally {
  path: string;
  packets: number;
  sessions: number;
  /** Packets that show a stand-in address (the trace did not say the real one). */
  placeholders: number;
  /** Packets older than ones already written, written out of time order (see REORDER_WINDOW_NS). */
  late: number;
}

/**
 * Sessions finish out of time order (a timeout ends seconds after the sessions that began after it), so
 * packets wait in a heap and are written once they are older than the newest packet seen minus this
 * window: 60 s, the correlator's default abandonSeconds, after which no session stays open without news.
 * A session can still span longer (activity every few seconds for minutes); its older packets are then
 * written as they come, out of order, and counted. Memory holds one window of packets.
 */
const REORDER_WINDOW_NS = 60_000_000_000n;
/** Bytes gathered before one write() call. */
const WRITE_CHUNK = 1 << 16;

const WHY: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOENT: 'its directory does not exist',
  EROFS: 'the file system is read-only',
};

function unwritable(path: string, error: unknown): Ns53Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  const why = (code && WHY[code]) ?? (error as Error)?.message ?? String(error);
  return new Ns53Error('E_OUTPUT_UNWRITABLE', `--pcap ${path}: cannot write (${why}${code ? `, ${code}` : ''})`);
}

/**
 * The pcap sink, the IO edge of src/sinks/pcap: a session listener that writes every session's packets
 * (session-packets.ts) to a pcapng file (pcapng-blocks.ts) in time order. A write that fails (disk full)
 * stops the writing, not the run: `close` then throws the error, naming the file.
 */
export class PcapSink {
  private readonly heap = new DeadlineQueue<PcapngPacket>();
  /** Heap keys are nanoseconds after the first packet: exact in a double for 104 days of trace. */
  private base: bigint | null = null;
  private newest: bigint | null = null;
  private written: bigint | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: Ns53Error | null = null;
  /** Sessions that come after close (a TUI quit while the replay read on) are not written. */
  private closed = false;
  private readonly tally: PcapTally;

  private constructor(
    private readonly fd: number,
    path: string,
  ) {
    this.tally = { path, packets: 0, sessions: 0, placeholders: 0, late: 0 };
  }

  /** Creates (or truncates) `path` and writes the file header; throws E_OUTPUT_UNWRITABLE at once, before any tracing. */
  static open(path: string, application: string): PcapSink {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      throw unwritable(path, error);
    }
    const sink = new PcapSink(fd, path);
    sink.append(buildSectionHeaderBlock(application));
    sink.append(buildInterfaceDescriptionBlock('ns53 (rebuilt from syscalls)'));
    sink.flushPending();
    if (sink.failure) {
      closeSync(fd);
      throw sink.failure;
    }
    return sink;
  }

  /** Takes a finished session (SessionListener.session). */
  session(record: SessionRecord, session: Session): void {
    if (this.failure || this.closed) return;
    const { packets, placeholders } = buildSessionPackets(session, record);
    this.tally.sessions++;
    this.tally.placeholders += placeholders;
    for (const packet of packets) {
      this.base ??= packet.timeNs;
      if (this.newest === null || packet.timeNs > this.newest) this.newest = packet.timeNs;
      this.heap.push(Number(packet.timeNs - this.base), packet);
    }
    if (this.newest !== null) this.writeUpTo(this.newest - REORDER_WINDOW_NS);
  }

  /** Writes what is left and closes the file; throws the first write error, if any. */
  close(): PcapTally {
    if (this.closed) return { ...this.tally };
    this.closed = true;
    this.writeUpTo(null);
    this.flushPending();
    try {
      closeSync(this.fd);
    } catch (error) {
      this.failure ??= unwritable(this.tally.path, error);
    }
    if (this.failure) throw this.failure;
    return { ...this.tally };
  }

  /** Writes every packet up to `limit` (all of them for null). */
  private writeUpTo(limit: bigint | null): void {
    const keyLimit = limit === null || this.base === null ? Infinity : Number(limit - this.base);
    while (this.heap.size > 0 && this.heap.peekTime()! <= keyLimit) {
      const packet = this.heap.pop()!;
      if (this.written !== null && packet.timeNs < this.written) this.tally.late++;
      else this.written = packet.timeNs;
      this.tally.packets++;
      this.append(buildEnhancedPacketBlock(packet));
    }
    if (this.pendingBytes >= WRITE_CHUNK) this.flushPending();
  }

  private append(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private flushPending(): void {
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.failure) return;
    try {
      for (let offset = 0; offset < chunk.length; ) offset += writeSync(this.fd, chunk, offset);
    } catch (error) {
      this.failure = unwritable(this.tally.path, error);
    }
  }
}
