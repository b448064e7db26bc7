// Hand-building DNS wire bytes for the tests, so each case reads like the packet it describes.

/** A piece of a packet: a byte, a list of bytes, or ASCII text copied byte for byte. */
export type WirePart = number | readonly number[] | Uint8Array | string;

/** Concatenates packet pieces into bytes. */
export function wire(...parts: WirePart[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') for (let i = 0; i < part.length; i++) out.push(part.charCodeAt(i));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

/** Big-endian 16-bit field. */
export function u16(value: number): number[] {
  return [(value >>> 8) & 0xff, value & 0xff];
}

/** Big-endian 32-bit field. */
export function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** An uncompressed wire name from dotted text ('.' is the root); labels hold plain ASCII. */
export function labels(name: string): number[] {
  const out: number[] = [];
  if (name !== '.') {
    for (const label of name.split('.')) {
      out.push(label.length);
      for (let i = 0; i < label.length; i++) out.push(label.charCodeAt(i));
    }
  }
  out.push(0);
  return out;
}

/** A compression pointer to `offset`. */
export function pointer(offset: number): number[] {
  return [0xc0 | (offset >>> 8), offset & 0xff];
}

/** A 12-byte header. */
export function header(fields: {
  id?: number;
  flags?: number;
  qd?: number;
  an?: number;
  ns?: number;
  ar?: number;
}): number[] {
  return [
    ...u16(fields.id ?? 0x1234),
    ...u16(fields.flags ?? 0x8180),
    ...u16(fields.qd ?? 0),
    ...u16(fields.an ?? 0),
    ...u16(fields.ns ?? 0),
    ...u16(fields.ar ?? 0),
  ];
}

/** A resource record: owner name bytes, type, class, TTL, then RDATA with its length prefix. */
export function record(owner: readonly number[], type: number, rdata: readonly number[], ttl = 300, klass = 1): number[] {
  return [...owner, ...u16(type), ...u16(klass), ...u32(ttl), ...u16(rdata.length), ...rdata];
}

/** A response to `qname`/`qtype` (IN) with the given answer records, each built by `record`. */
export function response(qname: string, qtype: number, answers: readonly (readonly number[])[], flags = 0x8180): Uint8Array {
  return wire(header({ flags, qd: 1, an: answers.length }), labels(qname), u16(qtype), u16(1), ...answers.map((a) => [...a]));
}

/** Bytes of text in strace's C-style escaping (`\215`, `\n`, `\f`, `\\`, `\"`, `\x8d`). */
export function fromStraceEscapes(text: string): Uint8Array {
  const simple: Readonly<Record<string, number>> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '\\': 92, '"': 34 };
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      out.push(char.charCodeAt(0));
      continue;
    }
    const next = text[i + 1] ?? '';
    if (next >= '0' && next <= '7') {
      let digits = '';
      while (digits.length < 3 && (text[i + 1] ?? '') >= '0' && (text[i + 1] ?? '') <= '7') digits += text[++i];
      out.push(parseInt(digits, 8));
    } else if (next === 'x') {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      const value = simple[next];
      if (value === undefined) throw new Error(`unknown escape \\${next}`);
      out.push(value);
      i += 1;
    }
  }
  return Uint8Array.from(out);
}
