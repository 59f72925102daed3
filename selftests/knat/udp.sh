#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# UDP through the NAT: replies reach the right subscriber; a subscriber's
# flows share one external address (paired); whois names the subscriber
# behind each external port the server saw.
. "$(dirname "$0")/lib.sh"
setup

serve "$SRVNS" udp-server 5353
serve "$SRVNS" udp-server 5354

a=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 5 --sport 40000) || fail "sub1: no answer"
b=$(nsx "$SUB1" $PEER udp-client "$SRV" 5354 5 --sport 40001) || fail "sub1: no answer on 5354"
c=$(nsx "$SUB2" $PEER udp-client "$SRV" 5353 5 --sport 40000) || fail "sub2: no answer"
log "sub1 -> $a, $b; sub2 -> $c"
set -- $a; a_addr=$1 a_port=$2
set -- $b; b_addr=$1
set -- $c; c_addr=$1 c_port=$2
in_pool "$a_addr" && in_pool "$c_addr" || fail "server saw non-pool addresses"
[ "$a_addr" = "$b_addr" ] || fail "sub1's flows left from $a_addr and $b_addr: not paired"
if [ "$a_addr" = "$c_addr" ]; then
	[ "$c_port" != "$a_port" ] || fail "two subscribers share $c_addr:$c_port"
fi
[ "$(whois_sub "$a_addr" "$a_port")" = 100.64.0.2 ] ||
	fail "whois $a_addr:$a_port: $(natctl whois "$a_addr:$a_port")"
[ "$(whois_sub "$c_addr" "$c_port")" = 100.64.1.2 ] ||
	fail "whois $c_addr:$c_port: $(natctl whois "$c_addr:$c_port")"
n=$(natctl -j mapping show | $PY -c "import json,sys; print(sum(m['proto']=='udp' for m in json.load(sys.stdin)))")
[ "$n" = 3 ] || fail "expected 3 udp mappings, have $n"
exit $KSFT_PASS
