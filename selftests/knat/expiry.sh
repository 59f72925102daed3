#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With short timeouts, expired sessions and mappings are collected within
# seconds; their block cools (RFC 6888 REQ-8) and still names its last
# holder, and another subscriber does not get it meanwhile.  (Its holder
# is a confirmed subscriber: it sent again after an answer.)
. "$(dirname "$0")/lib.sh"
setup

natctl config set udp-timeout 6 icmp-timeout 6 || fail "config set"
natctl config show | grep -qx "udp-timeout 6" || fail "config show: $(natctl config show)"
serve "$SRVNS" udp-server 5353
for p in 41000 41001 41002; do
	view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 2 --sport $p) || fail "no answer"
done
set -- $view
ext=$1 port=$2
nsx "$SUB2" ping -c 1 -W 2 "$SRV" >/dev/null || fail "ping"
# Count creations, not live mappings: on a slow (KASAN, emulated) VM the
# first may already have expired by now.
[ "$(stat mappings-created)" -ge 4 ] || fail "expected 4 mappings created, have $(stat mappings-created)"

wait_for 20 no_flows || fail "mappings still there 14 s after expiry: $(natctl mapping show)"
[ "$(stat mappings-expired)" -ge 4 ] || fail "mappings-expired is $(stat mappings-expired)"
natctl pool show | grep -q "mappings 0$" || fail "pool still counts mappings: $(natctl pool show)"

# The block cools, still attributed to sub1; sub2's new flow avoids it.
w=$(natctl whois "$ext:$port")
echo "$w" | grep -q "subscriber 100.64.0.2 .*state cooling" || fail "whois after expiry: $w"
natctl pool show | grep -q " active 0 cooling-blocks [1-9]" || fail "no cooling block: $(natctl pool show)"
view=$(nsx "$SUB2" $PEER udp-client "$SRV" 5353 1 --sport 41000) || fail "no answer after expiry"
set -- $view
w=$(natctl whois "$1:$2")
echo "$w" | grep -q "subscriber 100.64.1.2 .*state active" || fail "sub2's port $1:$2: $w"
exit $KSFT_PASS
