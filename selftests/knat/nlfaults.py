#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail each allocation a configuration request makes, one at a time.

  nlfaults.py

For every request below, the n-th slab allocation this task makes while
the request is sent and handled (the request's buffer, generic netlink's,
knat's handler and its reply or ack) fails (/proc/thread-self/fail-nth),
for n = 1, 2, ... until the request goes through without reaching the
n-th.  Whatever the failure, the request answers (an error, or ok), and
it is done or not: its objects' dump reads as before the request or as
after it succeeded, and one that says ok was done.  One that was done is
undone without faults before the next n.  Read-only requests change
nothing.  Prints one line per request; exits 1 at the first violation.
Run in the namespace knat configures, after lib.sh's setup (pool 1
198.51.100.0/30, inside 100.64.0.0/10), with failslab failing every
cache's allocations, sleeping ones too (cache-filter and ignore-gfp-wait
off), and nothing else (probability 0).
"""
import errno
import os
import socket
import struct
import sys
import time

from genl import answer, attr, attrs, family_id, open_socket, request

CMD = dict(POOL_ADD=1, POOL_DEL=2, POOL_GET=3, INSIDE_ADD=4, INSIDE_DEL=5,
           INSIDE_GET=6, CONFIG_GET=7, CONFIG_SET=8, MAPPING_GET=9,
           SESSION_GET=10, STATS_GET=12, RANGE_ADD=13,
           RANGE_DEL=14, SUBSCRIBER_GET=15, WHOIS=16, EXEMPT_ADD=18,
           EXEMPT_DEL=19, EXEMPT_GET=20, FORWARD_ADD=21, FORWARD_DEL=22,
           FORWARD_GET=23, FORWARD_MAP=24)
A_ADDR, A_PREFIXLEN, A_TIMEOUT_UDP, A_PROTO = 2, 3, 7, 12
A_IN_ADDR, A_IN_PORT, A_EXT_ADDR, A_EXT_PORT = 13, 14, 15, 16
A_EXPIRES, A_POOL_ID, A_NOW, A_LIFETIME, A_NONCE = 21, 23, 49, 59, 60
A_EPOCH = 62
# What may read differently without any request: a timed forward's time
# left, the external endpoint a subscriber was given, the seconds since
# knat began in the namespace.
VOLATILE = {A_EXT_ADDR, A_EXT_PORT, A_EXPIRES, A_EPOCH}
MAX_FAULTS = 400
# The reads that answer with one message rather than a dump.
SINGLE_GETS = {"CONFIG_GET", "STATS_GET"}

FAMILY = None
SEQ = 100


def u8(t, v):
    return attr(t, struct.pack("B", v))


def u16(t, v):
    return attr(t, struct.pack("H", v))


def u32(t, v):
    return attr(t, struct.pack("I", v))


def be32(t, a):
    return attr(t, socket.inet_aton(a))


def prefix(a, plen):
    return be32(A_ADDR, a) + u8(A_PREFIXLEN, plen)


def is_dump(cmd):
    return cmd.endswith("_GET") and cmd not in SINGLE_GETS


def send(cmd, payload=b"", fail_nth=0):
    """(errno or 0, messages, whether a fault was injected)."""
    global SEQ
    SEQ += 1
    s = open_socket()  # a fresh one: a failed dump leaves its own running
    s.settimeout(10)
    msg = request(FAMILY, CMD[cmd], payload, SEQ, is_dump(cmd))
    fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    try:
        os.write(fd, str(fail_nth).encode())
        try:
            s.send(msg)
            err = None
        except OSError as e:  # the request's buffer could not be allocated
            err = e.errno
        injected = fail_nth > 0 and int(os.pread(fd, 32, 0)) == 0
        os.write(fd, b"0")
        out = []
        if err is None:
            try:
                err, _, out = answer(s, SEQ)
            except socket.timeout:
                sys.exit(f"FAIL: {cmd} with fault {fail_nth}: no answer")
            except OSError as e:  # the ack could not be allocated
                err = e.errno
    finally:
        os.write(fd, b"0")  # disarmed, whatever happened
        os.close(fd)
        s.close()
    return err, out, injected


def snapshot(cmd):
    """What @cmd reads, messages sorted, volatile attributes left out."""
    err, out, _ = send(cmd)
    if err:
        sys.exit(f"FAIL: {cmd}: {os.strerror(err)}")
    msgs = []
    for m in out:
        msgs.append(b"".join(attr(t, v) for t, v in attrs(m[4:])
                             if t not in VOLATILE))
    return sorted(msgs)


def must(cmd, payload):
    err, _, _ = send(cmd, payload)
    if err:
        sys.exit(f"FAIL: {cmd} without faults: {os.strerror(err)}")


def undone(undo, dump_of, before):
    """Undo without faults; what is drained goes with the GC's next walk."""
    must(*undo)
    for _ in range(50):
        if snapshot(dump_of) == before:
            return True
        time.sleep(0.1)
    return False


