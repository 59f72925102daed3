#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-5: an ICMP error from outside about a translated flow
# reaches the inside host with its destination and the quoted packet
# translated back: the host's UDP socket, TCP connect() and ping each
# learn of it.
. "$(dirname "$0")/../knat/lib.sh"
setup

# UDP: nothing listens on the server's port: port unreachable.
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 7 --sport 41000)
[ "$r" = "icmp 3 3" ] || fail "udp: expected the port unreachable, got '$r'"

# TCP: the server rejects with an ICMP error instead of a RST.
nsx "$SRVNS" nft add table ip t
nsx "$SRVNS" nft add chain ip t in '{ type filter hook input priority 0; }'
nsx "$SRVNS" nft add rule ip t in tcp dport 8 reject with icmp type host-unreachable
r=$(nsx "$SUB1" python3 -c "
import socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(('$SRV', 8))
    print('connected')
except OSError as e:
    print(e.errno)")
[ "$r" = 113 ] || fail "tcp: expected EHOSTUNREACH (113), got '$r'"

# ICMP query: the server rejects echo requests, administratively.
nsx "$SRVNS" nft add rule ip t in icmp type echo-request reject with icmp type admin-prohibited
r=$(nsx "$SUB1" ping -c 1 -W 3 "$SRV")
echo "$r" | grep -q "Packet filtered" || fail "icmp: ping did not see the error: $r"
[ "$(stat translated-icmp-errors)" -ge 3 ] || fail "translated-icmp-errors: $(stat translated-icmp-errors)"
exit $KSFT_PASS
