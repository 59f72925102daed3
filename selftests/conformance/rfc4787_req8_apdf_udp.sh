#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-8, address-and-port-dependent filtering (udp-filtering
# apdf): only the remote endpoint the inside host has sent to reaches its
# mapping; another port of the same address is filtered and counted.
. "$(dirname "$0")/../knat/lib.sh"
setup udp-filtering apdf
[ "$(pool_filtering)" = "eif apdf" ] || fail "pool show: $(natctl pool show)"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for 6001"
before=$(stat drop-filtered)
udp_reaches 6001 "$1" "$2" "$SRV" 7777 3 && fail "another port of the remote reached the mapping"
[ "$(stat drop-filtered)" -gt "$before" ] || fail "drop-filtered not counted"
udp_reaches 6001 "$1" "$2" "$SRV" 9 30 || fail "the remote endpoint sent to was filtered"
exit $KSFT_PASS
