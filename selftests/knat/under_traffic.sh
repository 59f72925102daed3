#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Changes while traffic runs: two subscribers open new flows all along
# while, 20 times each (5 on the debug kernel), the state is flushed, a
# setting changes, every dump is read, and the pool is removed at once
# and added again.  Every request answers, the flows go on once the pool
# is back, and the accounts balance: once the traffic stops and the
# state is flushed, no mapping, session or subscriber is left, the blocks
# allocated and released are equal, and the one listener received a
# block-alloc event for every block allocated, but for those counted as
# lost.
. "$(dirname "$0")/lib.sh"
setup cooling 0
monitor "$TMPDIR/events.$id"
loops=$((20 / KNAT_SCALE))

bg nsx "$SUB1" $PEER udp-churn "$SRV" 40 1000000 200
bg nsx "$SUB2" $PEER udp-churn "$SRV" 40 1000000 200
wait_for 30 eval '[ "$(stat mappings)" -gt 10 ]' || fail "no traffic: $(stat mappings) mappings"
for i in $(seq $loops); do
	natctl flush || fail "flush $i"
	natctl config set udp-timeout $((30 + i)) || fail "config set $i"
	for obj in mapping session subscriber pool forward; do
		natctl -j $obj show > /dev/null || fail "$obj show $i"
	done
	natctl pool del 1 now || fail "pool del $i"
	natctl pool add "$POOL" ports 1024-65535 cooling 0 || fail "pool add $i"
done
created=$(stat mappings-created)
wait_for 30 eval '[ "$(stat mappings-created)" -gt $((created + 10)) ]' ||
	fail "no new flow after the last pool add"
pkill -f "udp-churn $SRV"
wait_for 10 eval '! pgrep -f "udp-churn $SRV" > /dev/null' || fail "the senders did not stop"
natctl flush || fail "the last flush"
wait_for 30 eval '[ "$(stat mappings)" = 0 ] && [ "$(stat sessions)" = 0 ]' ||
	fail "left: $(stat mappings) mappings, $(stat sessions) sessions"
[ -z "$(natctl subscriber show)" ] || fail "subscribers left: $(natctl subscriber show | head -3)"
alloc=$(stat blocks-allocated) released=$(stat blocks-released) lost=$(stat events-lost)
got=$(grep -c '"event":"block-alloc"' "$TMPDIR/events.$id")
figure "$loops rounds of flush, config set, every dump, pool del now and add, under two subscribers' traffic: blocks allocated $alloc, released $released; block-alloc events received $got, lost $lost"
[ "$alloc" -gt "$loops" ] || fail "only $alloc blocks allocated"
[ "$alloc" = "$released" ] || fail "blocks allocated $alloc, released $released"
[ $((got + lost)) -ge "$alloc" ] && [ "$got" -le "$alloc" ] ||
	fail "block-alloc events: $got received and $lost lost, for $alloc blocks"
exit $KSFT_PASS
