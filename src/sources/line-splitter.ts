/** Receives one line as a byte range (without its newline); `bytes` is only valid during the call. */
export type LineSink = (bytes: Buffer, start: number, end: number) => void;

/**
 * Cuts a byte stream into lines without decoding them: consumers look at the bytes first (most strace lines
 * are skipped unread) and decode only what they keep, as latin1 (strace escapes every non-ASCII byte, and
 * latin1 maps any byte to one character, so binary junk survives). A line split across chunks is carried
 * over; memory grows with the longest line, never with the input. split2 is not used here: it re-scans its
 * buffer for every chunk (quadratic on 10 MB lines, split2#49) and makes a string of every line.
 */
export class LineSplitter {
  private carry: Buffer[] = [];

  constructor(private readonly onLine: LineSink) {}

  /** Takes the next chunk of bytes. */
  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(10);
    if (this.carry.length > 0) {
      if (newline < 0) {
        this.carry.push(Buffer.from(chunk));
        return;
      }
      const line = Buffer.concat([...this.carry, chunk.subarray(0, newline)]);
      this.carry = [];
      this.onLine(line, 0, line.length);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    while (newline >= 0) {
      this.onLine(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    // A copy: the caller may reuse the chunk's memory.
    if (start < chunk.length) this.carry.push(Buffer.from(chunk.subarray(start)));
  }

  /** Ends the stream: a last line without a newline (a killed strace leaves one) still counts. */
  end(): void {
    if (this.carry.length === 0) return;
    const line = Buffer.concat(this.carry);
    this.carry = [];
    this.onLine(line, 0, line.length);
  }
}
