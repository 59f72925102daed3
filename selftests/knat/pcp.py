#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A PCP client (RFC 6887) for the knat selftests.

  pcp.py map SERVER PROTO PORT LIFETIME [--nonce N] [--suggest ADDR:PORT]
         [--prefer-failure] [--option CODE] [--client ADDR] [--version V]
         [--opcode OP] [--length BYTES]
      one request; print "RESULT LIFETIME EPOCH EXT-ADDR EXT-PORT" of the
      answer (RESULT: the result code's number), or "nothing" without one
      in 3 s or with ICMP port unreachable.  --length cuts or pads the
      request; --client claims another address than the source; --option
      adds an empty option; --spoof ADDR sends it from ADDR through a raw
      socket (the answer, if any, goes there), and prints "sent".
"""
import argparse
import ipaddress
import socket
import struct
import sys

PCP_PORT = 5351


def v4mapped(addr):
    return b'\0' * 10 + b'\xff\xff' + ipaddress.IPv4Address(addr).packed


def request(a, source):
    client = v4mapped(a.client or source)
    hdr = struct.pack('!BBHI16s', a.version, a.opcode, 0, a.lifetime, client)
    proto = {'tcp': 6, 'udp': 17}.get(a.proto, None)
    proto = int(a.proto) if proto is None else proto
    ext_addr, ext_port = b'\0' * 16, 0
    if a.suggest:
        addr, port = a.suggest.rsplit(':', 1)
        ext_addr, ext_port = v4mapped(addr), int(port)
    nonce = a.nonce.to_bytes(12, 'big')
    body = struct.pack('!12sB3xHH16s', nonce, proto, a.port, ext_port, ext_addr)
    opts = b''
    if a.prefer_failure:
        opts += struct.pack('!BBH', 2, 0, 0)
    for code in a.option:
        opts += struct.pack('!BBH', code, 0, 0)
    msg = hdr + body + opts
    if a.length is not None:
        msg = msg[:a.length].ljust(a.length, b'\0')
    return msg


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def spoofed(a):
    """The request from a.spoof, in a datagram built here."""
    src = ipaddress.IPv4Address(a.spoof).packed
    dst = ipaddress.IPv4Address(a.server).packed
    msg = request(a, a.spoof)
    udp = struct.pack('!HHHH', PCP_PORT, PCP_PORT, 8 + len(msg), 0) + msg
    pseudo = src + dst + struct.pack('!BBH', 0, 17, len(udp))
    udp = udp[:6] + struct.pack('!H', csum(pseudo + udp) or 0xffff) + udp[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip + udp, (a.server, 0))
    print('sent')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('cmd', choices=['map'])
    p.add_argument('server')
    p.add_argument('proto')
    p.add_argument('port', type=int)
    p.add_argument('lifetime', type=int)
    p.add_argument('--nonce', type=int, default=1)
    p.add_argument('--suggest')
    p.add_argument('--prefer-failure', action='store_true')
    p.add_argument('--option', type=int, action='append', default=[])
    p.add_argument('--client')
    p.add_argument('--version', type=int, default=2)
    p.add_argument('--opcode', type=int, default=1)
    p.add_argument('--length', type=int)
    p.add_argument('--spoof')
    a = p.parse_args()
    if a.spoof:
        spoofed(a)
        return

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((a.server, PCP_PORT))
    s.settimeout(3)
    try:
        s.send(request(a, s.getsockname()[0]))
        resp = s.recv(2048)
    except (socket.timeout, ConnectionRefusedError):
        print('nothing')
        return
    version, op, _, result, lifetime, epoch = struct.unpack('!BBBBII', resp[:12])
    if version != 2 or op != (0x80 | (a.opcode & 0x7f)):
        sys.exit('bad response header: %r' % resp[:4])
    ext_addr, ext_port = '-', 0
    if a.opcode == 1 and len(resp) >= 60:
        ext_port, = struct.unpack('!H', resp[42:44])
        ext_addr = str(ipaddress.IPv4Address(resp[56:60]))
        if resp[24:36] != a.nonce.to_bytes(12, 'big'):
            sys.exit('the nonce was not echoed')
    print(result, lifetime, epoch, ext_addr, ext_port)


if __name__ == '__main__':
    main()
