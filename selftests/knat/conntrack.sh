#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With a conntrack-based stateful firewall on the router (forward policy
# drop, established accepted), translated traffic flows both ways: the
# hook priorities let conntrack see the inside tuple in both directions.
. "$(dirname "$0")/lib.sh"
setup
command -v nft >/dev/null || skip "nft not installed"

nsx "$RTR" nft -f - <<'NFT' || skip "nftables with conntrack unavailable"
table inet fw {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname { "in1", "in2" } ct state new accept
	}
}
NFT
serve "$SRVNS" udp-server 5353
serve "$SRVNS" tcp-server 8080
view=$(nsx "$SUB1" $PEER tcp-client "$SRV" 8080 200000) || fail "tcp through the firewall"
in_pool ${view% *} || fail "server saw $view"
nsx "$SUB2" $PEER udp-client "$SRV" 5353 3 >/dev/null || fail "udp through the firewall"
nsx "$SUB1" ping -c 2 -i 0.2 -W 2 "$SRV" >/dev/null || fail "icmp through the firewall"
# conntrack saw the inside address as the original source.
if [ -r /proc/net/nf_conntrack ]; then
	nsx "$RTR" grep -q "src=100.64.0.2 dst=$SRV .*dport=8080" /proc/net/nf_conntrack ||
		fail "conntrack did not record the inside tuple"
fi
exit $KSFT_PASS
