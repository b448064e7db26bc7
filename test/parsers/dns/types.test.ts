import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatOpcode, formatRcode, formatRrClass, formatRrType } from '../../../parsers/dns/index.js';

describe('code tables', () => {
  const rows: { format: (code: number) => string; code: number; name: string }[] = [
    { format: formatRrType, code: 1, name: 'A' },
    { format: formatRrType, code: 2, name: 'NS' },
    { format: formatRrType, code: 5, name: 'CNAME' },
    { format: formatRrType, code: 6, name: 'SOA' },
    { format: formatRrType, code: 12, name: 'PTR' },
    { format: formatRrType, code: 15, name: 'MX' },
    { format: formatRrType, code: 16, name: 'TXT' },
    { format: formatRrType, code: 28, name: 'AAAA' },
    { format: formatRrType, code: 33, name: 'SRV' },
    { format: formatRrType, code: 41, name: 'OPT' },
    { format: formatRrType, code: 43, name: 'DS' },
    { format: formatRrType, code: 46, name: 'RRSIG' },
    { format: formatRrType, code: 47, name: 'NSEC' },
    { format: formatRrType, code: 48, name: 'DNSKEY' },
    { format: formatRrType, code: 64, name: 'SVCB' },
    { format: formatRrType, code: 65, name: 'HTTPS' },
    { format: formatRrType, code: 252, name: 'AXFR' },
    { format: formatRrType, code: 255, name: 'ANY' },
    { format: formatRrType, code: 257, name: 'CAA' },
    { format: formatRrType, code: 0, name: 'TYPE0' },
    { format: formatRrType, code: 65535, name: 'TYPE65535' },
    { format: formatRrClass, code: 1, name: 'IN' },
    { format: formatRrClass, code: 3, name: 'CH' },
    { format: formatRrClass, code: 4, name: 'HS' },
    { format: formatRrClass, code: 254, name: 'NONE' },
    { format: formatRrClass, code: 255, name: 'ANY' },
    { format: formatRrClass, code: 2, name: 'CLASS2' },
    { format: formatRcode, code: 0, name: 'NOERROR' },
    { format: formatRcode, code: 1, name: 'FORMERR' },
    { format: formatRcode, code: 2, name: 'SERVFAIL' },
    { format: formatRcode, code: 3, name: 'NXDOMAIN' },
    { format: formatRcode, code: 4, name: 'NOTIMP' },
    { format: formatRcode, code: 5, name: 'REFUSED' },
    { format: formatRcode, code: 6, name: 'YXDOMAIN' },
    { format: formatRcode, code: 7, name: 'YXRRSET' },
    { format: formatRcode, code: 8, name: 'NXRRSET' },
    { format: formatRcode, code: 9, name: 'NOTAUTH' },
    { format: formatRcode, code: 10, name: 'NOTZONE' },
    { format: formatRcode, code: 12, name: 'RCODE12' },
    { format: formatRcode, code: 16, name: 'BADVERS' },
    { format: formatRcode, code: 23, name: 'BADCOOKIE' },
    { format: formatRcode, code: 4095, name: 'RCODE4095' },
    { format: formatOpcode, code: 0, name: 'QUERY' },
    { format: formatOpcode, code: 1, name: 'IQUERY' },
    { format: formatOpcode, code: 2, name: 'STATUS' },
    { format: formatOpcode, code: 3, name: 'OPCODE3' },
    { format: formatOpcode, code: 4, name: 'NOTIFY' },
    { format: formatOpcode, code: 5, name: 'UPDATE' },
    { format: formatOpcode, code: 6, name: 'DSO' },
    { format: formatOpcode, code: 15, name: 'OPCODE15' },
  ];
  for (const { format, code, name } of rows) {
    it(`${format.name}(${code}) → ${name}`, () => assert.equal(format(code), name));
  }
});
