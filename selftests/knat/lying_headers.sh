#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packets whose headers lie are dropped and counted, and reach nobody: a
# TCP SYN whose data offset points past the end of the segment, and an
# ICMP error from one subscriber about another subscriber's flow (which
# would lower that flow's path MTU or end it, from the victim's external
# address).
. "$(dirname "$0")/lib.sh"
setup

before=$(stat drop-malformed)
nsx "$SUB1" $PKT tcp-syn "$SRV" 80 --sport 40000 --doff 15
[ "$(stat drop-malformed)" = $((before + 1)) ] ||
	fail "the lying TCP header was not counted: drop-malformed $before -> $(stat drop-malformed)"
[ "$(stat mappings)" = 0 ] || fail "the lying TCP header made a mapping"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
ext_of udp 100.64.0.2 42000 > /dev/null || fail "no mapping for sub1"
before=$(stat drop-filtered) errs=$(stat translated-icmp-errors)
nsx "$SUB2" $PKT icmp-error "$SRV" "$SRV:9" 100.64.0.2:42000 --type 3 --code 4
[ "$(stat drop-filtered)" = $((before + 1)) ] ||
	fail "sub2's error about sub1's flow was not refused: drop-filtered $before -> $(stat drop-filtered)"
[ "$(stat translated-icmp-errors)" = "$errs" ] || fail "sub2's error was translated"
exit $KSFT_PASS
