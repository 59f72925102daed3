#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic endpoints for the knat selftests.

  peer.py tcp-server PORT            answer each connection with
                                     "<peer addr> <peer port> <sha256 of data>"
  peer.py tcp-client ADDR PORT BYTES send BYTES random bytes, check the answer's
                                     hash, print the server's view of us
  peer.py udp-server PORT            echo "<peer addr> <peer port> <payload>"
  peer.py udp-client ADDR PORT [N] [--sport P]
                                     send N datagrams, print the server's view
  peer.py udp-send ADDR PORT [--sport P]  one datagram, no answer expected
  peer.py udp-listen PORT SECONDS [--hello ADDR:PORT]
                                     (send one datagram to ADDR:PORT, then)
                                     print what arrives in SECONDS, if anything
"""
import argparse
import hashlib
import os
import socket
import sys


def tcp_server(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", a.port))
    s.listen(16)
    while True:
        c, peer = s.accept()
        h = hashlib.sha256()
        while True:
            d = c.recv(65536)
            if not d:
                break
            h.update(d)
        c.sendall(f"{peer[0]} {peer[1]} {h.hexdigest()}\n".encode())
        c.close()


def tcp_client(a):
    data = os.urandom(a.bytes)
    c = socket.create_connection((a.addr, a.port), timeout=20)
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
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    while True:
        d, peer = s.recvfrom(65536)
        s.sendto(f"{peer[0]} {peer[1]} ".encode() + d, peer)


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
    udp_socket(a).sendto(b"unsolicited", (a.addr, a.port))


def udp_listen(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    s.settimeout(a.seconds)
    if a.hello:
        addr, port = a.hello.rsplit(":", 1)
        s.sendto(b"hello", (addr, int(port)))
    try:
        d, peer = s.recvfrom(65536)
        print(peer[0], peer[1], d.decode(errors="replace"))
    except socket.timeout:
        pass


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    x = sub.add_parser("tcp-server"); x.add_argument("port", type=int)
    x = sub.add_parser("tcp-client"); x.add_argument("addr"); x.add_argument("port", type=int); x.add_argument("bytes", type=int)
    x = sub.add_parser("udp-server"); x.add_argument("port", type=int)
    x = sub.add_parser("udp-client"); x.add_argument("addr"); x.add_argument("port", type=int)
    x.add_argument("n", type=int, nargs="?", default=1); x.add_argument("--sport", type=int)
    x = sub.add_parser("udp-send"); x.add_argument("addr"); x.add_argument("port", type=int); x.add_argument("--sport", type=int)
    x = sub.add_parser("udp-listen"); x.add_argument("port", type=int); x.add_argument("seconds", type=float)
    x.add_argument("--hello", help="ADDR:PORT to send one datagram to first")
    a = p.parse_args()
    {"tcp-server": tcp_server, "tcp-client": tcp_client, "udp-server": udp_server,
     "udp-client": udp_client, "udp-send": udp_send, "udp-listen": udp_listen}[a.cmd](a)


if __name__ == "__main__":
    main()
