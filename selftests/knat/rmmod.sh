#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Removing the module, and deleting a namespace, with live mappings and
# sessions of every protocol: clean, and the module loads again.
. "$(dirname "$0")/lib.sh"
setup

serve "$SRVNS" udp-server 5353
serve "$SRVNS" tcp-server 8080
nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 >/dev/null || fail "udp"
nsx "$SUB1" $PEER tcp-client "$SRV" 8080 1000 >/dev/null || fail "tcp"
nsx "$SUB2" ping -c 1 -W 2 "$SRV" >/dev/null || fail "icmp"
[ "$(stat mappings)" -ge 3 ] || fail "expected live mappings"

# A second namespace with state of its own, deleted while live.
ip netns add "knat-extra-$id"
"$NATCTL" -n "knat-extra-$id" pool add 192.0.2.0/30 || fail "pool in extra ns"
ip netns del "knat-extra-$id"

cleanup
BGPIDS=()
rmmod knat || fail "rmmod with live mappings failed"
grep -q '^knat ' /proc/modules && fail "knat still loaded"
knat_load
setup
nsx "$SUB1" ping -c 1 -W 2 "$SRV" >/dev/null || fail "no translation after reload"
exit $KSFT_PASS
