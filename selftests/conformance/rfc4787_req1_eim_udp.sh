#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-1: endpoint-independent mapping for UDP: one inside
# endpoint is seen from the same external address and port by another
# port of the same remote and by another remote address.
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0

serve "$SRVNS" udp-server 5353 2
a=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 --sport 40000) || fail "no answer from $SRV:5353"
b=$(nsx "$SUB1" $PEER udp-client "$SRV" 5354 --sport 40000) || fail "no answer from $SRV:5354"
c=$(nsx "$SUB1" $PEER udp-client 203.0.113.3 5353 --sport 40000) || fail "no answer from 203.0.113.3"
log "seen as $a, $b, $c"
in_pool "${a% *}" || fail "not translated: $a"
[ "$a" = "$b" ] && [ "$a" = "$c" ] || fail "the mapping depends on the remote: $a, $b, $c"
exit $KSFT_PASS
