import { decodeCString, fieldOf, type ArgValue } from '../../../parsers/strace/index.js';
import type { Payload } from '../net-event.js';

/** Bytes of a string argument; null for a pointer strace did not read (`0xc001047400`). */
export function payloadOfString(value: ArgValue | undefined): Payload | null {
  if (value?.kind !== 'string') return null;
  const decoded = decodeCString(value.text, value.start);
  return decoded && { bytes: decoded.bytes, truncated: decoded.truncated, length: null };
}

/** Joins the buffers of an iovec array (`[{iov_base="…", iov_len=N}, …]`); an elided tail marks it truncated. */
export function payloadOfIovecs(value: ArgValue | undefined): Payload | null {
  if (value?.kind !== 'array') return null;
  const parts: Uint8Array[] = [];
  let truncated = false;
  for (const item of value.items) {
    if (item.kind === 'atom' && item.text.startsWith('...')) {
      truncated = true;
      continue;
    }
    const part = payloadOfString(fieldOf(item, 'iov_base'));
    if (!part) return null;
    parts.push(part.bytes);
    truncated ||= part.truncated;
  }
  return { bytes: concatBytes(parts), truncated, length: null };
}

/** Cuts a payload to the byte count the call returned (strace may show a whole buffer for a short read), and keeps that count. */
export function limitPayload(payload: Payload | null, returned: number | null): Payload | null {
  if (!payload || returned === null || returned < 0) return payload;
  if (payload.bytes.length > returned) return { bytes: payload.bytes.subarray(0, returned), truncated: false, length: returned };
  return { bytes: payload.bytes, truncated: payload.truncated || payload.bytes.length < returned, length: returned };
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
