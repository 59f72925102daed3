#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-5: an ICMP error from outside about a translated flow
# reaches the inside host with its destination and the quoted packet
# translated back: the host's UDP socket (port unreachable from the
# server), TCP connect() and ping (host unreachable and prohibited from a
# router past it) each learn of it.
. "$(dirname "$0")/../knat/lib.sh"
setup

# UDP: nothing listens on the server's port: port unreachable.
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 7 --sport 41000)
[ "$r" = "icmp 3 3" ] || fail "udp: expected the port unreachable, got '$r'"

# Past the server, a router without a way on: 192.0.2.99 unreachable
# (host unreachable, 3/1), 192.0.2.98 prohibited (3/13).
nsx "$RTR" ip route add 192.0.2.0/24 via "$SRV"
nsx "$SRVNS" sysctl -qw net.ipv4.ip_forward=1
nsx "$SRVNS" ip route add unreachable 192.0.2.99/32
nsx "$SRVNS" ip route add prohibit 192.0.2.98/32

# TCP: connect() learns the host is unreachable.
r=$(nsx "$SUB1" $PY -c "
import socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(('192.0.2.99', 8))
    print('connected')
except OSError as e:
    print(e.errno)")
[ "$r" = 113 ] || fail "tcp: expected EHOSTUNREACH (113), got '$r'"

# ICMP query: ping learns its request was filtered.
r=$(nsx "$SUB1" ping -c 1 -W 3 192.0.2.98)
echo "$r" | grep -q "Packet filtered" || fail "icmp: ping did not see the error: $r"
[ "$(stat translated-icmp-errors)" -ge 3 ] || fail "translated-icmp-errors: $(stat translated-icmp-errors)"
exit $KSFT_PASS
