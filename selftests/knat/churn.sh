#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hours of browsing compressed into a minute: two subscribers open well over
# 65,536 short flows in all (a quarter of that on the debug kernel), each
# mapping expiring within seconds, so blocks are taken, cool and come back
# many times over.  Nothing is ever refused, and once the flows stop
# everything expires back to zero.
. "$(dirname "$0")/lib.sh"
setup block 256 max-blocks 32 cooling 1
natctl config set udp-timeout 1 || fail "config set"

flows=$((36000 / KNAT_SCALE)) rate=1500
bg nsx "$SUB1" $PEER udp-churn "$SRV" 40 $flows $rate
p1=${BGPIDS[-1]}
bg nsx "$SUB2" $PEER udp-churn "$SRV" 40 $flows $rate
p2=${BGPIDS[-1]}
wait "$p1" || fail "sub1's sender failed"
wait "$p2" || fail "sub2's sender failed"

# The senders are done; the router may still be working through its queue.
all_mapped() { [ "$(stat mappings-created)" -ge $((2 * flows)) ]; }
wait_for 30 all_mapped || fail "only $(stat mappings-created) of $((2 * flows)) flows got a mapping"
log "mappings created $(stat mappings-created), blocks allocated" \
    "$(stat blocks-allocated), released $(stat blocks-released)"
for c in drop-exhausted drop-limit-blocks drop-limit-sessions drop-no-pool drop-insert-failed drop-nomem; do
	[ "$(stat $c)" = 0 ] || fail "$c is $(stat $c)"
done
[ "$(stat blocks-released)" -gt $((64 / KNAT_SCALE)) ] || fail "blocks were not recycled"

idle() { [ "$(stat mappings)" = 0 ] && [ "$(stat sessions)" = 0 ]; }
wait_for 30 idle || fail "mappings left after the churn: $(stat mappings)"
free() { natctl pool show | grep -q " active 0 cooling-blocks 0 mappings 0$"; }
wait_for 15 free || fail "blocks still held: $(natctl pool show)"
[ -z "$(natctl subscriber show)" ] || fail "subscribers left: $(natctl subscriber show)"
exit $KSFT_PASS
