#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TCP through the NAT: a real client and server, 1 MiB checked end to end;
# the server sees a pool address; the mapping and an established session
# are listed; counters move both ways.
. "$(dirname "$0")/lib.sh"
setup

serve "$SRVNS" tcp-server 8080

for sub in "$SUB1" "$SUB2"; do
	view=$(nsx "$sub" $PEER tcp-client "$SRV" 8080 1048576) || fail "$sub: transfer failed"
	set -- $view
	in_pool "$1" || fail "$sub: server saw $1, not a pool address"
	log "$sub seen by the server as $1:$2"
done

natctl mapping show | grep -q "^tcp 100.64.0.2:[0-9]* -> 198.51.100.[0-3]:[0-9]*" ||
	fail "no tcp mapping for sub1: $(natctl mapping show)"
natctl session show | grep -q "^tcp 100.64.1.2:.* -> $SRV:8080 state [a-z]*" ||
	fail "no tcp session for sub2: $(natctl session show)"
[ "$(stat translated-out)" -gt 0 ] && [ "$(stat translated-in)" -gt 0 ] ||
	fail "translation counters did not move"
exit $KSFT_PASS
