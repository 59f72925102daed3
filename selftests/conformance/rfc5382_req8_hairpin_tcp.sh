#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-8, REQ-8a: TCP hairpinning, the receiver seeing the sender's
# external address and port: sub2 connects to sub1's external endpoint,
# exchanges data both ways, and sub1 saw sub2 as its mapping.
. "$(dirname "$0")/../knat/lib.sh"
setup

serve "$SRVNS" tcp-server 8000
# sub1's mapping for port 8080: a connection from that port.
nsx "$SUB1" $PY -c "
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8080))
s.connect(('$SRV', 8000))
s.close()" || fail "sub1 could not connect from 8080"
set -- $(ext_of tcp 100.64.0.2 8080) || fail "no mapping for sub1:8080"
ext=$1 port=$2
serve "$SUB1" tcp-server 8080
r=$(nsx "$SUB2" $PEER tcp-client "$ext" "$port" 100000) ||
	fail "sub2 could not exchange data with $ext:$port"
log "sub1 saw sub2 as $r"
set -- $r
[ "$(whois_sub "$1" "$2")" = 100.64.1.2 ] ||
	fail "sub1 saw $r, which is not sub2's: $(natctl whois "$1:$2")"
exit $KSFT_PASS
