#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One inside host sends from 10,000 made-up inside sources, to a server
# that answers each of them, into a /28 pool.  A made-up source never
# sends again after its answer, so it is never confirmed: together they
# take exactly the pool's unconfirmed-share of its blocks (a quarter), and
# their other flows are refused (drop-unconfirmed) without an ICMP error
# or an event.  A subscriber confirmed before opens new flows during the
# flood; a real subscriber that arrives after it is served as soon as the
# made-up sources' sessions idle for the unanswered timeout.
# knat-timeout: 400
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
POOL=198.51.100.0/28
setup
# The made-up sources' prefix is routed to sub1's link: they pass
# inside-rpf as any source of a subscriber's own subnet would.
nsx "$RTR" ip route add 100.65.0.0/16 dev in1 || fail "route"
monitor "$TMPDIR/events.$id"
n=$((10000 / KNAT_SCALE))
pool() { natctl -j pool show | jq -r ".[0].\"$1\""; }
total=$(pool blocks-total)
share=$((total / 4))
log "pool: $total blocks, unconfirmed-share $(pool unconfirmed-share)% = $share"
[ "$(pool unconfirmed-share)" = 25 ] || fail "default unconfirmed-share $(pool unconfirmed-share)"

# sub1 exchanges with the server (an answer, then another datagram): it
# is confirmed, and holds its block as its own.
serve "$SRVNS" udp-server 9
nsx "$SUB1" $PEER udp-client "$SRV" 9 2 --sport 41000 > /dev/null || fail "sub1's flow"
[ "$(pool blocks-unconfirmed)" = 0 ] || fail "sub1 not confirmed: $(pool blocks-unconfirmed) unconfirmed blocks"

# The flood: one datagram from each made-up source, each answered.  The
# unanswered timeout is long while the share is checked full, so that a
# slow run cannot free the first sources' blocks before sub2 is refused.
natctl config set unanswered-timeout 600 || fail "config set unanswered-timeout"
lost0=$(lost "$SUB1")
nsx "$SUB1" "$FLOOD" -s 100.65.0.0/16 -S 1024-65535 -d "$SRV" -D 9 -n $n \
	-r $((2000 / KNAT_SCALE)) || fail "flood"
held=$(pool blocks-unconfirmed) refused=$(stat drop-unconfirmed)
lost=$(($(lost "$SUB1") - lost0))
log "after $n made-up sources: $held unconfirmed blocks, $(pool blocks-active) active, drop-unconfirmed $refused; $lost never reached the router"
[ "$held" = "$share" ] || fail "made-up sources hold $held blocks, not the share of $share"
[ "$(pool blocks-active)" = $((share + 1)) ] || fail "$(pool blocks-active) active blocks"
[ "$refused" = $((n - lost - share)) ] || fail "drop-unconfirmed $refused of $((n - lost - share))"
[ "$(stat drop-exhausted)" = 0 ] || fail "drop-exhausted $(stat drop-exhausted)"

# The confirmed subscriber opens a new flow while the share is full.
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 9 --sport 41001) || fail "sub1's new flow refused"
case $view in 198.51.100.*) ;; *) fail "sub1 not translated: $view" ;; esac

# A real subscriber arrives: refused while the share is full (silently:
# its source may be made up too), served once the made-up sources'
# sessions idle for the unanswered timeout.
got=$(nsx "$SUB2" $PEER udp-probe "$SRV" 9 --sport 42000)
[ "$got" = nothing ] || fail "sub2 while the share is full: $got"
[ "$(stat drop-unconfirmed)" -gt "$refused" ] || fail "sub2 was not refused as unconfirmed"
natctl config set unanswered-timeout 3 || fail "config set unanswered-timeout"
probe() { nsx "$SUB2" $PEER udp-client "$SRV" 9 2 --sport 42000 > "$TMPDIR/view.$id" 2>/dev/null; }
start=$SECONDS
wait_for 60 probe || fail "sub2 still refused; $(pool blocks-unconfirmed) unconfirmed blocks"
log "sub2 served after $((SECONDS - start)) s: $(cat "$TMPDIR/view.$id")"
figure "$n made-up inside sources into a /28 ($total blocks): they held $held (the $share of the share), $refused refused; a new subscriber was served $((SECONDS - start)) s after the unanswered timeout was set to 3 s"
[ "$(pool blocks-unconfirmed)" -lt "$share" ] || fail "the made-up sources' blocks were not reclaimed"
natctl subscriber show 100.64.1.2 | grep -q " blocks 198.51.100" ||
	fail "sub2 has no block: $(natctl subscriber show 100.64.1.2)"

# Attribution stays exact: a block-alloc event per block (or counted as
# lost); the refusals made none, nor any other refusal event.
sleep 1
alloc=$(stat blocks-allocated) lost=$(stat events-lost)
got=$(grep -c '"event":"block-alloc"' "$TMPDIR/events.$id")
[ $((got + lost)) -ge "$alloc" ] && [ "$got" -le "$alloc" ] ||
	fail "block-alloc events: $got received and $lost lost, for $alloc blocks"
grep -qE '"(exhausted|limit-blocks|limit-sessions)"' "$TMPDIR/events.$id" &&
	fail "refusal events: $(grep -E 'exhausted|limit' "$TMPDIR/events.$id" | head -2)"
exit $KSFT_PASS
