#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-9, REQ-9a: a subscriber reaches another through the other's
# external address and port, and is seen from its own external address and
# port, as anyone outside would see it; the answer comes back the same way.
. "$(dirname "$0")/../knat/lib.sh"
setup

# sub1's mapping for port 6001, then its server on that port.
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for sub1:6001"
ext=$1 port=$2
serve "$SUB1" udp-server 6001
r=$(nsx "$SUB2" $PEER udp-client "$ext" "$port" 3 --sport 43000) ||
	fail "sub2 got no answer through $ext:$port"
log "sub1 saw sub2 as $r"
[ "$r" = "$(ext_of udp 100.64.1.2 43000)" ] ||
	fail "sub1 saw '$r', not sub2's external endpoint '$(ext_of udp 100.64.1.2 43000)'"
[ "$(stat hairpinned)" -ge 6 ] || fail "hairpinned: $(stat hairpinned)"
exit $KSFT_PASS
