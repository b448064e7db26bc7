/**
 * The 4 or 16 bytes of an address as the trace printed it (`172.18.0.2`, `fd00::53`, `::ffff:10.0.0.1`);
 * null for text that is not one. A zone (`fe80::1%eth0`) is dropped: packets do not carry it.
 */
export function encodeIpAddress(family: 'inet' | 'inet6', text: string): Uint8Array | null {
  return family === 'inet' ? encodeIpv4(text) : encodeIpv6(text.split('%')[0]!);
}

function encodeIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return null;
  return Uint8Array.from(parts, Number);
}

function encodeIpv6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** The 16-bit groups of one side of `::`; a dotted IPv4 tail counts as two. */
function groupsOf(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  const fields = text.split(':');
  for (const [i, field] of fields.entries()) {
    if (i === fields.length - 1 && field.includes('.')) {
      const v4 = encodeIpv4(field);
      if (v4 === null) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-f]{1,4}$/i.test(field)) groups.push(parseInt(field, 16));
    else return null;
  }
  return groups;
}
