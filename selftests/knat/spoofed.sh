#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packets from outside that claim an inside source (of the subscribers'
# own subnets, which the router routes to the inside; none of its own
# addresses, which it drops as martians) make no state: not
# when they are sent to a pool address (they are not hairpinned traffic),
# nor when the router would forward them back out.  They are dropped and
# counted as drop-spoofed; no subscriber, block, mapping or block event
# comes of them, and a real subscriber is served as before.  With
# inside-rpf 0 the check is off, and the same packets do make state.
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
setup
# Forwarded back out: a default route toward the outside.
nsx "$RTR" ip route add default via 203.0.113.2 || fail "default route"
monitor "$TMPDIR/events.$id"
n=$((500 / KNAT_SCALE))

# To a pool address, as hairpinned traffic would come.
nsx "$SRVNS" "$FLOOD" -s 100.64.0.128/26 -S 1024-65535 -d 198.51.100.1 -D 9 -n $n ||
	fail "flood to the pool"
# Toward another outside address, through the router and out again.
nsx "$SRVNS" ip route add 192.0.2.0/24 via 203.0.113.1 || fail "route"
nsx "$SRVNS" "$FLOOD" -s 100.64.1.128/26 -S 1024-65535 -d 192.0.2.50 -D 9 -n $n ||
	fail "flood through"
spoofed=$(stat drop-spoofed)
figure "$((2 * n)) packets from outside with subscribers' sources: $spoofed drop-spoofed, 0 subscribers, blocks, mappings or block events"
[ "$spoofed" -ge $((2 * n)) ] || fail "drop-spoofed $spoofed, not $((2 * n))"
[ "$(stat mappings)" = 0 ] || fail "spoofed packets made $(stat mappings) mappings"
[ "$(stat blocks-allocated)" = 0 ] || fail "spoofed packets took $(stat blocks-allocated) blocks"
[ -z "$(natctl subscriber show)" ] || fail "spoofed packets made subscribers: $(natctl subscriber show | head -3)"
grep -q block-alloc "$TMPDIR/events.$id" && fail "block events for spoofed sources: $(head -3 "$TMPDIR/events.$id")"

# A real subscriber, and hairpinning between the two real ones, still work.
serve "$SRVNS" udp-server 9
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 9 --sport 41000) || fail "sub1 got no answer"
log "the server sees sub1 as $view"
in_pool "${view% *}" || fail "sub1 not translated: $view"
[ "$(stat blocks-allocated)" = 1 ] || fail "blocks allocated: $(stat blocks-allocated)"
nsx "$SUB2" $PEER udp-send "$SRV" 9 --sport 7000
set -- $(ext_of udp 100.64.1.2 7000) || fail "no mapping for sub2"
serve "$SUB2" udp-server 7000
view=$(nsx "$SUB1" $PEER udp-client "$1" "$2" --sport 41001) || fail "no hairpin answer"
log "sub2 sees sub1, hairpinned, as $view"
in_pool "${view% *}" || fail "hairpinned source not translated: $view"

# The check off: the same packets are taken at their word.
natctl config set inside-rpf 0 || fail "config set inside-rpf 0"
nsx "$SRVNS" "$FLOOD" -s 100.64.0.128/26 -S 1024-65535 -d 198.51.100.1 -D 9 -n 8 ||
	fail "flood with the check off"
[ "$(stat blocks-allocated)" -gt 2 ] || fail "inside-rpf 0: no state made, so the check was not what refused"
exit $KSFT_PASS
