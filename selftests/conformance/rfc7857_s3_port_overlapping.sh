#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Port overlapping (RFC 7857 section 3): one external address and a
# 64-port pool carry 10,000 concurrent UDP flows (a quarter on the debug
# kernel) to distinct destinations, and every reply reaches the inside
# socket that asked.
. "$(dirname "$0")/../knat/lib.sh"
POOL=198.51.100.1/32
setup_net
natctl pool add "$POOL" ports 2000-2063 block 64 max-blocks 1 overlap || fail "pool add"
natctl inside add "$INSIDE" || fail "inside add"

sockets=$((200 / KNAT_SCALE)) flows=$((200 / KNAT_SCALE * 50))
serve "$SRVNS" udp-server 10000 $flows
r=$(nsx "$SUB1" $PEER udp-many "$SRV" 10000 $sockets 50) || fail "udp-many: $r"
log "$r"
set -- $r
[ "$2" = $flows ] && [ "$4" = $flows ] || fail "not every flow was answered: $r"
[ "$6" -le 64 ] || fail "more than 64 external ports: $r"
[ "$(stat mappings)" = $sockets ] || fail "expected $sockets mappings, have $(stat mappings)"
[ "$(stat sessions)" -ge $flows ] || fail "only $(stat sessions) sessions"
[ "$(stat drop-exhausted)" = 0 ] || fail "exhaustion: $(stat drop-exhausted)"
exit $KSFT_PASS
