#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send raw, possibly malformed, requests to the knat genl family.

  genl.py CMD [TYPE:HEX]... [-- CMD [TYPE:HEX]...]...
                              e.g. genl.py 1 2:c6336400 3:1e 7:0000012c

Prints, for each request, "error <errno> <extack message>" or "ok"; exits
0 either way (1 if an exchange itself failed).  Lets tests send what natctl never would;
nlfaults.py builds on its request() and answer().
"""
import ctypes
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_DUMP = 0x300
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
CLONE_NEWNET = 0x40000000


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


def request(family, cmd, payload, seq, dump=False):
    """The bytes of one request, acked (or, @dump, a dump)."""
    body = struct.pack("BBH", cmd, 1, 0) + payload
    flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
    return struct.pack("IHHII", 16 + len(body), family, flags, seq, 0) + body


def messages(data, seq):
    """(type, flags, payload) of each netlink message of datagram @data
    that answers request @seq."""
    while data:
        ln, typ, flags, mseq, _ = struct.unpack_from("IHHII", data)
        if mseq == seq:
            yield typ, flags, data[16:ln]
        data = data[(ln + 3) & ~3:]


def answer(sock, seq):
    """(errno or 0, extack message, messages) of request @seq."""
    out = []
    while True:
        for typ, flags, m in messages(sock.recv(65536), seq):
            if typ not in (NLMSG_ERROR, NLMSG_DONE):
                out.append(m)
                continue
            err = struct.unpack_from("i", m)[0]
            text = ""
            if typ == NLMSG_ERROR and flags & NLM_F_ACK_TLVS:
                off = 4 + (16 if flags & NLM_F_CAPPED else struct.unpack_from("I", m, 4)[0])
                for t, v in attrs(m[off:]):
                    if t == NLMSGERR_ATTR_MSG:
                        text = v.rstrip(b"\0").decode()
            return -err, text, out


def talk(sock, family, cmd, payload, seq, dump=False):
    sock.send(request(family, cmd, payload, seq, dump))
    return answer(sock, seq)


def open_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.setsockopt(270, NETLINK_EXT_ACK, 1)
    s.bind((0, 0))
    return s


def family_id(sock):
    """The knat family's id, or None."""
    _, _, msgs = talk(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                      attr(CTRL_ATTR_FAMILY_NAME, b"knat\0"), 1)
    for m in msgs:
        for t, v in attrs(m[4:]):
            if t == CTRL_ATTR_FAMILY_ID:
                return struct.unpack("H", v[:2])[0]
    return None


def uapi(enum, prefix):
    """The values of an enum of uapi/linux/knat.h, by name less @prefix."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../../uapi/linux/knat.h")
    text = open(path).read()
    body = text[text.index(f"enum {enum} {{"):]
    body = body[:body.index("};")]
    names = re.findall(r"^\t([A-Z0-9_]+)", body, re.M)
    return {n[len(prefix):]: v for v, n in enumerate(names) if n.startswith(prefix)}


def enter(netns):
    """Move this thread into the named network namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        sys.exit(f"setns {netns}: {os.strerror(ctypes.get_errno())}")
    os.close(fd)


def socket_in(netns):
    """A generic netlink socket of @netns (sockets keep their namespace)."""
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    enter(netns)
    s = open_socket()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.setns(here, CLONE_NEWNET)
    os.close(here)
    return s


def main():
    """genl.py CMD [TYPE:HEX]... [-- CMD [TYPE:HEX]...]...: each request in
    turn, one line for each: "ok" or "error ERRNO EXTACK-TEXT"."""
    s = open_socket()
    fam = family_id(s)
    if fam is None:
        sys.exit("knat family not found")
    args, seq = sys.argv[1:], 2
    while args:
        req = args[:args.index("--")] if "--" in args else args
        args = args[len(req) + 1:]
        payload = b""
        for a in req[1:]:
            t, hexval = a.split(":")
            payload += attr(int(t), bytes.fromhex(hexval))
        err, text, _ = talk(s, fam, int(req[0]), payload, seq)
        print(f"error {err} {text}" if err else "ok")
        seq += 1


if __name__ == "__main__":
    main()
