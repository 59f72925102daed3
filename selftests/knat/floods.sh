#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Floods from outside take service from nobody.  Three floods of a
# million packets each, paced:
# UDP from 65,536 spoofed sources at one live mapping, SYNs from spoofed
# sources to random ports of the pool, and UDP to random ports of the
# pool.  Meanwhile a flow of another subscriber, established before,
# sends 50 datagrams a second and loses none; after each flood that
# subscriber opens a new flow, the flooded mapping's state stays within
# its pool's inbound-limit, no other mapping appeared, and the table was
# never full.
# knat-timeout: 900
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
setup
# The debug kernel (KASAN, lockdep, under emulation) delivers a few
# hundred of these packets a second: there, floods of 5,000 at 100 a
# second take every path a million take (make check leaves this test to
# the stock kernel; selftests/vm-debug.sh).
if [ "$KNAT_SCALE" -gt 1 ]; then
	n=5000 rate=100
else
	n=1000000 rate=50000
fi

serve "$SRVNS" udp-server 9
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for 6001"
ext=$1 port=$2

set -- $(steady 2)
[ "$1" = "$2" ] || fail "the flow lost $(($1 - $2)) of $1 before any flood"
mappings=$(stat mappings)

# flood NAME FLOOD-ARGS...: one flood from outside with sub2's flow
# running; then check.
flood() {
	local name=$1
	shift
	under "$name" "$SRVNS" "$@"
	log "$name: $(stat sessions-unanswered) unanswered, $(stat inbound-untracked) untracked, $(stat drop-no-mapping) no-mapping"
	[ "$(stat sessions-unanswered)" -le 64 ] ||
		fail "$name: $(stat sessions-unanswered) unanswered sessions"
	[ "$(stat drop-table-full)" = 0 ] || fail "$name: the table was full"
	mappings=$((mappings + 1))
	[ "$(stat mappings)" -le "$mappings" ] ||
		fail "$name: $(stat mappings) mappings, from $mappings"
	figure "$name: $(stat sessions-unanswered) unanswered sessions (at most 64), no new mapping, the table never full"
}

flood "spoofed sources at a mapping" -p udp -s 198.18.0.0/16 -S 1024-65535 \
	-d "$ext" -D "$port"
flood "SYNs to random pool ports" -p syn -s 198.19.0.0/16 -S 1024-65535 \
	-d 198.51.100.0/30 -D 1024-65535
flood "UDP to random pool ports" -p udp -s 198.18.0.0/16 -S 1024-65535 \
	-d 198.51.100.0/30 -D 1024-65535
exit $KSFT_PASS
