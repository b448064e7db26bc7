// Real DNS wire bytes (RFC 1035) for the generated sessions: what musl/glibc put in a query, and what a
// recursive resolver (dnsmasq in the captures) sends back, with name compression as servers do it
// (`\300\f` is the pointer to the question name at offset 12).

export type QueryType = 'A' | 'AAAA';
export type Rcode = 'NOERROR' | 'SERVFAIL' | 'NXDOMAIN' | 'REFUSED';

const TYPE_CODE: Readonly<Record<string, number>> = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, OPT: 41 };
const RCODE_CODE: Readonly<Record<Rcode, number>> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
const CLASS_IN = 1;
const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;

/** What a client asks. `ednsSize` adds an OPT record, as Go ≥ 1.21 and dig do (musl and glibc do not). */
export interface QuerySpec {
  id: number;
  name: string;
  type: QueryType;
  ednsSize: number | null;
}

/** One answer record; CNAME targets become the owner of the records after them. */
export type AnswerRecord =
  | { type: 'A'; ttl: number; address: readonly number[] }
  | { type: 'AAAA'; ttl: number; address: readonly number[] }
  | { type: 'CNAME'; ttl: number; target: string };

/** The zone's SOA, sent in the authority section of NXDOMAIN and no-data answers (negative caching). */
export interface SoaRecord {
  zone: string;
  ttl: number;
  mname: string;
  rname: string;
  serial: number;
}

/** How the server answers. */
export interface ResponseSpec {
  rcode: Rcode;
  authoritative: boolean;
  recursionAvailable: boolean;
  answers: readonly AnswerRecord[];
  soa: SoaRecord | null;
}

/** Appends big-endian fields and compressed names. */
class WireWriter {
  readonly bytes: number[] = [];
  private readonly offsets = new Map<string, number>();

  u8(value: number): void {
    this.bytes.push(value & 0xff);
  }

  u16(value: number): void {
    this.bytes.push((value >>> 8) & 0xff, value & 0xff);
  }

  u32(value: number): void {
    this.bytes.push((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }

  /** A name, ending in a pointer to the longest suffix already written (when compression is wanted). */
  name(name: string, compress: boolean): void {
    const labels = name === '' || name === '.' ? [] : name.replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const earlier = compress ? this.offsets.get(suffix) : undefined;
      if (earlier !== undefined) {
        this.u16(0xc000 | earlier);
        return;
      }
      if (this.bytes.length < 0x4000) this.offsets.set(suffix, this.bytes.length);
      const label = labels[i]!;
      this.u8(label.length);
      for (let j = 0; j < label.length; j++) this.u8(label.charCodeAt(j));
    }
    this.u8(0);
  }

  /** Writes a 16-bit length placeholder and returns a function that fills it in. */
  lengthSlot(): () => void {
    const at = this.bytes.length;
    this.u16(0);
    return () => {
      const length = this.bytes.length - at - 2;
      this.bytes[at] = (length >>> 8) & 0xff;
      this.bytes[at + 1] = length & 0xff;
    };
  }
}

function writeHeader(w: WireWriter, id: number, flags: number, counts: [number, number, number, number]): void {
  w.u16(id);
  w.u16(flags);
  for (const count of counts) w.u16(count);
}

function writeQuestion(w: WireWriter, query: QuerySpec): void {
  w.name(query.name, true);
  w.u16(TYPE_CODE[query.type]!);
  w.u16(CLASS_IN);
}

function writeOpt(w: WireWriter, udpSize: number): void {
  w.u8(0); // root owner
  w.u16(TYPE_CODE.OPT!);
  w.u16(udpSize);
  w.u32(0);
  w.u16(0);
}

/** The query a container's stub resolver sends to 127.0.0.11 (RD set, one question). */
export function buildDnsQuery(query: QuerySpec): Uint8Array {
  const w = new WireWriter();
  writeHeader(w, query.id, FLAG_RD, [1, 0, 0, query.ednsSize === null ? 0 : 1]);
  writeQuestion(w, query);
  if (query.ednsSize !== null) writeOpt(w, query.ednsSize);
  return Uint8Array.from(w.bytes);
}

/** The upstream's response to `query`, echoing its id and question. */
export function buildDnsResponse(query: QuerySpec, response: ResponseSpec): Uint8Array {
  const w = new WireWriter();
  let flags = FLAG_QR | FLAG_RD | RCODE_CODE[response.rcode];
  if (response.authoritative) flags |= FLAG_AA;
  if (response.recursionAvailable) flags |= FLAG_RA;
  const edns = query.ednsSize !== null;
  writeHeader(w, query.id, flags, [1, response.answers.length, response.soa ? 1 : 0, edns ? 1 : 0]);
  writeQuestion(w, query);
  let owner = query.name;
  for (const record of response.answers) {
    w.name(owner, true);
    w.u16(TYPE_CODE[record.type]!);
    w.u16(CLASS_IN);
    w.u32(record.ttl);
    const done = w.lengthSlot();
    if (record.type === 'CNAME') {
      w.name(record.target, true);
      owner = record.target;
    } else {
      for (const octet of record.address) w.u8(octet);
    }
    done();
  }
  if (response.soa) {
    const soa = response.soa;
    w.name(soa.zone, true);
    w.u16(TYPE_CODE.SOA!);
    w.u16(CLASS_IN);
    w.u32(soa.ttl);
    const done = w.lengthSlot();
    w.name(soa.mname, true);
    w.name(soa.rname, true);
    w.u32(soa.serial);
    for (const seconds of [7200, 3600, 1209600, Math.min(soa.ttl, 3600)]) w.u32(seconds);
    done();
  }
  if (edns) writeOpt(w, 1232);
  return Uint8Array.from(w.bytes);
}
