#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted packets for the knat conformance tests (scapy).

  pkt.py icmp-error DST QSRC:QPORT QDST:QPORT [--proto udp|tcp|icmp]
         [--type T --code C] [--from ADDR] [--bad-csum] [--bad-quote-csum]
         [--count N --interval S]
      send an ICMP error to DST quoting a PROTO packet QSRC:QPORT ->
      QDST:QPORT (for icmp, QPORT is the echo id of an echo request)
  pkt.py icmp-sniff COUNT SECONDS
      print "ready" once listening, then "TYPE CODE QSRC QSPORT QDST QDPORT
      QUOTE-OK" for each of the first COUNT ICMP errors that arrive within
      SECONDS; QUOTE-OK: the quoted IP and transport checksums are right for
      what is quoted
  pkt.py frag udp|tcp|icmp DST DPORT --sport P [--size N]
         [--order forward|reverse]
      send one datagram of N payload bytes (UDP; TCP: a SYN carrying them;
      ICMP: an echo request, id P) as 8 fragments in that order, then print
      what answers it within 5 s: "syn-ack SPORT" for TCP, "echo-reply ID
      LEN" for ICMP, nothing for UDP
  pkt.py frag-flood DST COUNT
      COUNT first fragments (1400 bytes) of as many datagrams, never completed
  pkt.py udp DST DPORT --sport P
      send one datagram with its checksum computed (not left to offload)
  pkt.py tcp-simopen PORT SECONDS
      print "ready", answer the first SYN to PORT with a SYN of our own
      (a simultaneous open), the SYN-ACK that brings with an ACK, and print
      "SRC SPORT DATA" of the first data that follows
  pkt.py udp-recv PORT SECONDS
      print "ready" once bound, then "SRC SPORT LEN SHA256" of the first
      datagram that arrives
  pkt.py tcp-syn DST DPORT --sport P [--wait SECONDS] [--doff N]
      send a SYN (with data offset N: past its end if above 5), then print
      what answers it within SECONDS, one line each,
      with the seconds since it was sent: "icmp TYPE CODE SRC SECONDS" for
      an ICMP error quoting it, "tcp FLAGS SRC SPORT SECONDS" for a segment
      from DST:DPORT to P
