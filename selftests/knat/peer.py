#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic endpoints for the knat selftests.

  peer.py tcp-server PORT            print "ready", answer each connection with
                                     "<peer addr> <peer port> <sha256 of data>"
  peer.py tcp-client ADDR PORT BYTES [--sport P]
                                     send BYTES random bytes, check the answer's
                                     hash, print the server's view of us
  peer.py udp-server PORT [COUNT] [--bind ADDR]
                                     print "ready" once bound, echo "<peer
                                     addr> <peer port> <payload>" (on COUNT
                                     ports from PORT on, of ADDR only:
                                     answers leave from it)
  peer.py udp-client ADDR PORT [N] [--sport P]
                                     send N datagrams, print the server's view
  peer.py udp-send ADDR PORT [--sport P [--count N]]
                                     one datagram (from each of N ports from P
                                     on), no answer expected
  peer.py udp-listen PORT SECONDS [--hello ADDR:PORT]
                                     print "ready" once bound, (send one
                                     datagram to ADDR:PORT, then) print what
                                     arrives in SECONDS, if anything
  peer.py udp-probe ADDR PORT --sport P
                                     one datagram; print "reply ADDR PORT", or
                                     "icmp TYPE CODE" for an ICMP error, or
                                     "nothing"
  peer.py udp-many ADDR PORT SOCKETS DESTS
                                     SOCKETS sockets each send to DESTS ports
                                     from PORT on (all distinct), through a
                                     udp-server answering them all; check each
                                     reply reached the socket that asked; print
                                     "flows F answered A ports P"
  peer.py udp-churn ADDR PORTS FLOWS RATE
                                     FLOWS new flows (source ports cycling over
                                     1024-65535, destination ports over PORTS
                                     from 9000), at most RATE a second
