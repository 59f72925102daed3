#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Changing a pool's address: "pool addr del ... now" retires the mappings
# on the old address at once instead of leaving them to expire there; the
# address is gone from the pool, and the same flows continue from the new
# address.  "pool del ... now" does the same for a whole pool.
. "$(dirname "$0")/lib.sh"
setup_net
natctl pool add 198.51.100.1/32 || fail "pool add"
natctl inside add "$INSIDE" || fail "inside add"
serve "$SRVNS" udp-server 5353

for p in 44000 44001; do
	view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport $p) || fail "no answer"
	[ "${view%% *}" = 198.51.100.1 ] || fail "left as $view"
done
nsx "$SUB2" $PEER udp-client "$SRV" 5353 1 --sport 44000 > /dev/null || fail "no answer"
[ "$(stat mappings)" = 3 ] || fail "mappings: $(natctl mapping show)"

natctl pool addr add 1 198.51.100.2/32 || fail "pool addr add"
natctl pool addr del 1 198.51.100.1/32 now || fail "pool addr del now"
natctl pool show | grep -q "198.51.100.1/32" && fail "old address still there: $(natctl pool show)"
[ "$(stat mappings)" = 0 ] || fail "mappings left: $(natctl mapping show)"
[ "$(stat mappings-flushed)" = 3 ] || fail "mappings-flushed: $(stat mappings-flushed)"
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44000) || fail "flow broke"
[ "${view%% *}" = 198.51.100.2 ] || fail "the flow went on as $view"

natctl pool del 1 now || fail "pool del now"
[ -z "$(natctl pool show)" ] || fail "pool still there: $(natctl pool show)"
[ "$(stat mappings)" = 0 ] || fail "mappings left: $(natctl mapping show)"
# The same without now only drains.
natctl pool add 198.51.100.1/32 || fail "pool add again"
nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44000 > /dev/null || fail "no answer"
natctl pool del 1 || fail "pool del"
natctl pool show | grep -q draining || fail "not draining: $(natctl pool show)"
[ "$(stat mappings)" = 1 ] || fail "draining retired mappings: $(natctl mapping show)"
exit $KSFT_PASS
