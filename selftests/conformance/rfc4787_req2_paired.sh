#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-2, RFC 6888 REQ-2: paired address pooling: all of a
# subscriber's mappings, UDP, TCP and ICMP, use one external address of a
# pool of four.
. "$(dirname "$0")/../knat/lib.sh"
setup

serve "$SRVNS" tcp-server 8000
for sub in "$SUB1" "$SUB2"; do
	nsx "$sub" $PEER udp-send "$SRV" 9 --sport 41000 --count 12
	nsx "$sub" $PEER tcp-client "$SRV" 8000 10 >/dev/null || fail "tcp from $sub"
	nsx "$sub" ping -c 1 -W 2 "$SRV" >/dev/null || fail "ping from $sub"
done
natctl -j mapping show | $PY -c "
import json, sys
ext = {}
for m in json.load(sys.stdin):
    ext.setdefault(m['inside-addr'], set()).add(m['external-addr'])
print(ext)
assert len(ext) == 2 and all(len(a) == 1 for a in ext.values()), 'not paired'
" || fail "a subscriber's mappings use more than one external address"
[ "$(stat mappings)" -ge 28 ] || fail "expected 28 mappings, have $(stat mappings)"
exit $KSFT_PASS
