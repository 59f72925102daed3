#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A subscriber at its block limit (RFC 6888 REQ-4) is refused with ICMP
# destination unreachable 3/13, a counter and a limit event; its live flows
# are not evicted (REQ-11) and another subscriber keeps working.
. "$(dirname "$0")/../knat/lib.sh"
setup block 16 max-blocks 1

ev=$(mktemp)
monitor "$ev"
serve "$SRVNS" udp-server 5353
nsx "$SUB1" $PEER udp-send "$SRV" 5353 --sport 43000 --count 16 || fail "send"
[ "$(stat mappings)" = 16 ] || fail "expected 16 mappings, have $(stat mappings)"
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 5353 --sport 43016)
[ "$r" = "icmp 3 13" ] || fail "17th flow: expected ICMP 3/13, got '$r'"
[ "$(stat drop-limit-blocks)" -ge 1 ] || fail "drop-limit-blocks not counted"
r=$(nsx "$SUB1" $PEER udp-probe "$SRV" 5353 --sport 43000)
[ "${r%% *}" = reply ] || fail "a live flow of the limited subscriber broke: '$r'"
r=$(nsx "$SUB2" $PEER udp-probe "$SRV" 5353 --sport 43000)
[ "${r%% *}" = reply ] || fail "the other subscriber was refused: '$r'"
grep -q '"event":"limit-blocks","pool":1,"subscriber":"100.64.0.2".*"proto":"udp"' "$ev" ||
	fail "no limit event: $(cat "$ev")"
rm -f "$ev"
exit $KSFT_PASS
