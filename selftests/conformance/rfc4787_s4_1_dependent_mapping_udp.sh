#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 section 4.1, selectable mapping behaviour, with real UDP flows
# from one inside endpoint, 100.64.0.2:45000:
#  - udp-mapping adm: two ports of one remote address see the same external
#    endpoint, another remote address another port; another port of a
#    mapping's address may reach it, an address it never sent to may not;
#  - udp-mapping apdm: each remote endpoint sees a port of its own.
# Port overlapping with a dependent mapping is refused.
. "$(dirname "$0")/../knat/lib.sh"
setup udp-mapping adm
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0
natctl pool show | grep -q "tcp-mapping eim udp-mapping adm " || fail "pool: $(natctl pool show)"
# Each remote answers from the address it was sent to.
serve "$SRVNS" udp-server 5353 2 --bind "$SRV"
serve "$SRVNS" udp-server 5353 --bind 203.0.113.3
view() { nsx "$SUB1" $PEER udp-client "$1" "$2" 1 --sport 45000; }

a1=$(view "$SRV" 5353) && a2=$(view "$SRV" 5354) && b=$(view 203.0.113.3 5353) ||
	fail "no answer: $(natctl session show)"
log "adm: $SRV:5353 sees $a1, $SRV:5354 $a2, 203.0.113.3:5353 $b"
[ "$a1" = "$a2" ] || fail "two ports of one address saw $a1 and $a2"
[ "${a1% *}" = "${b% *}" ] && [ "${a1#* }" != "${b#* }" ] ||
	fail "another address saw $b, not another port of ${a1% *}"
[ "$(stat mappings)" = 2 ] || fail "mappings: $(natctl mapping show)"
set -- $a1
udp_reaches 45000 "$1" "$2" 203.0.113.3 7000 3 &&
	fail "an address the mapping never sent to reached it"
udp_reaches 45000 "$1" "$2" "$SRV" 7000 30 ||
	fail "another port of the mapping's address did not reach it"

natctl pool del 1 now || fail "pool del"
natctl pool add "$POOL" udp-mapping apdm || fail "pool add apdm"
a1=$(view "$SRV" 5353) && a2=$(view "$SRV" 5354) || fail "no answer"
log "apdm: $SRV:5353 sees $a1, $SRV:5354 $a2"
[ "${a1#* }" != "${a2#* }" ] || fail "two remote endpoints saw one port: $a1"
[ "$(stat mappings)" = 2 ] || fail "mappings: $(natctl mapping show)"

err=$(natctl pool add id 2 192.0.2.0/30 overlap mapping adm 2>&1) &&
	fail "port overlapping with address-dependent mapping was accepted"
log "refused: $err"
exit $KSFT_PASS
