#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-12a and REQ-12b: ICMP errors from outside are not filtered
# by source by default; with icmp-error-filtering 1 one is taken only from
# the remote of the flow it quotes.  A router on the way (the server,
# routing on to 192.0.2.99, which it cannot reach) answers an inside host's
# TCP connect() with host unreachable: delivered by default, dropped and
# counted with the option (the connect() then times out), while the
# server's own port unreachable about a datagram to it still arrives.
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$RTR" ip route add 192.0.2.0/24 via "$SRV"
nsx "$SRVNS" sysctl -qw net.ipv4.ip_forward=1
nsx "$SRVNS" ip route add unreachable 192.0.2.99/32
natctl config show | grep -qw "icmp-error-filtering 0" || fail "default: $(natctl config show)"

connect() {	# connect SPORT: errno, or "timeout"
	nsx "$SUB1" $PY -c "
import socket
s = socket.socket()
s.bind(('0.0.0.0', $1))
s.settimeout(4)
try:
    s.connect(('192.0.2.99', 8))
    print('connected')
except socket.timeout:
    print('timeout')
except OSError as e:
    print(e.errno)"
}

r=$(connect 42000)
[ "$r" = 113 ] || fail "default: expected EHOSTUNREACH (113) from the router, got '$r'"

natctl config set icmp-error-filtering 1 || fail "config set"
before=$(stat drop-filtered)
r=$(connect 42001)
[ "$r" = timeout ] || fail "filtering: the router's error was delivered ('$r')"
[ "$(stat drop-filtered)" -gt "$before" ] || fail "drop-filtered not counted"
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 7 --sport 42002)
[ "$r" = "icmp 3 3" ] || fail "filtering: the remote's own error did not arrive: '$r'"

natctl config set icmp-error-filtering 0 || fail "config set 0"
r=$(connect 42003)
[ "$r" = 113 ] || fail "off again: expected 113, got '$r'"
exit $KSFT_PASS
