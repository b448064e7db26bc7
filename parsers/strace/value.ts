import { opensDecoration, skipDecoration, skipString } from './scan.js';

/**
 * A syscall argument as a tree. strace prints C-like expressions no grammar fully types, so leaves stay
 * text (`atom`); only the shapes sessions need are structured: strings, structs, arrays, calls such as
 * `htons(53)`, decorated fds and `before => after` pairs.
 */
export type ArgValue =
  | { kind: 'string'; text: string; start: number }
  | { kind: 'struct'; fields: ArgField[] }
  | { kind: 'array'; items: ArgValue[] }
  | { kind: 'call'; name: string; args: ArgValue[] }
  | { kind: 'fd'; fd: number; decoration: string }
  | { kind: 'inout'; before: ArgValue; after: ArgValue }
  | { kind: 'atom'; text: string };

/** A struct member or an `-N` named argument; unnamed members (`inet_pton(…)`) have a null name. */
export interface ArgField {
  name: string | null;
  value: ArgValue;
}

const COMMA = 44;
const SPACE = 32;
const QUOTE = 34;
const AT = 64;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const SLASH = 47;
const STAR = 42;
const LPAREN = 40;
const LBRACKET = 91;
const LBRACE = 123;

function isCloser(code: number): boolean {
  return code === 41 || code === 93 || code === 125; // ) ] }
}

function isOpener(code: number): boolean {
  return code === LPAREN || code === LBRACKET || code === LBRACE;
}

function isIdentifierChar(code: number, first: boolean): boolean {
  const letter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
  return letter || (!first && ((code >= 48 && code <= 57) || code === 46));
}

/**
 * A recursive-descent reader over argument text, in the manner of acorn: one cursor, one pass. Every
 * method leaves `pos` after what it read; nothing throws, malformed text degrades to atoms.
 */
class ValueReader {
  pos: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  private code(at = this.pos): number {
    return at < this.end ? this.text.charCodeAt(at) : -1;
  }

  private skipSpaces(): void {
    while (this.code() === SPACE) this.pos++;
  }

  /** True at `,`, a closer, or the end: the current value is over. */
  private atTerminator(): boolean {
    const c = this.code();
    return c === -1 || c === COMMA || isCloser(c);
  }

  private atArrow(): boolean {
    return this.code() === EQUALS && this.code(this.pos + 1) === GT;
  }

  /** Skips balanced text up to the next terminator (or ` => `) at this level, honouring strings and decorations. */
  private skipToTerminator(): void {
    let depth = 0;
    while (this.pos < this.end) {
      const c = this.code();
      if (depth === 0 && (c === COMMA || isCloser(c))) return;
      if (depth === 0 && c === EQUALS && this.code(this.pos + 1) === GT && this.code(this.pos - 1) === SPACE) {
        this.pos--;
        return;
      }
      if (c === QUOTE) {
        const after = skipString(this.text, this.pos);
        this.pos = after < 0 || after > this.end ? this.end : after;
        continue;
      }
      if (c === LT && opensDecoration(this.text, this.pos)) {
        const after = skipDecoration(this.text, this.pos);
        this.pos = after < 0 || after > this.end ? this.end : after;
        continue;
      }
      if (c === SLASH && this.code(this.pos + 1) === STAR) {
        const close = this.text.indexOf('*/', this.pos + 2);
        this.pos = close < 0 || close + 2 > this.end ? this.end : close + 2;
        continue;
      }
      if (isOpener(c)) depth++;
      else if (isCloser(c)) depth--;
      this.pos++;
    }
  }

  /** Reads `name=value, …` up to the closer of the current container; leaves `pos` on the closer. */
  readFields(): ArgField[] {
    const fields: ArgField[] = [];
    this.skipSpaces();
    if (this.atTerminator() && this.code() !== COMMA) return fields;
    for (;;) {
      this.skipSpaces();
      fields.push(this.readField());
      this.skipSpaces();
      if (this.code() !== COMMA) return fields;
      this.pos++;
    }
  }

  private readField(): ArgField {
    const start = this.pos;
    let i = start;
    if (isIdentifierChar(this.code(i), true)) {
      i++;
      while (isIdentifierChar(this.code(i), false)) i++;
      if (this.code(i) === EQUALS && this.code(i + 1) !== EQUALS && this.code(i + 1) !== GT) {
        const name = this.text.slice(start, i);
        this.pos = i + 1;
        return { name, value: this.readValue() };
      }
    }
    return { name: null, value: this.readValue() };
  }

