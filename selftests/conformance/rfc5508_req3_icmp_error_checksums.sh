#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-3: an inbound ICMP error with a bad ICMP checksum, or whose
# quoted IP header has a bad checksum, is dropped and counted; the same
# error with good checksums (host unreachable, to tell them apart) is the
# first to reach the inside host, translated.
. "$(dirname "$0")/../knat/lib.sh"
setup

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 42000
set -- $(ext_of udp 100.64.0.2 42000) || fail "no mapping for 42000"
ext=$1 port=$2
sniffed=$TMPDIR/sniff.$id
bg_ready "$sniffed" nsx "$SUB1" $PKT icmp-sniff 1 60
before=$(stat drop-malformed)
nsx "$SRVNS" $PKT icmp-error "$ext" "$ext:$port" "$SRV:9" --bad-csum
nsx "$SRVNS" $PKT icmp-error "$ext" "$ext:$port" "$SRV:9" --bad-quote-csum
after=$(stat drop-malformed)
[ "$after" -ge $((before + 2)) ] || fail "drop-malformed went from $before to $after"
nsx "$SRVNS" $PKT icmp-error "$ext" "$ext:$port" "$SRV:9" --code 1
wait
log "seen inside: $(heard "$sniffed")"
heard "$sniffed" | grep -q "^3 1 100.64.0.2 42000 $SRV 9 ok$" ||
	fail "the good error was not translated right"
exit $KSFT_PASS
