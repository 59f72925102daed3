#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# On a pool address the router itself has, the ports of its own services
# (the pool's router-ports) are never handed out: no block that holds one
# goes to a subscriber, and the router's service there keeps receiving
# what outside hosts send it (audit L5).  Of the blocks 1024-1279,
# 1280-1535, 1536-1791 and 1792-2047, router-ports 1100 and 1500-1510
# leave the last two.
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
POOL=198.51.100.1/32
setup_net
refused 1 "reversed" natctl pool add "$POOL" router-ports 2000-1000
refused 2 "at most 8" natctl pool add "$POOL" router-ports 1,2,3,4,5,6,7,8,9
refused 2 "invalid router ports" natctl pool add "$POOL" router-ports 0
natctl pool add "$POOL" ports 1024-2047 block 256 low-block 0 max-blocks 8 \
	unconfirmed-share 100 router-ports 1500-1510,1100,1505 || fail "pool add"
natctl inside add "$INSIDE" || fail "inside add"
got=$(natctl -j pool show | jq -r '.[0]."router-ports"')
[ "$got" = 1100,1500-1510 ] || fail "router-ports shown as '$got'"
natctl pool show | grep -q " router-ports 1100,1500-1510" ||
	fail "pool show: $(natctl pool show)"
# The host's local port range lies outside the pool's ports here.
nsx "$RTR" sysctl -qw net.ipv4.ip_local_port_range="60000 65535"
nsx "$RTR" ip addr add 198.51.100.1/32 dev lo || fail "ip addr add"
serve "$RTR" udp-server 1100 --bind 198.51.100.1

# 600 flows from one subscriber: the two blocks it may have (512 ports),
# then refusals.
nsx "$SUB1" "$FLOOD" -s 100.64.0.2 -S 20000-20599 -d "$SRV" -D 9 -n 600 \
	> /dev/null || fail "flood"
wait_for 10 eval '[ "$(stat drop-exhausted)" = 88 ]' ||
	fail "drop-exhausted $(stat drop-exhausted), not 88: $(natctl subscriber show)"
blocks=$(natctl -j subscriber show 100.64.0.2 | jq -r .blocks)
[ "$blocks" = "198.51.100.1:1536-1791,198.51.100.1:1792-2047" ] ||
	[ "$blocks" = "198.51.100.1:1792-2047,198.51.100.1:1536-1791" ] ||
	fail "sub1 holds $blocks"

# The router's service on 1100 answers an outside host itself.
view=$(nsx "$SRVNS" $PEER udp-client 198.51.100.1 1100 --sport 7000) ||
	fail "the router's service on 1100 did not answer"
[ "$view" = "$SRV 7000" ] || fail "the router's service saw $view"
figure "router-ports 1100,1500-1510 on an address of the router's: a subscriber got only the blocks 1536-1791 and 1792-2047, the router's service on 1100 answered"
exit $KSFT_PASS
