#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unsolicited inbound traffic to an unmapped pool port is dropped and
# counted, and reaches no subscriber; to a mapped port it is admitted
# (endpoint-independent filtering).
. "$(dirname "$0")/lib.sh"
setup

before=$(stat drop-no-mapping)
bg_ready "$TMPDIR/listen.$id" nsx "$SUB1" $PEER udp-listen 6000 3
nsx "$SRVNS" $PEER udp-send 198.51.100.1 6000
nsx "$SRVNS" $PEER udp-send 198.51.100.2 6000
nsx "$SRVNS" $PEER udp-send 198.51.100.3 6000
wait
heard "$TMPDIR/listen.$id" && fail "unsolicited datagram was delivered: $(heard "$TMPDIR/listen.$id")"
after=$(stat drop-no-mapping)
[ "$after" -ge $((before + 3)) ] || fail "drop-no-mapping went from $before to $after"
[ "$(stat mappings)" = 0 ] || fail "unsolicited traffic created a mapping"

# Open a mapping from the inside, then reach it from another remote port.
bg_ready "$TMPDIR/listen2.$id" nsx "$SUB1" $PEER udp-listen 6001 20 --hello "$SRV:9"
has_mapping() { natctl mapping show | grep -q "^udp 100.64.0.2:6001 "; }
wait_for 30 has_mapping || fail "no mapping for port 6001"
ext=$(natctl -j mapping show | $PY -c "
import json, sys
m = [m for m in json.load(sys.stdin) if m['inside-port'] == 6001][0]
print(m['external-addr'], m['external-port'])") || fail "no mapping for port 6001"
set -- $ext
nsx "$SRVNS" $PEER udp-send "$1" "$2" --sport 7777
wait
grep -q "^$SRV 7777 unsolicited" "$TMPDIR/listen2.$id" ||
	fail "EIF: inbound to a live mapping was not delivered"
exit $KSFT_PASS
