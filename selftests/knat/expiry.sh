#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With short timeouts, expired sessions and mappings are collected within
# seconds and their ports are free again.
. "$(dirname "$0")/lib.sh"
setup

natctl config set udp-timeout 6 icmp-timeout 6 || fail "config set"
natctl config show | grep -qx "udp-timeout 6" || fail "config show: $(natctl config show)"
bg nsx "$SRVNS" $PEER udp-server 5353
sleep 0.3
for p in 41000 41001 41002; do
	nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport $p >/dev/null || fail "no answer"
done
nsx "$SUB2" ping -c 1 -W 2 "$SRV" >/dev/null || fail "ping"
# Count creations, not live mappings: on a slow (KASAN, emulated) VM the
# first may already have expired by now.
[ "$(stat mappings-created)" -ge 4 ] || fail "expected 4 mappings created, have $(stat mappings-created)"

no_mappings() { [ "$(stat mappings)" = 0 ] && [ "$(stat sessions)" = 0 ]; }
wait_for 20 no_mappings || fail "mappings still there 14 s after expiry: $(natctl mapping show)"
[ "$(stat mappings-expired)" -ge 4 ] || fail "mappings-expired is $(stat mappings-expired)"
natctl pool show | grep -q "mappings 0$" || fail "pool still counts mappings: $(natctl pool show)"

# The port is free again: a new flow from the same port gets it back.
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 41000) || fail "no answer after expiry"
set -- $view
[ "$2" = 41000 ] || fail "port 41000 not reusable after expiry (got $2)"
exit $KSFT_PASS
