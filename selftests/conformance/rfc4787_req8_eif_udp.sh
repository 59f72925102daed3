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
udp_reaches 6001 "$1" "$2" "$SRV" 7777 30 || fail "another remote port was filtered"
udp_reaches 6001 "$1" "$2" 203.0.113.3 7778 30 || fail "another remote address was filtered"
before=$(stat drop-no-mapping)
nsx "$SRVNS" $PEER udp-send "$1" $(($2 ^ 1))
[ "$(stat drop-no-mapping)" -gt "$before" ] || fail "an unmapped port was not filtered"
exit $KSFT_PASS
