#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-7: an ICMP error about a hairpinned flow is hairpinned:
# sub2 sends to sub1's external endpoint, where nothing listens any more,
# and sub1's port unreachable reaches sub2's socket.
. "$(dirname "$0")/../knat/lib.sh"
setup

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for sub1:42000"
r=$(nsx "$SUB2" $PEER udp-probe "$1" "$2" --sport 43000)
[ "$r" = "icmp 3 3" ] || fail "sub2 expected sub1's port unreachable, got '$r'"
[ "$(stat translated-icmp-errors)" -ge 2 ] || fail "translated-icmp-errors: $(stat translated-icmp-errors)"
exit $KSFT_PASS
