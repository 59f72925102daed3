#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-6: inbound refresh is the operator's choice: on by default,
# a datagram from the remote resets the session's time left; with
# inbound-refresh 0 it is still delivered, and the time left runs on.
. "$(dirname "$0")/../knat/lib.sh"
setup
natctl config show | grep -qw "inbound-refresh 1" || fail "default: $(natctl config show)"
natctl config set udp-timeout 60 || fail "config set"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for 42000"
ext=$1 port=$2
left() { expires_of udp 100.64.0.2 42000 || fail "the session is gone"; }

sleep 3
before=$(left)
nsx "$SRVNS" $PEER udp-send "$ext" "$port" --sport 9
after=$(left)
log "inbound refresh on: $before ms left, $after ms after a datagram in"
[ "$after" -gt "$before" ] || fail "inbound refresh on: not refreshed"

natctl config set inbound-refresh 0 || fail "config set inbound-refresh 0"
sleep 3
before=$(left)
in=$(stat translated-in)
nsx "$SRVNS" $PEER udp-send "$ext" "$port" --sport 9
after=$(left)
log "inbound refresh off: $before ms left, $after ms after a datagram in"
[ "$(stat translated-in)" -gt "$in" ] || fail "inbound refresh off: the datagram was not translated"
[ "$after" -lt "$before" ] || fail "inbound refresh off: refreshed anyway"
err=$(natctl config set inbound-refresh 2 2>&1) && fail "inbound-refresh 2 accepted"
log "refused: $err"
exit $KSFT_PASS
