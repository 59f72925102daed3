#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Many outside hosts (spoofed sources) at one live mapping cannot fill the
# state table: with max-sessions 1000, 3000 of them open at most the
# pool's inbound-limit of unanswered sessions, the rest are delivered
# without a session (inbound-untracked); another subscriber's new flow
# works, and so does a real peer of the flooded mapping, whose answer
# makes an established session.
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
setup
natctl config set max-sessions 1000 || fail "config set"
n=$((3000 / KNAT_SCALE))

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for 6001"
ext=$1 port=$2
serve "$SUB1" udp-server 6001
nsx "$SRVNS" "$FLOOD" -s 198.18.0.0/16 -S 1024-65535 -d "$ext" -D "$port" -n $n ||
	fail "flood"
unanswered=$(stat sessions-unanswered) untracked=$(stat inbound-untracked)
figure "$n spoofed remotes at one mapping, max-sessions 1000: $(stat sessions) sessions, $unanswered unanswered, $untracked delivered without one"
[ "$unanswered" -le 64 ] || fail "$unanswered unanswered sessions on one mapping"
[ "$unanswered" -ge 32 ] || fail "only $unanswered unanswered sessions: the flood did not arrive"
[ "$untracked" -ge $((n - 64 - n / 10)) ] || fail "only $untracked delivered without a session"
[ "$(stat sessions)" -le 66 ] || fail "$(stat sessions) sessions"

# Another subscriber opens a new flow.
serve "$SRVNS" udp-server 9
view=$(nsx "$SUB2" $PEER udp-client "$SRV" 9) || fail "sub2's new flow failed"
in_pool "${view% *}" || fail "sub2 not translated: $view"
[ "$(stat drop-table-full)" = 0 ] || fail "drop-table-full: $(stat drop-table-full)"

# A real peer of the flooded mapping is answered, and its session is
# established: not unanswered.
view=$(nsx "$SRVNS" $PEER udp-client "$ext" "$port" --sport 7777) ||
	fail "the flooded mapping's real peer got no answer"
log "the inside host sees its real peer as $view"
[ "$view" = "$SRV 7777" ] || fail "real peer seen as $view"
[ "$(stat sessions-unanswered)" -le "$unanswered" ] || fail "the answered session still counts as unanswered"
figure "another subscriber's new flow and the mapping's real peer answered, the table never full"
natctl -j session show | jq -e --arg r "$SRV" \
	'any(.[]; ."remote-addr" == $r and ."remote-port" == 7777)' > /dev/null ||
	fail "no session for the real peer"

# Unanswered sessions are short-lived.
natctl config set unanswered-timeout 2 || fail "config set unanswered-timeout"
gone() { [ "$(stat sessions-unanswered)" = 0 ]; }
wait_for 30 gone || fail "$(stat sessions-unanswered) unanswered sessions left"
exit $KSFT_PASS
