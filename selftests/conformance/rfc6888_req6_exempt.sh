#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 6888 REQ-6: translation can be turned off per destination: with
# 203.0.113.3 exempt, a server there sees the subscriber's own address and
# answers it directly, while 203.0.113.2 still sees a pool address; the
# exemption is listed, counted, refused for a pool address, and once
# deleted the destination is translated again.
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0
nsx "$SRVNS" ip route add 100.64.0.0/10 via 203.0.113.1

natctl exempt add 203.0.113.3/32 || fail "exempt add"
natctl exempt show | grep -q "203.0.113.3/32" || fail "not listed: $(natctl exempt show)"
err=$(natctl exempt add 198.51.100.1/32 2>&1) && fail "a pool address was exempted"
echo "$err" | grep -q "pool address cannot be exempt" || fail "unclear refusal: $err"

serve "$SRVNS" udp-server 5353
a=$(nsx "$SUB1" $PEER udp-client 203.0.113.3 5353 --sport 40000) || fail "exempt: no answer"
b=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 --sport 40001) || fail "translated: no answer"
log "seen by the exempt destination as $a, by the other as $b"
[ "$a" = "100.64.0.2 40000" ] || fail "the exempt destination saw $a"
in_pool "${b% *}" || fail "the other destination saw $b"
[ "$(stat exempted)" -ge 1 ] || fail "exempted not counted"

natctl exempt del 203.0.113.3/32 || fail "exempt del"
natctl exempt del 203.0.113.3/32 2>/dev/null && fail "deleted twice"
c=$(nsx "$SUB1" $PEER udp-client 203.0.113.3 5353 --sport 40002) || fail "after del: no answer"
in_pool "${c% *}" || fail "after del, the destination saw $c"
exit $KSFT_PASS
