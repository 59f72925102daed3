#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One subscriber at 100 times its limits takes service from nobody.  With
# max-blocks 2 and max-sessions 100, sub1 opens 10,000 new UDP flows, then
# sends 10,000 SYNs to new ports (2,500 each on the debug kernel),
# then 10,000 datagrams from made-up sources of its link, all at 4,000 a
# second (1,000 on the debug kernel).  Meanwhile
# sub2's established flow loses nothing; after each, sub2 opens a new
# flow, sub1 holds no more than its limits, the made-up sources no more
# than the pool's unconfirmed-share, the refusals are counted, and sub1
# got one refusal event a second at most.
# knat-timeout: 600
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
setup max-blocks 2 max-sessions 100
nsx "$RTR" ip route add 100.65.0.0/16 dev in1 || fail "route"
monitor "$TMPDIR/events.$id"
n=$((10000 / KNAT_SCALE)) rate=$((4000 / KNAT_SCALE))
serve "$SRVNS" udp-server 9
set -- $(steady 2)
[ "$1" = "$2" ] || fail "sub2's flow lost $(($1 - $2)) of $1 before any abuse"
# sub1 sessions|nblocks: what sub1 holds (nothing once its state expired:
# never confirmed, its idle sessions go while the share is full).
sub1() {
	local s
	s=$(natctl -j subscriber show 100.64.0.2 2>/dev/null) || s='{}'
	case $1 in
	sessions) echo "$s" | jq -r '.sessions // 0' ;;
	nblocks) echo "$s" | jq -r '.blocks // "-"' | grep -v '^-$' | wc -w ;;
	esac
}
start=$SECONDS

# abuse NAME FLOOD-ARGS...: sub1 sends, with sub2's flow running; then
# sub1 holds no more than its limits.
abuse() {
	local name=$1
	shift
	under "$name" "$SUB1" "$@"
	log "$name: sub1 holds $(sub1 sessions) sessions, $(sub1 nblocks) blocks; limit-sessions $(stat drop-limit-sessions), unconfirmed $(stat drop-unconfirmed)"
	[ "$(sub1 sessions)" -le 100 ] || fail "$name: sub1 has $(sub1 sessions) sessions"
	[ "$(sub1 nblocks)" -le 2 ] || fail "$name: sub1 holds $(sub1 nblocks) blocks"
	[ "$(stat drop-table-full)" = 0 ] || fail "$name: the table was full"
	figure "sub1 ($name): $n at $rate a second; it held at most 100 sessions and 2 blocks; sub2's established flow lost nothing, its new flow went through"
}

abuse "new UDP flows" -p udp -s 100.64.0.2 -S 1024-65535 -d "$SRV" -D 10000-65535
[ "$(stat drop-limit-sessions)" -ge $((n - 100)) ] ||
	fail "drop-limit-sessions $(stat drop-limit-sessions) of $((n - 100))"
abuse "SYNs" -p syn -s 100.64.0.2 -S 1024-65535 -d "$SRV" -D 1-65535
[ "$(stat drop-limit-sessions)" -ge $((2 * (n - 100))) ] ||
	fail "drop-limit-sessions $(stat drop-limit-sessions) of $((2 * (n - 100)))"
abuse "made-up sources" -p udp -s 100.65.0.0/16 -S 1024-65535 -d "$SRV" -D 10000-65535
held=$(natctl -j pool show | jq '.[0]."blocks-unconfirmed"')
share=$(($(natctl -j pool show | jq '.[0]."blocks-total"') / 4))
[ "$held" -le "$share" ] || fail "made-up sources hold $held blocks, share $share"
[ "$(stat drop-exhausted)" = 0 ] || fail "drop-exhausted $(stat drop-exhausted)"

# Refusal events: sub1's, one a second at most; none for sub2.
sleep 1
events=$(grep -cE '"event":"limit-(sessions|blocks)","pool":1,"subscriber":"100.64.0.2"' "$TMPDIR/events.$id")
log "sub1: $events refusal events in $((SECONDS - start)) s"
[ "$events" -ge 1 ] || fail "no refusal event for sub1"
[ "$events" -le $((SECONDS - start + 1)) ] || fail "$events refusal events in $((SECONDS - start)) s"
grep '"subscriber":"100.64.1.2"' "$TMPDIR/events.$id" | grep -qv '"event":"block-' &&
	fail "refusal events for sub2"
exit $KSFT_PASS
