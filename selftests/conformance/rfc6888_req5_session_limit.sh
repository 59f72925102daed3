#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 6888 REQ-5: a per-subscriber limit on state: with max-sessions 3, a
# subscriber's fourth session (another destination port, same mapping) is
# refused with 3/13 and counted, its three live sessions keep working, and
# another subscriber is not limited by it.
. "$(dirname "$0")/../knat/lib.sh"
setup max-sessions 3

serve "$SRVNS" udp-server 5353 4
for port in 5353 5354 5355; do
	r=$(nsx "$SUB1" $PEER udp-probe "$SRV" $port --sport 43000)
	[ "${r%% *}" = reply ] || fail "session $port of 3: '$r'"
done
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 5356 --sport 43000)
[ "$r" = "icmp 3 13" ] || fail "fourth session: expected ICMP 3/13, got '$r'"
[ "$(stat drop-limit-sessions)" -ge 1 ] || fail "drop-limit-sessions not counted"
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 5353 --sport 43000)
[ "${r%% *}" = reply ] || fail "a live session of the limited subscriber broke: '$r'"
r=$(nsx "$SUB2" $PEER udp-probe "$SRV" 5356 --sport 43000)
[ "${r%% *}" = reply ] || fail "the other subscriber was refused: '$r'"
exit $KSFT_PASS
