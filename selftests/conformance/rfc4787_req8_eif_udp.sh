#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-8, RFC 6888 REQ-7: endpoint-independent filtering, the
# default: once a mapping exists, a remote port and a remote address the
# inside host never sent to reach it; nothing reaches an unmapped port.
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for 6001"
got=$TMPDIR/got.$id
bg_ready "$got" nsx "$SUB1" $PKT udp-recv 6001 30
nsx "$SRVNS" $PEER udp-send "$1" "$2" --sport 7777
wait
heard "$got" | grep -q "^$SRV 7777 " || fail "another remote port was filtered"
bg_ready "$got" nsx "$SUB1" $PKT udp-recv 6001 30
nsx "$SRVNS" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('203.0.113.3', 7778))
s.sendto(b'x', ('$1', $2))"
wait
heard "$got" | grep -q "^203.0.113.3 7778 " || fail "another remote address was filtered"
before=$(stat drop-no-mapping)
nsx "$SRVNS" $PEER udp-send "$1" $(($2 ^ 1))
[ "$(stat drop-no-mapping)" -gt "$before" ] || fail "an unmapped port was not filtered"
exit $KSFT_PASS