"""
import errno
import os
import resource
import select
import socket
import struct
import sys
import time
import types

# hashlib and threading are imported where the TCP commands use them: on
# the debug kernel an import takes a good part of a second, and most runs
# are UDP.


def tcp_server(a):
    import threading
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", a.port))
    s.listen(16)
    print("ready", flush=True)
    while True:
        c, peer = s.accept()
        # A connection held open must not keep the next one waiting.
        threading.Thread(target=tcp_serve, args=(c, peer), daemon=True).start()


def tcp_serve(c, peer):
    import hashlib
    h = hashlib.sha256()
    try:
        while True:
            d = c.recv(65536)
            if not d:
                break
            h.update(d)
    except ConnectionResetError:
        # The client reset the connection: nothing to answer.
        print(f"reset by {peer[0]} {peer[1]}", flush=True)
        c.close()
        return
    c.sendall(f"{peer[0]} {peer[1]} {h.hexdigest()}\n".encode())
    c.close()


def tcp_client(a):
    import hashlib
    data = os.urandom(a.bytes)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(20)
    if a.sport:
        # The last connection from this port may be in TIME_WAIT.
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(("0.0.0.0", a.sport))
    c.connect((a.addr, a.port))
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        reply += d
    addr, port, digest = reply.decode().split()
    if digest != hashlib.sha256(data).hexdigest():
        sys.exit(f"data corrupted: server hashed {digest}")
    print(addr, port)


def udp_server(a):
    resource.setrlimit(resource.RLIMIT_NOFILE, (a.count + 64, a.count + 64))
    ep = select.epoll()
    socks = {}
    for port in range(a.port, a.port + a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((a.bind, port))
        s.setblocking(False)
        socks[s.fileno()] = s
        ep.register(s, select.EPOLLIN)
    print("ready", flush=True)
    while True:
        for fd, _ in ep.poll():
            s = socks[fd]
            while True:
                try:
                    d, peer = s.recvfrom(65536)
                except BlockingIOError:
                    break
                try:
                    s.sendto(f"{peer[0]} {peer[1]} ".encode() + d, peer)
                except BlockingIOError:
                    # Its send buffer is full (a flood's answers wait
                    # for neighbours that never answer): this answer is
                    # lost, as a busy server's would be.
                    pass


def udp_socket(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    if a.sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", a.sport))
    return s


def udp_client(a):
    s = udp_socket(a)
    view = None
    for i in range(a.n):
        payload = os.urandom(16).hex().encode()
        for _ in range(3):
            s.sendto(payload, (a.addr, a.port))
            try:
                d, _ = s.recvfrom(65536)
            except socket.timeout:
                continue
            addr, port, echo = d.split(b" ", 2)
            if echo != payload:
                sys.exit("payload corrupted")
            view = (addr.decode(), port.decode())
            break
        else:
            sys.exit("no answer")
    print(*view)


def udp_send(a):
    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if a.sport:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", a.sport + i))
        s.sendto(b"unsolicited", (a.addr, a.port))
        s.close()


def udp_listen(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    s.settimeout(a.seconds)
    print("ready", flush=True)
    if a.hello:
        addr, port = a.hello.rsplit(":", 1)
        s.sendto(b"hello", (addr, int(port)))
    try:
        d, peer = s.recvfrom(65536)
        print(peer[0], peer[1], d.decode(errors="replace"))
    except socket.timeout:
        pass


IP_RECVERR = 11
SO_EE_ORIGIN_ICMP = 2


def udp_probe(a):
    s = udp_socket(a)
    s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
    s.sendto(b"probe", (a.addr, a.port))
    end = time.time() + 3
    while time.time() < end:
        r, _, x = select.select([s], [], [s], max(0, end - time.time()))
        if not r and not x:
            break
        try:
            d, peer = s.recvfrom(65536)
            print("reply", *d.split()[:2])
            return
        except OSError:
            _, anc, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
            for level, typ, data in anc:
                if level == socket.SOL_IP and typ == IP_RECVERR:
                    _, origin, itype, code = struct.unpack("=IBBB", data[:7])
                    if origin == SO_EE_ORIGIN_ICMP:
                        print("icmp", itype, code)
                        return
    print("nothing")


def udp_many(a):
    socks = []
    for i in range(a.sockets):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        s.bind(("0.0.0.0", 0))
        socks.append(s)
    want = {}
    for i, s in enumerate(socks):
        for j in range(a.dests):
            port = a.port + i * a.dests + j
            payload = f"{i} {port}".encode()
            want[(i, port)] = payload
            s.sendto(payload, (a.addr, port))
    answered, wrong, ports = set(), 0, set()
    fds = {s.fileno(): i for i, s in enumerate(socks)}
    poll = select.poll()
    for s in socks:
        poll.register(s, select.POLLIN)
    end = time.time() + 30
    resent = False
    while len(answered) < len(want) and time.time() < end:
        ev = poll.poll(1000)
        if not ev and not resent:
            # Lost on the way (queues under emulation): ask once more.
            for (i, port), payload in want.items():
                if (i, port) not in answered:
                    socks[i].sendto(payload, (a.addr, port))
            resent = True
        for fd, _ in ev:
            i = fds[fd]
            while True:
                try:
                    d = socks[i].recv(65536)
                except BlockingIOError:
                    break
                _, eport, sender, dport = d.decode().split()
                if int(sender) != i:
                    wrong += 1
                    continue
                answered.add((i, int(dport)))
                ports.add(eport)
    if wrong:
        sys.exit(f"{wrong} replies reached the wrong socket")
    print("flows", len(want), "answered", len(answered), "ports", len(ports))


def udp_churn(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    # Without IP_RECVERR a raw socket hides local drops (ENOBUFS).
    s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
    start = time.time()
    for n in range(a.flows):
        sport = 1024 + n % 64512
        dport = 9000 + n % a.ports
        # UDP header, checksum 0 (none): the kernel adds the IP header.
        pkt = struct.pack("!HHHH", sport, dport, 12, 0) + b"page"
        for _ in range(10000):
            try:
                s.sendto(pkt, (a.addr, 0))
                break
            except OSError as e:
                # The router's queue is full (a slow, emulated kernel):
                # this is back-pressure, not loss; send again shortly.
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)
        else:
            sys.exit("the router stayed congested")
        ahead = n / a.rate - (time.time() - start)
        if ahead > 0.01:
            time.sleep(ahead)
    print("sent", a.flows, "in", round(time.time() - start, 1), "s")


# Each command's arguments: positional names (with "?" an optional last
# one) and options, each name with its type and default.  A small parser,
# not argparse: its imports alone take over a second on the debug kernel,
# and every test starts this script several times.
COMMANDS = {
    "tcp-server": (tcp_server, "port:int", {}),
    "tcp-client": (tcp_client, "addr port:int bytes:int", {"sport": (int, None)}),
    "udp-server": (udp_server, "port:int count:int?1", {"bind": (str, "0.0.0.0")}),
    "udp-client": (udp_client, "addr port:int n:int?1", {"sport": (int, None)}),
    "udp-send": (udp_send, "addr port:int",
                 {"sport": (int, None), "count": (int, 1)}),
    "udp-listen": (udp_listen, "port:int seconds:float", {"hello": (str, None)}),
    "udp-probe": (udp_probe, "addr port:int", {"sport": (int, None)}),
    "udp-many": (udp_many, "addr port:int sockets:int dests:int", {}),
    "udp-churn": (udp_churn, "addr ports:int flows:int rate:float", {}),
}
TYPES = {"int": int, "float": float, "str": str}


def usage(msg):
    print(f"usage: peer.py COMMAND ARGS... (see its docstring): {msg}",
          file=sys.stderr)
    sys.exit(2)


def parse(argv):
    """(function, namespace) for argv, or exit 2 with a usage message."""
    if not argv or argv[0] not in COMMANDS:
        usage(f"commands: {' '.join(COMMANDS)}")
    fn, spec, opts = COMMANDS[argv[0]]
    a = types.SimpleNamespace()
    for name, (_, default) in opts.items():
        setattr(a, name, default)
    args = argv[1:]
    pos = []
    while args:
        x = args.pop(0)
        if not x.startswith("--"):
            pos.append(x)
            continue
        name = x[2:]
        if name not in opts or not args:
            usage(f"{argv[0]}: bad option {x}")
        try:
            setattr(a, name, opts[name][0](args.pop(0)))
        except ValueError:
            usage(f"{argv[0]}: bad value for {x}")
    for field in spec.split():
        name, _, rest = field.partition(":")
        kind, _, default = (rest or "str").partition("?")
        if pos:
            value = pos.pop(0)
        elif default:
            value = default
        else:
            usage(f"{argv[0]}: {spec}")
        try:
            setattr(a, name, TYPES[kind](value))
        except ValueError:
            usage(f"{argv[0]}: bad {name} {value}")
    if pos:
        usage(f"{argv[0]}: too many arguments")
    return fn, a


def main():
    fn, a = parse(sys.argv[1:])
    fn(a)


if __name__ == "__main__":
    main()
