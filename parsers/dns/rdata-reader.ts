// A cursor over one record's RDATA that renders each field it reads in presentation form.
// Once a field cannot be read, every later read is a no-op, so a per-type decoder is just the list
// of its fields and still yields the fields read before the cut.

import { decodeDnsName } from './name.js';
import { LABEL_BYTE_TEXT, QUOTED_BYTE_TEXT } from './presentation-escapes.js';

/** Reads RDATA fields in order, collecting their text in `fields`. */
export class RdataReader {
  /** Presentation text of each field read so far; joined with spaces they form the record's data. */
  readonly fields: string[] = [];
  /** The buffer ended before the RDATA did. */
  truncated = false;
  /** Why the RDATA cannot be what its type says; null while it can. */
  malformed: string | null = null;
  position: number;

  /** Reads `bytes[start, end)`, where `end` is the declared end of the RDATA and may lie past the buffer. */
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.position = start;
  }

  /** Whether a field could not be read, which ends the decoding of this RDATA. */
  get stopped(): boolean {
    return this.truncated || this.malformed !== null;
  }

  /** Whether no RDATA octets are left (the declared end is reached). */
  get atEnd(): boolean {
    return this.position >= this.end;
  }

  /** Reads an unsigned 8-bit field as decimal. */
  uint8(): void {
    if (!this.canRead(1)) return;
    this.fields.push(String(this.bytes[this.position]!));
    this.position += 1;
  }

  /** Reads an unsigned 16-bit big-endian field as decimal. */
  uint16(): void {
    if (!this.canRead(2)) return;
    const bytes = this.bytes;
    const at = this.position;
    this.fields.push(String((bytes[at]! << 8) | bytes[at + 1]!));
    this.position += 2;
  }

  /** Reads an unsigned 32-bit big-endian field as decimal. */
  uint32(): void {
    if (!this.canRead(4)) return;
    const bytes = this.bytes;
    const at = this.position;
    const value = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    this.fields.push(String(value));
    this.position += 4;
  }

  /** Reads a domain name (compression allowed); a cut name still contributes what was read. */
  name(): void {
    if (this.stopped) return;
    const decoded = decodeDnsName(this.bytes, this.position, this.end);
    this.position = decoded.end;
    if (decoded.malformed !== null) {
      this.malformed = decoded.malformed;
      return;
    }
    if (decoded.name !== '') this.fields.push(decoded.name);
    this.truncated = decoded.truncated;
  }

  /** Reads a length-prefixed <character-string> and shows it in double quotes, as dig does. */
  quotedCharacterString(): void {
    this.characterString(QUOTED_BYTE_TEXT, '"');
  }

  /** Reads a length-prefixed <character-string> shown bare (a CAA tag), escaped like a label. */
  bareCharacterString(): void {
    this.characterString(LABEL_BYTE_TEXT, '');
  }

  /** Reads every remaining RDATA octet as one quoted string (a CAA value has no length prefix). */
  quotedRest(): void {
    if (this.stopped) return;
    this.pushText(this.position, this.end, QUOTED_BYTE_TEXT, '"');
    this.position = this.end;
  }

  private characterString(byteText: readonly string[], quote: string): void {
    if (!this.canRead(1)) return;
    const length = this.bytes[this.position]!;
    const start = this.position + 1;
    if (start + length > this.end) {
      this.malformed = `character-string of ${length} octets overruns the RDATA`;
      return;
    }
    this.pushText(start, start + length, byteText, quote);
    this.position = start + length;
  }

  /** Pushes the text of `bytes[start, end)`, or of the part the buffer holds (then truncated). */
  private pushText(start: number, end: number, byteText: readonly string[], quote: string): void {
    const readableEnd = Math.min(end, this.bytes.length);
    let text = quote;
    for (let i = start; i < readableEnd; i++) text += byteText[this.bytes[i]!]!;
    this.fields.push(text + quote);
    if (readableEnd < end) this.truncated = true;
  }

  /** Whether `count` more octets can be read; if not, records whether the RDATA is short or cut. */
  private canRead(count: number): boolean {
    if (this.stopped) return false;
    const needed = this.position + count;
    if (needed > this.end) {
      this.malformed = 'RDATA too short for its type';
      return false;
    }
    if (needed > this.bytes.length) {
      this.truncated = true;
      return false;
    }
    return true;
  }
}