def sweep(name, do, undo, dump_of):
    """Fail each allocation of request @do; @undo, if any, undoes it."""
    before = snapshot(dump_of)
    err, _, _ = send(*do)
    if err:
        sys.exit(f"FAIL: {name} without faults: {os.strerror(err)}")
    after = snapshot(dump_of)
    if undo:
        if after == before:
            sys.exit(f"FAIL: {name} changed nothing in {dump_of}")
        if not undone(undo, dump_of, before):
            sys.exit(f"FAIL: {name} not undone")
    elif after != before:
        sys.exit(f"FAIL: {name} changed {dump_of}")
    codes = {}
    for n in range(1, MAX_FAULTS + 1):
        err, _, injected = send(*do, fail_nth=n)
        if not injected:
            if err:
                sys.exit(f"FAIL: {name} failed with no fault: {os.strerror(err)}")
            if undo and not undone(undo, dump_of, before):
                sys.exit(f"FAIL: {name} not undone")
            print(f"# {name}: {n - 1} allocations failed in turn; answers: "
                  + ", ".join(f"{c} {errno.errorcode.get(e, 'ok')}"
                              for e, c in sorted(codes.items())))
            break
        codes[err] = codes.get(err, 0) + 1
        now = snapshot(dump_of)
        if now not in (before, after):
            sys.exit(f"FAIL: {name} with allocation {n} failed "
                     f"({os.strerror(err) if err else 'ok'}) left "
                     f"{dump_of} half made")
        if not err and now != after:
            sys.exit(f"FAIL: {name} with allocation {n} failed said ok, "
                     f"but was not done")
        if now == after and undo:
            if not undone(undo, dump_of, before):
                sys.exit(f"FAIL: {name} not undone after allocation {n} failed")
    else:
        sys.exit(f"FAIL: {name} made more than {MAX_FAULTS} allocations")


def main():
    global FAMILY
    with open_socket() as s:
        FAMILY = family_id(s)
    if FAMILY is None:
        sys.exit("FAIL: knat family not found")
    udp = u8(A_PROTO, socket.IPPROTO_UDP)
    fwd_ext = udp + be32(A_EXT_ADDR, "198.51.100.1") + u16(A_EXT_PORT, 6000)
    fwd = (udp + be32(A_IN_ADDR, "100.64.0.2") + u16(A_IN_PORT, 5000)
           + be32(A_EXT_ADDR, "198.51.100.1") + u16(A_EXT_PORT, 6000))
    mapreq = udp + be32(A_IN_ADDR, "100.64.0.3") + u16(A_IN_PORT, 5001)
    nonce = attr(A_NONCE, bytes(range(12)))
    new_range = u32(A_POOL_ID, 1) + prefix("198.51.100.8", 30)
    _, cfg, _ = send("CONFIG_GET")
    udp_timeout = dict(attrs(cfg[0][4:]))[A_TIMEOUT_UDP]

    sweep("pool add", ("POOL_ADD", u32(A_POOL_ID, 2) + prefix("192.0.2.0", 30)),
          ("POOL_DEL", u32(A_POOL_ID, 2) + u8(A_NOW, 1)), "POOL_GET")
    sweep("pool addr add", ("RANGE_ADD", new_range),
          ("RANGE_DEL", new_range + u8(A_NOW, 1)), "POOL_GET")
    sweep("inside add", ("INSIDE_ADD", prefix("10.0.0.0", 8) + u32(A_POOL_ID, 1)),
          ("INSIDE_DEL", prefix("10.0.0.0", 8)), "INSIDE_GET")
    sweep("exempt add", ("EXEMPT_ADD", prefix("203.0.113.128", 25)),
          ("EXEMPT_DEL", prefix("203.0.113.128", 25)), "EXEMPT_GET")
    sweep("config set", ("CONFIG_SET", u32(A_TIMEOUT_UDP, 77)),
          ("CONFIG_SET", attr(A_TIMEOUT_UDP, udp_timeout)), "CONFIG_GET")
    sweep("forward add", ("FORWARD_ADD", fwd),
          ("FORWARD_DEL", fwd_ext), "FORWARD_GET")
    sweep("forward map", ("FORWARD_MAP", mapreq + u32(A_LIFETIME, 60) + nonce),
          ("FORWARD_MAP", mapreq + u32(A_LIFETIME, 0) + nonce), "FORWARD_GET")
    # Reads, with a forward's mapping and subscriber to show.
    must("FORWARD_ADD", fwd)
    for cmd, payload in (("POOL_GET", b""), ("INSIDE_GET", b""),
                         ("EXEMPT_GET", b""), ("FORWARD_GET", b""),
                         ("MAPPING_GET", b""), ("SESSION_GET", b""),
                         ("SUBSCRIBER_GET", b""), ("CONFIG_GET", b""),
                         ("STATS_GET", b""),
                         ("WHOIS", be32(A_IN_ADDR, "100.64.0.2"))):
        name = cmd.lower().replace("_", " ") + (" dump" if is_dump(cmd) else "")
        sweep(name, (cmd, payload), None, "POOL_GET")
    must("FORWARD_DEL", fwd_ext)


if __name__ == "__main__":
    main()
