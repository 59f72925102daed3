#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hours of browsing compressed into a minute: two subscribers open 80,000
# short flows in all, well over 65,536 (a quarter on the debug kernel), each
# mapping expiring within seconds, so blocks are taken, cool and come back
# many times over.  Nothing is ever refused, and once the flows stop
# everything expires back to zero.
. "$(dirname "$0")/lib.sh"
# Two subscribers hold at most 2 x 32 blocks: 16,384 ports (2 x 48 of 128,
# 12,288, on the debug kernel, which gets fewer flows through and collects
# them more slowly); more flows than that must reuse them.
block=$((KNAT_SCALE > 1 ? 128 : 256))
maxb=$((KNAT_SCALE > 1 ? 48 : 32))
setup block $block max-blocks $maxb cooling 1
natctl config set udp-timeout 1 || fail "config set"

# Count the datagrams the router forwards: each is a new flow.
nsx "$RTR" nft -f - <<'NFT' || fail "nft"
table ip knat-churn {
	chain counted {
		type filter hook forward priority 0;
		udp dport 9000-9039 counter
	}
}
NFT
forwarded() { nsx "$RTR" nft list chain ip knat-churn counted | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'; }

flows=$((40000 / KNAT_SCALE))
churn $flows 1500

# The senders are done; the router may still be working through its
# queue.  Under emulation a few datagrams may be lost on a veth before the
# router sees them (not by knat): every datagram it forwarded must have got
# a mapping, and at least 90% of them must have arrived (72,000 flows on
# the stock kernel; 75% on the much slower debug kernel).
settled() { [ "$(stat mappings-created)" = "$(forwarded)" ] && [ "$(stat translated-out)" = "$(forwarded)" ]; }
wait_for 30 settled ||
	fail "$(forwarded) datagrams forwarded, not all mapped:" $(natctl stats)
[ "$(forwarded)" -ge $((2 * flows * (KNAT_SCALE > 1 ? 75 : 90) / 100)) ] ||
	fail "only $(forwarded) of $((2 * flows)) datagrams reached the router"
log "mappings created $(stat mappings-created), blocks allocated" \
    "$(stat blocks-allocated), released $(stat blocks-released)"
for c in drop-exhausted drop-limit-blocks drop-limit-sessions drop-no-pool drop-insert-failed drop-nomem; do
	[ "$(stat $c)" = 0 ] || fail "$c is $(stat $c)"
done
[ "$(forwarded)" -gt $((2 * maxb * block)) ] && [ "$(stat blocks-released)" -ge 2 ] ||
	fail "blocks were not recycled"

all_released
exit $KSFT_PASS
