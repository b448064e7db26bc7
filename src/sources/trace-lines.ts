import { PrefixScan, scanLinePrefix } from '../../parsers/strace/index.js';
import { inputChunks, isFollowForksSet, readPlainFileSync, type TraceInput } from './trace-input.js';
import { LineSplitter } from './line-splitter.js';

/** Receives lines in replay order, as byte ranges (valid during the call only). */
export type TraceLineSink = (bytes: Buffer, start: number, end: number, file: string, line: number, pid: number | null) => void;

/** What feeding the inputs came to. */
export interface FeedResult {
  bytes: number;
  notes: string[];
}

/** Reads inputs one after another, as if concatenated (`cat a b | ns53 replay -`). */
async function feedInOrder(inputs: TraceInput[], sink: TraceLineSink, notes: string[]): Promise<number> {
  let bytes = 0;
  for (const input of inputs) {
    let line = 0;
    const splitter = new LineSplitter((buffer, start, end) => sink(buffer, start, end, input.name, ++line, input.pid));
    const plain = readPlainFileSync(input, (chunk) => splitter.push(chunk));
    if (plain !== null) bytes += plain;
    else {
      for await (const chunk of inputChunks(input, notes)) {
        bytes += chunk.length;
        splitter.push(chunk);
      }
    }
    splitter.end();
  }
  return bytes;
}

/** Pulls lines of one `-ff` file on demand, with the time each line's call returned (its merge key). */
class FileCursor {
  private readonly chunks: AsyncGenerator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private readIndex = 0;
  private readonly splitter = new LineSplitter((buffer, start, end) => this.buffered.push(buffer.subarray(start, end)));
  private exhausted = false;
  line = 0;
  bytes = 0;
  key = -Infinity;

  constructor(
    readonly input: TraceInput,
    notes: string[],
  ) {
    this.chunks = inputChunks(input, notes);
  }

  /** The next line, or undefined at the end of the file. */
  async next(): Promise<Buffer | undefined> {
    while (this.readIndex >= this.buffered.length && !this.exhausted) {
      this.buffered.length = 0;
      this.readIndex = 0;
      const chunk = await this.chunks.next();
      if (chunk.done) {
        this.exhausted = true;
        this.splitter.end();
      } else {
        this.bytes += chunk.value.length;
        this.splitter.push(chunk.value);
      }
    }
    if (this.readIndex >= this.buffered.length) return undefined;
    this.line++;
    return this.buffered[this.readIndex++];
  }
}

const DURATION = / <(\d+(?:\.\d+)?)>$/;
const scan = new PrefixScan();

/**
 * When the call on this line returned: its stamp plus its `-T` duration. -ff prints each line whole at
 * return, stamped with the entry time; ordering by return time keeps results in the order they happened.
 * Lines without a stamp keep their file's current key.
 */
function mergeKey(line: Buffer, previous: number): { key: number; stamped: boolean; relative: boolean } {
  const text = line.toString('latin1');
  scanLinePrefix(text, scan);
  if (scan.clock === null) return { key: previous, stamped: false, relative: false };
  const duration = DURATION.exec(text);
  return { key: scan.seconds + (duration ? Number(duration[1]) : 0), stamped: true, relative: scan.clock === 'relative' };
}

/**
 * Replays the per-thread files of `strace -ff` as one trace, merged by time (what `strace-log-merge` does),
 * streaming: one pending line per file. Without absolute timestamps the files cannot be ordered: they are
 * replayed one after another, and a note says so.
 */
async function feedMerged(inputs: TraceInput[], sink: TraceLineSink, notes: string[]): Promise<number> {
  const cursors = inputs.map((input) => new FileCursor(input, notes));
  const heads: Array<{ cursor: FileCursor; text: Buffer }> = [];
  for (const cursor of cursors) {
    const text = await cursor.next();
    if (text === undefined) continue;
    const { key, stamped, relative } = mergeKey(text, -Infinity);
    if (!stamped || relative) {
      notes.push('the strace -ff files have no absolute timestamps (-t, -tt or -ttt), so they cannot be merged in time order; replayed one after another, which can misplace calls that cross threads');
      return feedInOrder(inputs, sink, notes);
    }
    cursor.key = key;
    heads.push({ cursor, text });
  }
  while (heads.length > 0) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (heads[i]!.cursor.key < heads[best]!.cursor.key) best = i;
    const head = heads[best]!;
    sink(head.text, 0, head.text.length, head.cursor.input.name, head.cursor.line, head.cursor.input.pid);
    const text = await head.cursor.next();
    if (text === undefined) heads.splice(best, 1);
    else {
      head.text = text;
      head.cursor.key = mergeKey(text, head.cursor.key).key;
    }
  }
  return cursors.reduce((sum, cursor) => sum + cursor.bytes, 0);
}

/** Feeds every line of the inputs to `sink` in replay order; -ff file sets are merged by time. */
export async function feedTraceLines(inputs: TraceInput[], sink: TraceLineSink): Promise<FeedResult> {
  const notes: string[] = [];
  const bytes = isFollowForksSet(inputs) ? await feedMerged(inputs, sink, notes) : await feedInOrder(inputs, sink, notes);
  return { bytes, notes };
}
