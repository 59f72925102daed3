#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-1: endpoint-independent mapping for TCP: connections from
# one inside port to another remote port and another remote address are
# seen from the same external address and port.
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0

serve "$SRVNS" tcp-server 8000
serve "$SRVNS" tcp-server 8001
a=$(nsx "$SUB1" $PEER tcp-client "$SRV" 8000 1000 --sport 40000) || fail "no connection to $SRV:8000"
b=$(nsx "$SUB1" $PEER tcp-client "$SRV" 8001 1000 --sport 40000) || fail "no connection to $SRV:8001"
c=$(nsx "$SUB1" $PEER tcp-client 203.0.113.3 8000 1000 --sport 40000) || fail "no connection to 203.0.113.3"
log "seen as $a, $b, $c"
in_pool "${a% *}" || fail "not translated: $a"
[ "$a" = "$b" ] && [ "$a" = "$c" ] || fail "the mapping depends on the remote: $a, $b, $c"
exit $KSFT_PASS
