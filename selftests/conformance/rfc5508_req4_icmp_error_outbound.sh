#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-4: an ICMP error from an inside host about an inbound
# packet leaves from the mapping's external address, quoting the packet as
# the remote sent it (external destination), with checksums right: the
# remote's UDP socket learns of it.  (The veth links leave UDP checksums
# to offload, never computed: the packet whose quote is checked is sent
# with its checksum by scapy.)
. "$(dirname "$0")/../knat/lib.sh"
setup

# A mapping for 100.64.0.2:42000 whose socket is gone.
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for 42000"
ext=$1 port=$2
# Endpoint-independent filtering lets the server in; the host says no.
r=$(nsx "$SRVNS" $PEER udp-probe "$ext" "$port" --sport 5001)
[ "$r" = "icmp 3 3" ] || fail "the remote did not get the port unreachable: '$r'"
sniffed=$TMPDIR/sniff.$id
bg_ready "$sniffed" nsx "$SRVNS" $PKT icmp-sniff 1 60
nsx "$SRVNS" $PKT udp "$ext" "$port" --sport 5000
wait
log "seen at the remote: $(heard "$sniffed")"
heard "$sniffed" | grep -q "^3 3 $SRV 5000 $ext $port ok$" ||
	fail "the error's quote is not the packet the remote sent"
grep -q "100.64" && fail "an inside address leaked"
exit $KSFT_PASS
