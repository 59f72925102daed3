#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-6: outbound traffic refreshes a mapping: with an 8 s UDP
# timeout, a datagram a second for 20 s keeps one mapping (the same
# external port) alive; once quiet it expires.  (A second between
# datagrams can take three or four on a loaded machine under emulation:
# the timeout leaves room for that.)
. "$(dirname "$0")/../knat/lib.sh"
setup
natctl config set udp-timeout 8 || fail "config set"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 40000
first=$(ext_of udp 100.64.0.2 40000) || fail "no mapping"
end=$((SECONDS + 20))
while [ $SECONDS -lt $end ]; do
	sleep 1
	nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 40000
	[ "$(ext_of udp 100.64.0.2 40000)" = "$first" ] || fail "the mapping changed or lapsed"
done
[ "$(stat mappings-created)" = 1 ] || fail "mappings created: $(stat mappings-created)"
gone() { ! ext_of udp 100.64.0.2 40000 >/dev/null; }
wait_for 30 gone || fail "the quiet mapping did not expire"
exit $KSFT_PASS
