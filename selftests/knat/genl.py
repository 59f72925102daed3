#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one raw, possibly malformed, request to the knat genl family.

  genl.py CMD [TYPE:HEX]...   e.g. genl.py 1 2:c6336400 3:1e 7:0000012c

Prints "error <errno> <extack message>" or "ok", exits 0 either way (1 if
the exchange itself failed).  Lets tests send what natctl never would.
"""
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def attrs(buf):
    while len(buf) >= 4:
        n, t = struct.unpack_from("HH", buf)
        if n < 4:
            break
        yield t & 0x3fff, buf[4:n]
        buf = buf[(n + 3) & ~3:]


def talk(sock, family, cmd, payload, seq):
    body = struct.pack("BBH", cmd, 1, 0) + payload
    msg = struct.pack("IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body
    sock.send(msg)
    out = []
    while True:
        data = sock.recv(65536)
        while data:
            ln, typ, flags, mseq, _ = struct.unpack_from("IHHII", data)
            m = data[16:ln]
            data = data[(ln + 3) & ~3:]
            if mseq != seq:
                continue
            if typ != NLMSG_ERROR:
                out.append(m)
                continue
            err = struct.unpack_from("i", m)[0]
            off = 4 + (16 if flags & NLM_F_CAPPED else struct.unpack_from("I", m, 4)[0])
            text = ""
            if flags & NLM_F_ACK_TLVS:
                for t, v in attrs(m[off:]):
                    if t == NLMSGERR_ATTR_MSG:
                        text = v.rstrip(b"\0").decode()
            return err, text, out


def main():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.setsockopt(270, NETLINK_EXT_ACK, 1)
    s.bind((0, 0))
    err, text, msgs = talk(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           attr(CTRL_ATTR_FAMILY_NAME, b"knat\0"), 1)
    fam = None
    for m in msgs:
        for t, v in attrs(m[4:]):
            if t == CTRL_ATTR_FAMILY_ID:
                fam = struct.unpack("H", v[:2])[0]
    if fam is None:
        sys.exit("knat family not found")
    payload = b""
    for a in sys.argv[2:]:
        t, hexval = a.split(":")
        payload += attr(int(t), bytes.fromhex(hexval))
    err, text, _ = talk(s, fam, int(sys.argv[1]), payload, 2)
    print(f"error {-err} {text}" if err else "ok")


if __name__ == "__main__":
    main()
