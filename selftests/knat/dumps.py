#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A dump changed between its parts skips nothing.

  dumps.py NETNS COUNT

Adds COUNT static UDP forwards (100.64.0.2:20000.. to 198.51.100.1:30000..)
in NETNS, reads the first part of a forward dump, removes the first
forward, reads the rest: every forward that was there all along must be
in the dump, once.  Prints what it saw; exits 1 if one is missing or
repeated.
"""
import socket
import struct
import sys

from genl import (NLMSG_DONE, NLMSG_ERROR, attr, attrs, family_id, messages,
                  request, socket_in, talk, uapi)

A = uapi("knat_attr", "KNAT_A_")
C = uapi("knat_cmd", "KNAT_CMD_")
UDP = 17


def forward(i):
    """The endpoints of forward @i, as FORWARD_ADD and FORWARD_DEL take them."""
    ext = (attr(A["EXT_ADDR"], socket.inet_aton("198.51.100.1")) +
           attr(A["EXT_PORT"], struct.pack("H", 30000 + i)))
    return attr(A["PROTO"], bytes([UDP])), ext, (
        attr(A["IN_ADDR"], socket.inet_aton("100.64.0.2")) +
        attr(A["IN_PORT"], struct.pack("H", 20000 + i)))


def parts(sock, seq, one=False):
    """The dump's messages, a list per datagram read, until its end (or,
    @one, the first datagram's)."""
    out = []
    while True:
        # Small reads keep the parts small (the kernel sizes them by the
        # largest read the socket has made): the removal falls between
        # the parts made before it and those made after.
        got, done = [], False
        for typ, _, m in messages(sock.recv(8192), seq):
            if typ == NLMSG_ERROR:
                sys.exit(f"the dump failed: {-struct.unpack_from('i', m)[0]}")
            if typ == NLMSG_DONE:
                done = True
                break
            got.append(dict(attrs(m[4:])))
        out.append(got)
        if done or one:
            return out


def main():
    ns, count = sys.argv[1], int(sys.argv[2])
    ctl = socket_in(ns)
    fam = family_id(ctl)
    for i in range(count):
        proto, ext, inside = forward(i)
        err, text, _ = talk(ctl, fam, C["FORWARD_ADD"], proto + inside + ext, 10 + i)
        if err:
            sys.exit(f"forward {i}: error {err} {text}")
    dump = socket_in(ns)
    dump.send(request(fam, C["FORWARD_GET"], b"", 1, True))
    first = parts(dump, 1, one=True)[0]
    proto, ext, _ = forward(0)
    err, text, _ = talk(ctl, fam, C["FORWARD_DEL"], proto + ext, 5)
    if err:
        sys.exit(f"removing forward 0: error {err} {text}")
    rest = parts(dump, 1)
    seen = [struct.unpack("H", e[A["EXT_PORT"]])[0] - 30000
            for p in [first] + rest for e in p]
    print(f"{count} forwards in {1 + len(rest)} parts "
          f"({len(first)} in the first), the first removed after it: "
          f"{len(seen)} sent, {len(set(seen))} of them different")
    missing = sorted(set(range(1, count)) - set(seen))
    twice = sorted({i for i in seen if seen.count(i) > 1})
    if missing or twice:
        sys.exit(f"missing {missing}, twice {twice}")


if __name__ == "__main__":
    main()
