#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-6: translating an ICMP error refreshes no session: errors
# from outside about a flow, and one from the inside host about it, are
# translated while the session's time left keeps running down.
. "$(dirname "$0")/../knat/lib.sh"
setup
natctl config set udp-timeout 60 || fail "config set"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for 42000"
ext=$1 port=$2
sleep 3
before=$(expires_of udp 100.64.0.2 42000) || fail "no session"
n=$(stat translated-icmp-errors)
nsx "$SRVNS" $PKT icmp-error "$ext" "$ext:$port" "$SRV:9" --count 3
nsx "$SUB1" $PKT icmp-error "$SRV" "$SRV:9" "100.64.0.2:42000"
after=$(expires_of udp 100.64.0.2 42000) || fail "the session is gone"
log "expires in $before ms before the errors, $after ms after"
[ "$(stat translated-icmp-errors)" -ge $((n + 4)) ] ||
	fail "errors not translated: $(stat translated-icmp-errors) (was $n)"
[ "$after" -lt "$before" ] || fail "refreshed by the errors: $before ms -> $after ms"
exit $KSFT_PASS
