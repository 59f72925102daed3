#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-3a: inside source ports below 1024 leave from external ports
# below 1024, others from the pool's range: as the server sees them, UDP
# from 123 and 500 and TCP from 1000 arrive from ports 16-1023 of the
# subscriber's one address, UDP from 40000 from above 1023; whois names the
# subscriber of the low port.  With low-block 0 a low inside port gets a
# port of the range.
. "$(dirname "$0")/../knat/lib.sh"
setup
natctl pool show | grep -q "low-block 16 " || fail "low-block not shown: $(natctl pool show)"

low() { in_pool "$1" && [ "$2" -ge 16 ] && [ "$2" -le 1023 ]; }

serve "$SRVNS" udp-server 5353
serve "$SRVNS" tcp-server 8000
addr=
for sport in 123 500; do
	set -- $(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport $sport) ||
		fail "udp from $sport: no answer"
	low "$1" "$2" || fail "udp from $sport seen as $1:$2"
	log "udp 100.64.0.2:$sport -> $1:$2"
	addr=${addr:-$1}
	[ "$1" = "$addr" ] || fail "udp from $sport left from $1, not $addr"
done
w=$(natctl whois "$1:$2")
echo "$w" | grep -q "subscriber 100.64.0.2 .*state active" || fail "whois $1:$2: $w"

set -- $(nsx "$SUB1" $PEER tcp-client "$SRV" 8000 10 --sport 1000) ||
	fail "tcp from 1000: no connection"
low "$1" "$2" && [ "$1" = "$addr" ] || fail "tcp from 1000 seen as $1:$2"
set -- $(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 40000) ||
	fail "udp from 40000: no answer"
[ "$1" = "$addr" ] && [ "$2" -ge 1024 ] || fail "udp from 40000 seen as $1:$2"

# Without low blocks: the range's ports.
natctl flush
natctl pool del 1
natctl pool add id 2 198.51.100.4/30 low-block 0 || fail "pool add"
natctl inside del "$INSIDE"
natctl inside add "$INSIDE" pool 2 || fail "inside add"
nsx "$SRVNS" ip route add 198.51.100.4/30 via 203.0.113.1
set -- $(nsx "$SUB2" $PEER udp-client "$SRV" 5353 1 --sport 500) ||
	fail "udp from 500 without low blocks: no answer"
[ "$2" -ge 1024 ] || fail "without low blocks, udp from 500 seen as $1:$2"
exit $KSFT_PASS
