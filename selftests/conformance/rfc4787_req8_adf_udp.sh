#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-8, address-dependent filtering (filtering adf): a remote
# address the inside host has sent to reaches its mapping from any port;
# another address is filtered and counted.
. "$(dirname "$0")/../knat/lib.sh"
setup filtering adf
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0
[ "$(pool_filtering)" = "adf adf" ] || fail "pool show: $(natctl pool show)"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for 6001"
udp_reaches 6001 "$1" "$2" "$SRV" 7777 30 || fail "another port of the same address was filtered"
before=$(stat drop-filtered)
udp_reaches 6001 "$1" "$2" 203.0.113.3 7778 3 && fail "another remote address reached the mapping"
[ "$(stat drop-filtered)" -gt "$before" ] || fail "drop-filtered not counted"
exit $KSFT_PASS
