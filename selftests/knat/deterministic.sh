#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Deterministic pools (RFC 7422): an inside address's external address and
# port range follow from its position; whois answers both ways without
# state, and traffic stays inside the computed range.
. "$(dirname "$0")/lib.sh"
setup_net
# 1024 subscribers over 4 addresses: 256 an address, 252 ports each.
natctl pool add "$POOL" ports 1024-65535 deterministic 100.64.0.0/22 || fail "pool add"
natctl inside add "$INSIDE" || fail "inside add"
natctl pool show | grep -q "mode deterministic inside 100.64.0.0/22 ports-per-subscriber 252" ||
	fail "pool show: $(natctl pool show)"

# 100.64.1.2 is subscriber 258: address 1, range 2 of that address.
w=$(natctl whois 100.64.1.2)
[ "$w" = "100.64.1.2 pool 1 external 198.51.100.1 blocks 198.51.100.1:1528-1779" ] ||
	fail "forward whois: $w"
[ "$(whois_sub 198.51.100.3 1024)" = 100.64.3.0 ] || fail "reverse whois: $(natctl whois 198.51.100.3:1024)"
[ "$(whois_sub 198.51.100.1 1779)" = 100.64.1.2 ] || fail "reverse whois of the last port"

ev=$(mktemp)
monitor "$ev"
serve "$SRVNS" udp-server 5353
for p in 45000 45001 45002; do
	view=$(nsx "$SUB2" $PEER udp-client "$SRV" 5353 1 --sport $p) || fail "no answer"
	set -- $view
	[ "$1" = 198.51.100.1 ] && [ "$2" -ge 1528 ] && [ "$2" -le 1779 ] ||
		fail "flow left from $1:$2, outside 198.51.100.1:1528-1779"
	[ "$(whois_sub "$1" "$2")" = 100.64.1.2 ] || fail "whois $1:$2"
done
sleep 0.5
[ ! -s "$ev" ] || fail "deterministic pools log nothing, yet: $(cat "$ev")"
rm -f "$ev"
exit $KSFT_PASS
