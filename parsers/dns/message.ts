// A whole DNS message (RFC 1035 §4.1): the 12-byte header, then the question, answer, authority
// and additional sections, read until the message or the buffer ends.

import { decodeEdns } from './edns.js';
import { decodeDnsName } from './name.js';
import { decodeRdata } from './rdata.js';
import {
  formatOpcode,
  formatRcode,
  formatRrClass,
  formatRrType,
  RR_TYPE,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
} from './types.js';

const HEADER_LENGTH = 12;

/** Header flag bits (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD and CD). */
const FLAG = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

/** Returned by the section decoders instead of an offset when nothing more can be read. */
const STOP = -1;

type RecordSection = 'answers' | 'authorities' | 'additionals';

/**
 * Decodes as much of a DNS message as `bytes` holds; never throws. Returns null only when the
 * id and flags are not both there. Header counts are not trusted: decoding stops at the end of
 * the buffer, and problems are reported in `truncated` and `malformed` alongside what was read.
 */
export function decodeDnsMessage(bytes: Uint8Array): DnsMessage | null {
  if (bytes.length < 4) return null;
  const flags = readUint16(bytes, 2);
  const headerRcode = flags & 0xf;
  const message: DnsMessage = {
    id: readUint16(bytes, 0),
    qr: (flags & FLAG.QR) !== 0,
    opcode: formatOpcode((flags >>> 11) & 0xf),
    aa: (flags & FLAG.AA) !== 0,
    tc: (flags & FLAG.TC) !== 0,
    rd: (flags & FLAG.RD) !== 0,
    ra: (flags & FLAG.RA) !== 0,
    ad: (flags & FLAG.AD) !== 0,
    cd: (flags & FLAG.CD) !== 0,
    rcode: '',
    rcodeCode: headerRcode,
    counts: {
      questions: readCount(bytes, 4),
      answers: readCount(bytes, 6),
      authorities: readCount(bytes, 8),
      additionals: readCount(bytes, 10),
    },
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
    edns: null,
    truncated: bytes.length < HEADER_LENGTH,
    malformed: null,
  };
  if (bytes.length >= HEADER_LENGTH) decodeSections(bytes, message);
  if (message.edns !== null) message.rcodeCode = (message.edns.extendedRcode << 4) | headerRcode;
  message.rcode = formatRcode(message.rcodeCode);
  return message;
}

function decodeSections(bytes: Uint8Array, message: DnsMessage): void {
  let offset = HEADER_LENGTH;
  for (let i = 0; i < message.counts.questions && offset !== STOP; i++) {
    offset = decodeQuestion(bytes, offset, i, message);
  }
  offset = decodeRecords(bytes, offset, 'answers', message);
  offset = decodeRecords(bytes, offset, 'authorities', message);
  decodeRecords(bytes, offset, 'additionals', message);
}

function decodeQuestion(bytes: Uint8Array, offset: number, index: number, message: DnsMessage): number {
  if (offset >= bytes.length) return stopTruncated(message);
  const name = decodeDnsName(bytes, offset);
  if (name.malformed !== null) return stopMalformed(message, `questions[${index}] name: ${name.malformed}`);

  const question: DnsQuestion = { name: name.name, type: '', typeCode: -1, class: '', classCode: -1, truncated: true };
  message.questions.push(question);
  if (name.truncated) return stopTruncated(message);

  const position = name.end;
  if (position + 2 > bytes.length) return stopTruncated(message);
  question.typeCode = readUint16(bytes, position);
  question.type = formatRrType(question.typeCode);
  if (position + 4 > bytes.length) return stopTruncated(message);
  question.classCode = readUint16(bytes, position + 2);
  question.class = formatRrClass(question.classCode);
  question.truncated = false;
  return position + 4;
}

function decodeRecords(bytes: Uint8Array, offset: number, section: RecordSection, message: DnsMessage): number {
  const count = message.counts[section];
  for (let i = 0; i < count && offset !== STOP; i++) {
    offset = decodeRecord(bytes, offset, section, i, message);
  }
  return offset;
}

/** Decodes one resource record into its section (or into `edns`); returns the next offset or STOP. */
function decodeRecord(
  bytes: Uint8Array,
  offset: number,
  section: RecordSection,
  index: number,
  message: DnsMessage,
): number {
  if (offset >= bytes.length) return stopTruncated(message);
  const name = decodeDnsName(bytes, offset);
  if (name.malformed !== null) return stopMalformed(message, `${section}[${index}] name: ${name.malformed}`);

  const record: DnsRecord = {
    name: name.name,
    type: '',
    typeCode: -1,
    class: '',
    classCode: -1,
    ttl: -1,
    data: '',
    truncated: true,
  };
  const position = name.end;
  const length = bytes.length;
  if (!name.truncated && position + 2 <= length) {
    record.typeCode = readUint16(bytes, position);
    record.type = formatRrType(record.typeCode);
  }
  const isEdns = section === 'additionals' && record.typeCode === RR_TYPE.OPT;
  if (name.truncated || position + 10 > length) {
    // A cut OPT record is dropped rather than shown as a record; in the additionals, so is one
    // whose type was cut, as it may be the OPT. A cut view then never contradicts the whole one.
    const mayBeEdns = section === 'additionals' && (record.typeCode === -1 || isEdns);
    if (!mayBeEdns) {
      if (position + 4 <= length) {
        record.classCode = readUint16(bytes, position + 2);
        record.class = formatRrClass(record.classCode);
      }
      if (position + 8 <= length) record.ttl = readUint32(bytes, position + 4);
      message[section].push(record);
    }
    return stopTruncated(message);
  }

  const classCode = readUint16(bytes, position + 2);
  const ttl = readUint32(bytes, position + 4);
  const rdataStart = position + 10;
  const rdataEnd = rdataStart + readUint16(bytes, position + 8);

  if (isEdns) {
    if (message.edns !== null) {
      noteMalformed(message, `${section}[${index}]: a second OPT record`);
    } else {
      const decoded = decodeEdns(bytes, classCode, ttl, rdataStart, rdataEnd);
      message.edns = decoded.edns;
      if (decoded.malformed !== null) noteMalformed(message, `${section}[${index}] (OPT): ${decoded.malformed}`);
    }
  } else {
    const rdata = decodeRdata(record.typeCode, bytes, rdataStart, rdataEnd);
    record.classCode = classCode;
    record.class = formatRrClass(classCode);
    record.ttl = ttl;
    record.data = rdata.data;
    record.truncated = rdata.truncated;
    message[section].push(record);
    // RDATA problems stay inside RDLENGTH, so the next record can still be found.
    if (rdata.malformed !== null) noteMalformed(message, `${section}[${index}] (${record.type}): ${rdata.malformed}`);
  }

  if (rdataEnd > length) return stopTruncated(message);
  return rdataEnd;
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** A header count, or 0 when the buffer ends before it. */
function readCount(bytes: Uint8Array, offset: number): number {
  return offset + 2 <= bytes.length ? readUint16(bytes, offset) : 0;
}

function stopTruncated(message: DnsMessage): number {
  message.truncated = true;
  return STOP;
}

function stopMalformed(message: DnsMessage, reason: string): number {
  noteMalformed(message, reason);
  return STOP;
}

/** Keeps the first reason: later ones are usually consequences of it. */
function noteMalformed(message: DnsMessage, reason: string): void {
  if (message.malformed === null) message.malformed = reason;
}
