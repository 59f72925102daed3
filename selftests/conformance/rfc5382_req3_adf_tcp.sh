#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-3, address-dependent filtering for TCP (tcp-filtering adf):
# while an inside host holds a connection out from port 40000, another
# port of the same remote address connects to that mapping and reaches the
# host's listener; a remote address it never contacted is filtered.
. "$(dirname "$0")/../knat/lib.sh"
setup tcp-filtering adf
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0

out=$TMPDIR/listen.$id
tcp_punch "$out"
set -- $(ext_of tcp 100.64.0.2 40000) || fail "no mapping for 40000"
log "inside 100.64.0.2:40000 is $1:$2"
before=$(stat drop-filtered)
r=$(tcp_hello 203.0.113.3 9998 "$1" "$2") && fail "an address never contacted connected: '$r'"
[ "$(stat drop-filtered)" -gt "$before" ] || fail "drop-filtered not counted"
r=$(tcp_hello "$SRV" 9999 "$1" "$2") || fail "the contacted address could not connect from another port"
[ "$r" = welcome ] || fail "the remote got '$r'"
wait_for 20 grep -q "^$SRV 9999 hello$" "$out" || fail "the inside host got: $(cat "$out")"
exit $KSFT_PASS
