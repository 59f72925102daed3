#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-3: no port overloading: two subscribers sending from the
# same inside port to the same remote endpoint get distinct external
# endpoints, and no external endpoint of a pool without port overlapping
# serves two mappings.
. "$(dirname "$0")/../knat/lib.sh"
setup

serve "$SRVNS" udp-server 5353
a=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 --sport 40000) || fail "sub1: no answer"
b=$(nsx "$SUB2" $PEER udp-client "$SRV" 5353 --sport 40000) || fail "sub2: no answer"
log "sub1 seen as $a, sub2 as $b"
[ "$a" != "$b" ] || fail "both subscribers seen as $a"
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000 --count 200
nsx "$SUB2" $PEER udp-send "$SRV" 9 --sport 42000 --count 200
natctl -j mapping show | $PY -c "
import collections, json, sys
maps = json.load(sys.stdin)
n = collections.Counter((m['proto'], m['external-addr'], m['external-port']) for m in maps)
print(len(maps), 'mappings')
assert len(maps) >= 402 and max(n.values()) == 1, 'overloaded'
" || fail "an external endpoint serves two mappings"
exit $KSFT_PASS
