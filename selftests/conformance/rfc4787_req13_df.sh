#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-13: toward a smaller MTU outside (1280), a datagram with DF
# set is answered with "fragmentation needed" (the inside host's socket
# learns the MTU) and none of it reaches the server; without DF it is
# fragmented after translation and the server gets it whole.
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$RTR" ip link set out mtu 1280

recv=$TMPDIR/recv.$id
bg_ready "$recv" nsx "$SRVNS" $PKT udp-recv 5353 15
mtu=$(df_mtu "$SUB1" 43000 "$SRV" 5353)
log "DF set: the inside host learned an MTU of '$mtu'"
[ "$mtu" = 1280 ] || fail "no fragmentation needed for the inside host"
nsx "$SUB2" $PY -c "
import socket
IP_MTU_DISCOVER, IP_PMTUDISC_DONT = 10, 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
s.bind(('0.0.0.0', 43001))
s.sendto(bytes(1400), ('$SRV', 5353))"
wait
set -- $(heard "$recv")
log "the server got: $*"
[ $# = 4 ] || fail "nothing reached the server"
in_pool "$1" && [ "$3" = 1400 ] || fail "the server got $*, not the 1400-byte datagram from the pool"
[ "$($PY -c "import hashlib; print(hashlib.sha256(bytes(1400)).hexdigest())")" = "$4" ] ||
	fail "the datagram arrived corrupted"
exit $KSFT_PASS
