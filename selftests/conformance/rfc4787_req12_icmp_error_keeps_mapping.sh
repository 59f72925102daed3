#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-12, RFC 5382 REQ-10: ICMP errors do not end a mapping, and
# are not filtered by their source: a port unreachable from the remote and
# a time exceeded from a router on the way (another address) both reach
# the inside host, and the mapping keeps its external port.
. "$(dirname "$0")/../knat/lib.sh"
setup

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for 42000"
ext=$1 port=$2
nsx "$SRVNS" ip addr add 192.0.2.1/32 dev eth0
sniffed=$TMPDIR/sniff.$id
bg_ready "$sniffed" nsx "$SUB1" $PKT icmp-sniff 2 60
nsx "$SRVNS" $PKT icmp-error "$ext" "$ext:$port" "$SRV:9"
nsx "$SRVNS" $PKT icmp-error "$ext" "$ext:$port" "$SRV:9" --type 11 --code 0 --from 192.0.2.1
wait
log "seen inside: $(heard "$sniffed")"
heard "$sniffed" | grep -q "^3 3 100.64.0.2 42000 $SRV 9 ok$" || fail "port unreachable not delivered"
heard "$sniffed" | grep -q "^11 0 100.64.0.2 42000 $SRV 9 ok$" ||
	fail "time exceeded from another address not delivered"
[ "$(ext_of udp 100.64.0.2 42000)" = "$ext $port" ] || fail "the mapping did not survive the errors"
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
[ "$(ext_of udp 100.64.0.2 42000)" = "$ext $port" ] || fail "the flow got another mapping"
exit $KSFT_PASS
