#!/usr/bin/env python3
"""Tiny DNS-over-TCP client for the ns53 lab (stdlib only).

Usage: dnstcp.py SERVER NAME [TYPE]   (TYPE: A or AAAA, default A)

Sends one query with a 2-byte length prefix over a single TCP connection,
prints the rcode and any A/AAAA answers, exits 0 when a reply was received.
"""
import random
import socket
import struct
import sys

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
TYPES = {"A": 1, "AAAA": 28}


def build_query(name: str, qtype: int) -> tuple[int, bytes]:
    qid = random.randint(0, 0xFFFF)
    header = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)  # RD=1
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
    return qid, header + qname + struct.pack("!HH", qtype, 1)


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def skip_name(msg: bytes, off: int) -> int:
    while True:
        ln = msg[off]
        if ln == 0:
            return off + 1
        if ln & 0xC0 == 0xC0:
            return off + 2
        off += 1 + ln


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    server, name = sys.argv[1], sys.argv[2]
    qtype_name = sys.argv[3].upper() if len(sys.argv) > 3 else "A"
    qid, query = build_query(name, TYPES[qtype_name])
    with socket.create_connection((server, 53), timeout=10) as s:
        s.sendall(struct.pack("!H", len(query)) + query)
        (ln,) = struct.unpack("!H", recv_exact(s, 2))
        msg = recv_exact(s, ln)
    rid, flags, qd, an, _ns, _ar = struct.unpack("!HHHHHH", msg[:12])
    rcode = flags & 0xF
    print("tcp %s %s -> id_match=%s rcode=%s answers=%d" % (
        name, qtype_name, rid == qid, RCODES.get(rcode, str(rcode)), an))
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _cls, _ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        rdata = msg[off:off + rdlen]
        off += rdlen
        if rtype == 1:
            print("  A %s" % socket.inet_ntop(socket.AF_INET, rdata))
        elif rtype == 28:
            print("  AAAA %s" % socket.inet_ntop(socket.AF_INET6, rdata))
    return 0


if __name__ == "__main__":
    sys.exit(main())
