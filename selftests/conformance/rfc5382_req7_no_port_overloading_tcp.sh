#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-7: no port overloading for TCP: two subscribers connecting
# from the same inside port to the same server port are seen by the server
# as two external endpoints of the pool.
. "$(dirname "$0")/../knat/lib.sh"
setup

serve "$SRVNS" tcp-server 8000
a=$(nsx "$SUB1" $PEER tcp-client "$SRV" 8000 1000 --sport 40000) || fail "sub1: no connection"
b=$(nsx "$SUB2" $PEER tcp-client "$SRV" 8000 1000 --sport 40000) || fail "sub2: no connection"
log "sub1 seen as $a, sub2 as $b"
in_pool "${a% *}" && in_pool "${b% *}" || fail "not translated: $a, $b"
[ "$a" != "$b" ] || fail "both subscribers seen as $a"
exit $KSFT_PASS
