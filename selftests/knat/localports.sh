#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A pool address the router itself uses (here it becomes local after the
# pool is made) never hands out ports of the router's local port range.
. "$(dirname "$0")/lib.sh"
POOL=198.51.100.1/32
setup_net
natctl pool add "$POOL" ports 1024-65535 block 256 || fail "pool add"
natctl inside add "$INSIDE" || fail "inside add"
nsx "$RTR" sysctl -qw net.ipv4.ip_local_port_range="1280 65535"
nsx "$RTR" ip addr add 198.51.100.1/32 dev lo || fail "ip addr add"
serve "$SRVNS" udp-server 5353

# Only the block 1024-1279 lies outside the local range.
for p in 46000 46001 46002; do
	view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport $p) || fail "no answer"
	set -- $view
	[ "$2" -lt 1280 ] || fail "handed out local port $2"
done
r=$(nsx "$SUB2" $PEER udp-probe "$SRV" 5353 --sport 46000)
[ "$r" = "icmp 3 13" ] || fail "a second block was handed out: '$r'"
# Not local any more: the rest of the ports are usable again.
nsx "$RTR" ip addr del 198.51.100.1/32 dev lo
r=$(nsx "$SUB2" $PEER udp-probe "$SRV" 5353 --sport 46000)
[ "${r%% *}" = reply ] || fail "no port after the address went: '$r'"
exit $KSFT_PASS
