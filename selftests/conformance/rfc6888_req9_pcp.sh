#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 6888 REQ-9: subscribers control their mappings, with PCP (RFC 6887).
# knat-pcpd answers on the router; the pool filters both protocols
# address-and-port-dependently.  A UDP MAP opens a port of the
# subscriber's own block to any remote (whois names the subscriber); the
# same nonce renews it on the same port, another may not touch it; a
# suggested port free in the block is granted, one in another block is
# not (with PREFER_FAILURE: CANNOT_PROVIDE_EXTERNAL); a TCP MAP takes a
# connection from outside; lifetime 0 closes the port again, and a short
# lifetime ends by itself.  A request from outside (and one from outside
# with the subscriber's address, on either of the router's addresses,
# which is dropped), one claiming another
# address, another version, the PEER opcode, a mandatory option not
# supported, another protocol and a truncated request get their errors.
. "$(dirname "$0")/../knat/lib.sh"
setup tcp-filtering apdf udp-filtering apdf
PCPC="$PY $TOP/selftests/knat/pcp.py"
out=$TMPDIR/pcp.$id

pcp() { nsx "$SUB1" $PCPC map 100.64.0.1 "$@"; }
# expect RESULT ARGS...: the result code of a request
expect() {
	local want=$1 got
	shift
	got=$(pcp "$@")
	[ "${got%% *}" = "$want" ] || fail "pcp $*: $got, expected result $want"
}
forwarded() { natctl forward show | grep -q "to 100.64.0.2:$1 "; }

bg nsx "$RTR" "$TOP/tools/natctl/knat-pcpd" min-lifetime 1 > "$out"
wait_for 60 eval '[ "$(pcp udp 0 0 --opcode 0 | cut -d" " -f1,2)" = "0 0" ]' ||
	fail "no answer to ANNOUNCE: $(pcp udp 0 0 --opcode 0)"

set -- $(pcp udp 5000 3600 --nonce 7)
[ "$1" = 0 ] && [ "$2" = 3600 ] && in_pool "$4" || fail "map udp 5000: $*"
addr=$4 port=$5
log "udp 100.64.0.2:5000 mapped to $addr:$port"
[ "$(whois_sub "$addr" "$port")" = 100.64.0.2 ] ||
	fail "whois $addr:$port: $(natctl whois "$addr:$port")"
udp_reaches 5000 "$addr" "$port" "$SRV" 7777 30 ||
	fail "a remote the subscriber never sent to did not reach the mapped port"
grep -q "map udp 100.64.0.2:5000 -> $addr:$port lifetime 3600" "$out" ||
	fail "knat-pcpd did not log the mapping: $(cat "$out")"
natctl mapping show | grep -q "100.64.0.2:5000 -> $addr:$port .*timed" ||
	fail "mapping show: $(natctl mapping show)"

set -- $(pcp udp 5000 7200 --nonce 7)
[ "$1 $4 $5" = "0 $addr $port" ] || fail "renewed: $*"
expect 2 udp 5000 7200 --nonce 8
refused 1 "is forwarded" natctl forward add udp 198.51.100.1:60 to 100.64.0.2:5000

# Suggestions: the next port of its block, and one of another block.
sug=$((port ^ 1))
set -- $(pcp udp 5001 600 --suggest "$addr:$sug" --prefer-failure)
[ "$1 $4 $5" = "0 $addr $sug" ] || fail "suggested $sug: $*"
far=$((port < 32768 ? port + 4096 : port - 4096))
expect 11 udp 5002 600 --suggest "$addr:$far" --prefer-failure
set -- $(pcp udp 5002 600 --suggest "$addr:$far")
[ "$1" = 0 ] && [ "$5" != "$far" ] || fail "suggested $far of another block: $*"

# TCP
serve "$SUB1" tcp-server 8080
set -- $(pcp tcp 8080 600)
[ "$1" = 0 ] || fail "map tcp 8080: $*"
set -- $(nsx "$SRVNS" $PEER tcp-client "$4" "$5" 2000) ||
	fail "no connection from outside through the TCP mapping"
[ "$1" = "$SRV" ] || fail "the inside server saw $1"

# Lifetime 0 ends it: the pool's filtering again.
set -- $(pcp udp 5000 0 --nonce 7)
[ "$1 $2" = "0 0" ] || fail "delete: $*"
forwarded 5000 && fail "still forwarded after delete: $(natctl forward show)"
udp_reaches 5000 "$addr" "$port" "$SRV" 7778 3 &&
	fail "a new remote reached the port after delete"

# A short lifetime ends by itself.
set -- $(pcp udp 5003 2 --nonce 9)
[ "$1 $2" = "0 2" ] || fail "map for 2 s: $*"
natctl forward show | grep "to 100.64.0.2:5003 .*expires-ms" ||
	fail "forward show: $(natctl forward show)"
wait_for 30 eval '! forwarded 5003' || fail "the 2 s mapping did not end"

# Errors
set -- $(nsx "$SRVNS" $PCPC map 203.0.113.1 udp 5000 60)
[ "$1" = 2 ] || fail "a request from outside: $*"
# From outside in a subscriber's name: dropped, no forward into it.
nsx "$SRVNS" ip route add 100.64.0.0/10 via 203.0.113.1 || fail "route"
nsx "$SRVNS" $PCPC map 203.0.113.1 udp 22 3600 --spoof 100.64.0.2 > /dev/null ||
	fail "cannot send the spoofed request"
nsx "$SRVNS" $PCPC map 100.64.0.1 udp 23 3600 --spoof 100.64.0.2 > /dev/null ||
	fail "cannot send the spoofed request"
expect 0 udp 24 60
forwarded 22 || forwarded 23 &&
	fail "a request from outside opened a forward into the subscriber: $(natctl forward show)"
expect 12 udp 5000 60 --client 100.64.0.99
expect 1 udp 5000 60 --version 1
expect 4 udp 5000 60 --opcode 2
expect 5 udp 5000 60 --option 3
expect 9 1 5000 60
expect 3 udp 5000 60 --length 30
exit $KSFT_PASS
