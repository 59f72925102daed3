#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A pool that follows the router's outside interface (pool add dev out) has
# the interface's addresses: one added joins the pool; when one is removed,
# its mappings go at once and the same flow goes on from the address left.
# An address of the inside prefix is never taken (RFC 4787 REQ-7).  The
# operator cannot add or remove its addresses; a missing interface and a
# deterministic pool following one are refused.
. "$(dirname "$0")/lib.sh"
setup_net
nsx "$RTR" sysctl -qw net.ipv4.conf.out.promote_secondaries=1
err=$(natctl pool add dev nosuch 2>&1) && fail "a missing interface was accepted"
log "refused: $err"
natctl pool add dev out || fail "pool add dev out"
natctl inside add "$INSIDE" || fail "inside add"
log "$(natctl pool show)"
natctl pool show | grep -q " 203.0.113.1/32 dev out " || fail "pool: $(natctl pool show)"

serve "$SRVNS" udp-server 5353
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44000) || fail "no answer"
[ "${view%% *}" = 203.0.113.1 ] || fail "left as $view"

has() { natctl pool show | grep -qE "[ ,]$1/32"; }
nsx "$RTR" ip addr add 203.0.113.5/24 dev out || fail "ip addr add"
wait_for 10 has 203.0.113.5 || fail "the new address did not join: $(natctl pool show)"
[ "$(stat mappings)" = 1 ] || fail "mappings: $(natctl mapping show)"
nsx "$RTR" ip addr del 203.0.113.1/24 dev out || fail "ip addr del"
gone() { ! has 203.0.113.1; }
wait_for 10 gone || fail "the old address stayed: $(natctl pool show)"
[ "$(stat mappings)" = 0 ] || fail "mappings left on the old address: $(natctl mapping show)"
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44000) || fail "the flow broke"
[ "${view%% *}" = 203.0.113.5 ] || fail "the flow went on as $view"
nsx "$RTR" ip addr add 203.0.113.1/24 dev out || fail "ip addr add again"
wait_for 10 has 203.0.113.1 || fail "the address did not come back: $(natctl pool show)"
# An address that conflicts with the inside is left out; the one added
# after it shows it was looked at.
nsx "$RTR" ip addr add 100.64.9.1/24 dev out || fail "ip addr add inside"
nsx "$RTR" ip addr add 203.0.113.9/24 dev out || fail "ip addr add .9"
wait_for 10 has 203.0.113.9 || fail "203.0.113.9 did not join: $(natctl pool show)"
has 100.64.9.1 && fail "an inside address joined the pool: $(natctl pool show)"

err=$(natctl pool addr add 1 198.51.100.0/30 2>&1) && fail "pool addr add was accepted"
echo "$err" | grep -q "follows an interface" || fail "pool addr add: $err"
err=$(natctl pool addr del 1 203.0.113.5/32 2>&1) && fail "pool addr del was accepted"
err=$(natctl pool add id 2 dev in1 deterministic 100.64.0.0/24 2>&1) &&
	fail "a deterministic pool following an interface was accepted"
log "refused: $err"
natctl -j pool show | $PY -c "
import json, sys
p = json.load(sys.stdin)[0]
assert p['dev'] == 'out', p" || fail "JSON: $(natctl -j pool show)"
natctl pool del 1 now || fail "pool del now"
[ -z "$(natctl pool show)" ] || fail "pool still there: $(natctl pool show)"
exit $KSFT_PASS
