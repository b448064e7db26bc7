// RDATA → presentation form, per RR type. Types without an entry here use RFC 3597's generic
// `\# <length> <hex>` form, which is a valid presentation of any type.

import { formatIpv4, formatIpv6 } from './address.js';
import { HEX_BYTE_TEXT } from './presentation-escapes.js';
import { RdataReader } from './rdata-reader.js';
import { formatRrType, RR_TYPE } from './types.js';

/** What decodeRdata read. */
export interface DecodedRdata {
  /** Presentation form; for a cut RDATA the fields read so far (possibly ''). */
  data: string;
  truncated: boolean;
  malformed: string | null;
}

interface FixedLengthFormat {
  length: number;
  format: (bytes: Uint8Array, offset: number) => string;
}

/** Types whose RDATA is a single fixed-size value: anything but that size is malformed. */
const FIXED_LENGTH_FORMATS: ReadonlyMap<number, FixedLengthFormat> = new Map([
  [RR_TYPE.A, { length: 4, format: formatIpv4 }],
  [RR_TYPE.AAAA, { length: 16, format: formatIpv6 }],
]);

type FieldsDecoder = (reader: RdataReader) => void;

const readName: FieldsDecoder = (reader) => reader.name();
const readPreferenceAndName: FieldsDecoder = (reader) => {
  reader.uint16();
  reader.name();
};
const readCharacterStrings: FieldsDecoder = (reader) => {
  while (!reader.atEnd && !reader.stopped) reader.quotedCharacterString();
};

/** Types whose RDATA is a sequence of fields, listed in wire order. */
const FIELDS_DECODERS: ReadonlyMap<number, FieldsDecoder> = new Map([
  [RR_TYPE.NS, readName],
  [RR_TYPE.CNAME, readName],
  [RR_TYPE.PTR, readName],
  [RR_TYPE.DNAME, readName],
  [RR_TYPE.MX, readPreferenceAndName],
  [RR_TYPE.KX, readPreferenceAndName],
  [RR_TYPE.AFSDB, readPreferenceAndName],
  [RR_TYPE.TXT, readCharacterStrings],
  [RR_TYPE.SPF, readCharacterStrings],
  [
    RR_TYPE.SOA,
    (reader) => {
      reader.name(); // mname
      reader.name(); // rname
      for (let i = 0; i < 5; i++) reader.uint32(); // serial refresh retry expire minimum
    },
  ],
  [
    RR_TYPE.SRV,
    (reader) => {
      reader.uint16(); // priority
      reader.uint16(); // weight
      reader.uint16(); // port
      reader.name(); // target
    },
  ],
  [
    RR_TYPE.HINFO,
    (reader) => {
      reader.quotedCharacterString(); // cpu
      reader.quotedCharacterString(); // os
    },
  ],
  [
    RR_TYPE.CAA,
    (reader) => {
      reader.uint8(); // flags
      reader.bareCharacterString(); // tag
      reader.quotedRest(); // value
    },
  ],
]);

/**
 * Renders the RDATA at `bytes[start, end)` of a record of type `typeCode`. `end` is the declared
 * end and may lie past the buffer, which makes the result truncated rather than malformed.
 */
export function decodeRdata(typeCode: number, bytes: Uint8Array, start: number, end: number): DecodedRdata {
  const fixed = FIXED_LENGTH_FORMATS.get(typeCode);
  if (fixed !== undefined) {
    if (end - start !== fixed.length) {
      const generic = formatGenericRdata(bytes, start, end);
      const reason = `${formatRrType(typeCode)} RDATA is ${end - start} octets, expected ${fixed.length}`;
      return { data: generic.data, truncated: generic.truncated, malformed: reason };
    }
    if (end > bytes.length) return { data: '', truncated: true, malformed: null };
    return { data: fixed.format(bytes, start), truncated: false, malformed: null };
  }

  const decodeFields = FIELDS_DECODERS.get(typeCode);
  if (decodeFields === undefined) return formatGenericRdata(bytes, start, end);

  const reader = new RdataReader(bytes, start, end);
  decodeFields(reader);
  if (!reader.stopped && !reader.atEnd) {
    reader.malformed = `${end - reader.position} octets after the last field`;
  }
  return { data: reader.fields.join(' '), truncated: reader.truncated, malformed: reader.malformed };
}

/** RFC 3597 generic form of the octets the buffer holds; truncated when it holds fewer than declared. */
function formatGenericRdata(bytes: Uint8Array, start: number, end: number): DecodedRdata {
  const readableEnd = Math.min(end, bytes.length);
  let data = `\\# ${readableEnd - start}`;
  if (readableEnd > start) data += ' ';
  for (let i = start; i < readableEnd; i++) data += HEX_BYTE_TEXT[bytes[i]!]!;
  return { data, truncated: readableEnd < end, malformed: null };
}
