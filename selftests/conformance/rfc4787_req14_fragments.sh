#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-14: fragments in order and out of order are translated:
# UDP outbound and inbound, a TCP SYN and an ICMP echo request outbound,
# each as 8 fragments sent first to last and last to first; the receiver
# gets the whole datagram (its hash), the answer comes back.
. "$(dirname "$0")/../knat/lib.sh"
setup

want=$($PY -c "import hashlib; print(hashlib.sha256(bytes(i % 251 for i in range(3000))).hexdigest())")
n=0
for order in forward reverse; do
	n=$((n + 1))
	# UDP, outbound.
	bg_ready "$TMPDIR/out$n.$id" nsx "$SRVNS" $PKT udp-recv $((5550 + n)) 60
	nsx "$SUB1" $PKT frag udp "$SRV" $((5550 + n)) --sport $((44000 + n)) --order $order
	# UDP, inbound, to a mapping sub1 listens behind.
	nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport $((45000 + n))
	set -- $(ext_of udp 100.64.0.2 $((45000 + n))) || fail "no mapping for $((45000 + n))"
	bg_ready "$TMPDIR/in$n.$id" nsx "$SUB1" $PKT udp-recv $((45000 + n)) 60
	nsx "$SRVNS" $PKT frag udp "$1" "$2" --sport 7000 --order $order
	wait
	set -- $(heard "$TMPDIR/out$n.$id")
	[ $# = 4 ] || fail "udp out ($order): nothing arrived"
	in_pool "$1" && [ "$3" = 3000 ] && [ "$4" = "$want" ] ||
		fail "udp out ($order): got $(cat "$TMPDIR/out$n.$id")"
	[ "$(heard "$TMPDIR/in$n.$id")" = "$SRV 7000 3000 $want" ] ||
		fail "udp in ($order): got $(cat "$TMPDIR/in$n.$id")"
	log "udp $order: both ways whole"
done

serve "$SRVNS" tcp-server 8000
for order in forward reverse; do
	r=$(nsx "$SUB1" $PKT frag tcp "$SRV" 8000 --sport 46000 --order $order)
	[ "$r" = "syn-ack 46000" ] || fail "tcp ($order): expected the SYN-ACK, got '$r'"
	r=$(nsx "$SUB1" $PKT frag icmp "$SRV" 0 --sport 4242 --order $order)
	[ "$r" = "echo-reply 4242 3000" ] || fail "icmp ($order): expected the echo reply, got '$r'"
	log "tcp, icmp $order: answered"
done
exit $KSFT_PASS
