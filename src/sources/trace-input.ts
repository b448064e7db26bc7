import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { once } from 'node:events';
import { Ns53Error } from '../errors.js';

/** One trace file (or `-` for standard input) and, for `strace -ff` files, the thread id from its suffix. */
export interface TraceInput {
  /** As given on the command line. */
  path: string;
  /** How positions name it: the file's base name, `stdin` for `-`. */
  name: string;
  /** `trace.12345` from `strace -ff -o trace`: lines carry no pid, the suffix does. */
  pid: number | null;
}

const FF_SUFFIX = /\.(\d+)(?:\.gz)?$/;
const GZIP_MAGIC = [0x1f, 0x8b];
/** 64 KiB chunks: the splitter's loop is then entered often and optimised as a function rather than on-stack; measured faster than 256 KiB-4 MiB. */
const CHUNK_SIZE = 1 << 16;

/** Describes a path given by the user. */
export function describeInput(path: string): TraceInput {
  if (path === '-') return { path, name: 'stdin', pid: null };
  const suffix = FF_SUFFIX.exec(basename(path));
  return { path, name: basename(path), pid: suffix ? Number(suffix[1]) : null };
}

/** Whether these inputs are the per-thread files of one `strace -ff -o PREFIX` run (same prefix, pid suffixes). */
export function isFollowForksSet(inputs: TraceInput[]): boolean {
  if (inputs.length < 2 || inputs.some((input) => input.pid === null)) return false;
  const stem = (input: TraceInput): string => input.path.replace(FF_SUFFIX, '');
  return inputs.every((input) => stem(input) === stem(inputs[0]!));
}

/** What reading an input came to: bytes after decompression, and anything the reader had to accept. */
export interface InputReadResult {
  bytes: number;
  /** E.g. a gzip file cut short: what decompressed is kept, and this says so. */
  notes: string[];
}

/** Yields the raw chunks of a file or of standard input. */
async function* rawChunks(input: TraceInput): AsyncGenerator<Buffer> {
  const stream: Readable = input.path === '-' ? process.stdin : createReadStream(input.path, { highWaterMark: CHUNK_SIZE });
  yield* stream as AsyncIterable<Buffer>;
}

/** Decompresses a gzip byte stream; a stream cut short ends with what was decompressed and a note. */
async function* gunzipped(chunks: AsyncIterable<Buffer>, name: string, notes: string[]): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK_SIZE });
  const feeding = (async () => {
    for await (const chunk of chunks) {
      if (!gunzip.write(chunk)) await once(gunzip, 'drain');
    }
    gunzip.end();
  })();
  feeding.catch((error: unknown) => gunzip.destroy(error as Error));
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'Z_BUF_ERROR' && code !== 'Z_DATA_ERROR') throw error;
    notes.push(`${name}: the gzip data ${code === 'Z_BUF_ERROR' ? 'ends early' : 'is corrupt'} (${(error as Error).message}); replayed what decompressed before that`);
  }
  await feeding.catch(() => undefined);
}

/**
 * Yields the bytes of an input, gunzipped when it starts with the gzip magic (bug-report attachments often
 * are). Notes about damaged input go to `notes`; an input that cannot be read at all throws an Ns53Error.
 */
export async function* inputChunks(input: TraceInput, notes: string[]): AsyncGenerator<Buffer> {
  try {
    const raw = rawChunks(input);
    const first = await raw.next();
    if (first.done) return;
    const head: Buffer = first.value;
    async function* all(): AsyncGenerator<Buffer> {
      yield head;
      yield* { [Symbol.asyncIterator]: () => raw };
    }
    const isGzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    yield* isGzip ? gunzipped(all(), input.name, notes) : all();
  } catch (error) {
    throw Ns53Error.fromInputError(input.path, error);
  }
}

/**
 * Reads a plain (not gzip) file synchronously in chunks, reusing one buffer: a replay is CPU-bound, and
 * waiting on the thread pool for each chunk left the main thread idle about 6% of the time. Returns null,
 * having read nothing, when the input is standard input or gzip (those go through {@link inputChunks}).
 */
export function readPlainFileSync(input: TraceInput, onChunk: (chunk: Buffer) => void): number | null {
  if (input.path === '-') return null;
  let fd: number;
  try {
    fd = openSync(input.path, 'r');
  } catch (error) {
    throw Ns53Error.fromInputError(input.path, error);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
    let read = readSync(fd, buffer, 0, CHUNK_SIZE, null);
    if (read >= 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1]) return null;
    let bytes = 0;
    while (read > 0) {
      bytes += read;
      onChunk(buffer.subarray(0, read));
      read = readSync(fd, buffer, 0, CHUNK_SIZE, null);
    }
    return bytes;
  } catch (error) {
    throw Ns53Error.fromInputError(input.path, error);
  } finally {
    closeSync(fd);
  }
}
