#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Deleting an inside prefix ends its translation both ways at once: its
# mappings and sessions go with it, and the external port its flow had
# no longer reaches the inside host.
. "$(dirname "$0")/lib.sh"
setup

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for 42000"
[ "$(stat mappings)" = 1 ] || fail "mappings: $(stat mappings)"
natctl inside del "$INSIDE" || fail "inside del"
[ "$(stat mappings)" = 0 ] || fail "inside del left $(stat mappings) mappings"
[ "$(stat sessions)" = 0 ] || fail "inside del left $(stat sessions) sessions"
udp_reaches 42000 "$1" "$2" "$SRV" 9 5 && fail "the old mapping still translates inbound"
exit $KSFT_PASS