  /** Reads one value, its trailing comment, and a `=> after` part. */
  readValue(): ArgValue {
    this.skipSpaces();
    const start = this.pos;
    let value = this.readTerm();
    this.skipSpaces();
    if (this.code() === SLASH && this.code(this.pos + 1) === STAR) {
      const close = this.text.indexOf('*/', this.pos + 2);
      if (close >= 0 && close + 2 <= this.end) {
        this.pos = close + 2;
        this.skipSpaces();
      }
    }
    if (!this.atTerminator() && !this.atArrow()) {
      // Not a single term (`WIFEXITED(s) && WEXITSTATUS(s) == 0`, `8192*1024`): keep it as text.
      this.pos = start;
      this.skipToTerminator();
      value = { kind: 'atom', text: this.text.slice(start, this.pos).trimEnd() };
      this.skipSpaces();
    }
    if (this.atArrow()) {
      this.pos += 2;
      return { kind: 'inout', before: value, after: this.readValue() };
    }
    return value;
  }

  private readTerm(): ArgValue {
    const start = this.pos;
    const c = this.code();
    if (c === QUOTE || (c === AT && this.code(start + 1) === QUOTE)) {
      const after = skipString(this.text, c === AT ? start + 1 : start);
      this.pos = after < 0 || after > this.end ? this.end : after;
      if (this.text.startsWith('...', this.pos)) this.pos += 3;
      return { kind: 'string', text: this.text, start };
    }
    if (c === LBRACE || c === LBRACKET) {
      this.pos++;
      const fields = this.readFields();
      if (this.code() === (c === LBRACE ? 125 : 93)) this.pos++;
      return c === LBRACE ? { kind: 'struct', fields } : { kind: 'array', items: fields.map((field) => field.value) };
    }
    if (c >= 48 && c <= 57) {
      let i = start;
      while (this.code(i) >= 48 && this.code(i) <= 57) i++;
      if (this.code(i) === LT && opensDecoration(this.text, i)) {
        const after = skipDecoration(this.text, i);
        if (after > 0 && after <= this.end) {
          this.pos = after;
          return { kind: 'fd', fd: Number(this.text.slice(start, i)), decoration: this.text.slice(i + 1, after - 1) };
        }
      }
    }
    if (isIdentifierChar(c, true)) {
      let i = start + 1;
      while (isIdentifierChar(this.code(i), false)) i++;
      if (this.code(i) === LPAREN) {
        this.pos = i + 1;
        const args = this.readFields().map((field) => field.value);
        if (this.code() === 41) this.pos++;
        return { kind: 'call', name: this.text.slice(start, i), args };
      }
    }
    this.skipToTerminator();
    return { kind: 'atom', text: this.text.slice(start, this.pos).trimEnd() };
  }
}

/** Parses one value occupying `text[start, end)`. */
export function parseValueAt(text: string, start: number, end: number): ArgValue {
  return new ValueReader(text, start, end).readValue();
}

/** Parses a call's argument text into positional values; `-N` argument names (strace 6.16+) are dropped. */
export function parseArgs(args: string): ArgValue[] {
  return new ValueReader(args, 0, args.length).readFields().map((field) => field.value);
}

/** The member named `name` of a struct value, if present. */
export function fieldOf(value: ArgValue | undefined, name: string): ArgValue | undefined {
  if (value?.kind !== 'struct') return undefined;
  for (const field of value.fields) if (field.name === name) return field.value;
  return undefined;
}

/** The value after `=>` for in/out values, else the value itself: what the kernel wrote back. */
export function outputOf(value: ArgValue | undefined): ArgValue | undefined {
  return value?.kind === 'inout' ? value.after : value;
}

/** Integer value of an atom (`16`, `0x10`, `[16]`), else null. */
export function integerOf(value: ArgValue | undefined): number | null {
  const v = outputOf(value);
  if (v?.kind === 'fd') return v.fd;
  if (v?.kind === 'array' && v.items.length === 1) return integerOf(v.items[0]);
  if (v?.kind !== 'atom') return null;
  const text = v.text.replace(/ \/\*.*\*\/$/, '');
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  return null;
}

/** The symbolic text of an atom (`AF_INET`, `SOCK_DGRAM|SOCK_CLOEXEC`), else null. */
export function atomText(value: ArgValue | undefined): string | null {
  const v = outputOf(value);
  return v?.kind === 'atom' ? v.text : null;
}