"""
import argparse
import hashlib
import sys
import socket
import threading
import time


def load_scapy():
    """scapy takes seconds to import under emulation: only the commands
    that craft or sniff packets pay for it.  The tests start python with
    -S (site, seconds as well on the debug kernel): scapy's directory is
    added here."""
    global ICMP, IP, TCP, UDP, AsyncSniffer, Raw, defragment, fragment
    global get_if_list, send
    import site
    site.main()
    from scapy.all import (ICMP, IP, TCP, UDP, AsyncSniffer, L3RawSocket,
                           Raw, conf, defragment, fragment, get_if_list,
                           send)
    conf.verb = 0
    # Sent through the kernel's routing and neighbour tables: scapy's own
    # ARP can time out under emulation and fall back to broadcast, not
    # forwarded.
    conf.L3socket = L3RawSocket


def endpoint(s):
    a, p = s.rsplit(":", 1)
    return a, int(p)


def quote(a):
    (qs, qsp), (qd, qdp) = endpoint(a.qsrc), endpoint(a.qdst)
    ip = IP(src=qs, dst=qd, ttl=63)
    if a.proto == "udp":
        inner = ip / UDP(sport=qsp, dport=qdp) / Raw(b"quoted payload")
    elif a.proto == "tcp":
        inner = ip / TCP(sport=qsp, dport=qdp, flags="S", seq=1000)
    else:
        inner = ip / ICMP(type=8, id=qsp, seq=1) / Raw(b"quoted payload")
    inner = IP(bytes(inner))		# checksums filled in
    if a.bad_quote_csum:
        inner.chksum ^= 0x5555
    return bytes(inner)


def icmp_error(a):
    pkt = IP(src=a.src, dst=a.dst) / ICMP(type=a.type, code=a.code) / \
        Raw(quote(a))
    pkt = IP(bytes(pkt))
    if a.bad_csum:
        pkt[ICMP].chksum ^= 0x5555
    for i in range(a.count):
        send(pkt)
        if i + 1 < a.count:
            time.sleep(a.interval)


def quote_ok(q):
    """The quoted IP header's checksum, and the transport checksum where
    the whole segment is quoted."""
    ip = IP(bytes(q))
    want = ip.chksum
    del ip.chksum
    if IP(bytes(ip)).chksum != want:
        return False
    l4 = ip.payload
    if isinstance(l4, (UDP, TCP)) and len(bytes(ip)) >= ip.len:
        full = IP(bytes(ip)[:ip.len])
        got = full[l4.__class__].chksum
        if got == 0 and isinstance(l4, UDP):
            return True
        del full[l4.__class__].chksum
        return IP(bytes(full))[l4.__class__].chksum == got
    if isinstance(l4, ICMP):
        full = IP(bytes(ip)[:ip.len])
        got = full[ICMP].chksum
        del full[ICMP].chksum
        return IP(bytes(full))[ICMP].chksum == got
    return True


def up_ifaces():
    """The interfaces that are up: a packet socket on one that is down
    fails (ENETDOWN), and kernels may add such devices to every namespace
    (tunl0, gre0, sit0...)."""
    def up(i):
        try:
            with open(f"/sys/class/net/{i}/flags") as f:
                return int(f.read(), 16) & 1
        except OSError:
            return False
    return [i for i in get_if_list() if up(i)]


def listening(**kw):
    """An AsyncSniffer on every interface that is up, once its sockets are
    open."""
    up = threading.Event()
    sn = AsyncSniffer(iface=up_ifaces(), started_callback=up.set, **kw)
    sn.start()
    if not up.wait(150):
        sys.exit("the sniffer did not start")
    return sn


def icmp_sniff(a):
    sn = listening(count=a.count,
                   lfilter=lambda p: ICMP in p and p[ICMP].type in (3, 11, 12))
    print("ready", flush=True)
    sn.join(a.seconds)
    if sn.running:
        sn.stop()
    for p in sn.results:
        q = IP(bytes(p[ICMP].payload))
        ports = (q.payload.sport, q.payload.dport) if isinstance(
            q.payload, (UDP, TCP)) else (q.payload.id, q.payload.id)
        print(p[ICMP].type, p[ICMP].code, q.src, ports[0], q.dst, ports[1],
              "ok" if quote_ok(q) else "bad", flush=True)


def frag(a):
    payload = bytes(i % 251 for i in range(a.size))
    if a.proto == "udp":
        pkt = IP(dst=a.dst) / UDP(sport=a.sport, dport=a.dport) / payload
        flt = None
    elif a.proto == "tcp":
        pkt = IP(dst=a.dst) / TCP(sport=a.sport, dport=a.dport, flags="S",
                                  seq=1000) / payload
        flt = lambda p: IP in p and p[IP].src == a.dst and p[IP].proto == 6
    else:
        pkt = IP(dst=a.dst) / ICMP(type=8, id=a.sport, seq=1) / payload
        flt = lambda p: IP in p and p[IP].src == a.dst and p[IP].proto == 1
    pkt = IP(bytes(pkt))
    frags = fragment(pkt, fragsize=(len(bytes(pkt)) // 8 + 7) & ~7)
    if a.order == "reverse":
        frags.reverse()
    # The answer is whole once its last fragment (or only packet) is in.
    sn = listening(lfilter=flt, stop_filter=lambda p: not p[IP].flags.MF,
                   timeout=15) if flt else None
    for f in frags:
        send(f)
    if not sn:
        return
    sn.join()
    got = defragment(sn.results)
    for p in got:
        if a.proto == "tcp" and TCP in p and p[TCP].flags & 0x12 == 0x12:
            print("syn-ack", p[TCP].dport)
            return
        if a.proto == "icmp" and ICMP in p and p[ICMP].type == 0:
            print("echo-reply", p[ICMP].id, len(bytes(p[ICMP].payload)))
            return


def frag_flood(a):
    send([IP(dst=a.dst, id=i, flags="MF") / UDP(sport=7000, dport=9) /
          Raw(b"x" * 1400) for i in range(a.count)])


def udp(a):
    send(IP(dst=a.dst) / UDP(sport=a.sport, dport=a.dport) / Raw(b"probe"))


def tcp_simopen(a):
    peer, iss, done = [], 5000, threading.Event()

    def on(p):
        t = p[TCP]
        src = (p[IP].src, t.sport)
        if t.dport != a.port:
            return
        if not peer and t.flags == "S":
            peer.append(src)
            send(IP(dst=src[0]) / TCP(sport=a.port, dport=src[1], flags="S",
                                      seq=iss))
        elif peer and src == peer[0] and int(t.flags) & 0x12 == 0x12:
            send(IP(dst=src[0]) / TCP(sport=a.port, dport=src[1], flags="A",
                                      seq=iss + 1, ack=t.seq + 1))
        elif peer and src == peer[0] and len(t.payload):
            print(src[0], src[1], bytes(t.payload).decode(), flush=True)
            done.set()

    sn = listening(lfilter=lambda p: IP in p and TCP in p, prn=on, store=False)
    print("ready", flush=True)
    done.wait(a.seconds)
    sn.stop()


def tcp_syn(a):
    def answer(p):
        if IP not in p:
            return False
        if ICMP in p and p[ICMP].type in (3, 11, 12):
            q = IP(bytes(p[ICMP].payload))
            return TCP in q and q[TCP].sport == a.sport and \
                q[TCP].dport == a.dport
        return TCP in p and p[IP].src == a.dst and \
            p[TCP].sport == a.dport and p[TCP].dport == a.sport

    sn = listening(lfilter=answer, timeout=a.wait) if a.wait else None
    t0 = time.time()
    send(IP(dst=a.dst) / TCP(sport=a.sport, dport=a.dport, flags="S",
                             seq=1000, dataofs=a.doff))
    if not sn:
        return
    sn.join()
    for p in sn.results:
        dt = "%.1f" % (float(p.time) - t0)
        if ICMP in p:
            print("icmp", p[ICMP].type, p[ICMP].code, p[IP].src, dt)
        else:
            print("tcp", p[TCP].flags, p[IP].src, p[TCP].sport, dt)


def udp_recv(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    s.settimeout(a.seconds)
    print("ready", flush=True)
    try:
        d, peer = s.recvfrom(65536)
    except socket.timeout:
        return
    print(peer[0], peer[1], len(d), hashlib.sha256(d).hexdigest())


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    x = sub.add_parser("icmp-error")
    x.add_argument("dst"); x.add_argument("qsrc"); x.add_argument("qdst")
    x.add_argument("--proto", default="udp", choices=("udp", "tcp", "icmp"))
    x.add_argument("--type", type=int, default=3)
    x.add_argument("--code", type=int, default=3)
    x.add_argument("--from", dest="src", help="source address (default: the route's)")
    x.add_argument("--bad-csum", action="store_true")
    x.add_argument("--bad-quote-csum", action="store_true")
    x.add_argument("--count", type=int, default=1)
    x.add_argument("--interval", type=float, default=0.5)
    x = sub.add_parser("icmp-sniff"); x.add_argument("count", type=int)
    x.add_argument("seconds", type=float)
    x = sub.add_parser("frag")
    x.add_argument("proto", choices=("udp", "tcp", "icmp"))
    x.add_argument("dst"); x.add_argument("dport", type=int)
    x.add_argument("--sport", type=int, required=True)
    x.add_argument("--size", type=int, default=3000)
    x.add_argument("--order", default="forward", choices=("forward", "reverse"))
    x = sub.add_parser("frag-flood")
    x.add_argument("dst"); x.add_argument("count", type=int)
    x = sub.add_parser("udp")
    x.add_argument("dst"); x.add_argument("dport", type=int)
    x.add_argument("--sport", type=int, required=True)
    x = sub.add_parser("tcp-simopen")
    x.add_argument("port", type=int); x.add_argument("seconds", type=float)
    x = sub.add_parser("udp-recv")
    x.add_argument("port", type=int); x.add_argument("seconds", type=float)
    x = sub.add_parser("tcp-syn")
    x.add_argument("dst"); x.add_argument("dport", type=int)
    x.add_argument("--sport", type=int, required=True)
    x.add_argument("--wait", type=float, default=0)
    x.add_argument("--doff", type=int)
    a = p.parse_args()
    if a.cmd != "udp-recv":
        load_scapy()
    {"icmp-error": icmp_error, "icmp-sniff": icmp_sniff, "frag": frag,
     "frag-flood": frag_flood, "udp": udp, "tcp-simopen": tcp_simopen,
     "udp-recv": udp_recv, "tcp-syn": tcp_syn}[a.cmd](a)


if __name__ == "__main__":
    main()
