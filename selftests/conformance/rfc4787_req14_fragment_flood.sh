#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-14, bounded: a flood of fragments that never complete holds
# no more than the namespace's reassembly limit (ipfrag_high_thresh), and
# translation goes on meanwhile.
. "$(dirname "$0")/../knat/lib.sh"
setup

limit=262144
nsx "$RTR" sysctl -qw net.ipv4.ipfrag_low_thresh=$((limit * 3 / 4))
nsx "$RTR" sysctl -qw net.ipv4.ipfrag_high_thresh=$limit
# 2000 first fragments of 1400 bytes, each of another datagram: 2.8 MB.
nsx "$SRVNS" $PKT frag-flood 198.51.100.1 2000
mem=$(nsx "$RTR" awk '$1 == "FRAG:" { print $5 }' /proc/net/sockstat)
log "reassembly memory after the flood: $mem bytes (limit $limit)"
[ -n "$mem" ] && [ "$mem" -ge $((limit / 2)) ] || fail "the flood did not reach the router: $mem bytes"
[ "$mem" -le $((limit + 65536)) ] || fail "reassembly holds $mem bytes"
serve "$SRVNS" udp-server 5353
nsx "$SUB1" $PEER udp-client "$SRV" 5353 3 --sport 40000 >/dev/null || fail "no translation after the flood"
exit $KSFT_PASS
