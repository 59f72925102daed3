#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-3: endpoint-independent filtering for TCP: while an inside
# host holds a connection out from port 40000, a remote address it never
# contacted connects to that mapping's external endpoint and reaches the
# host's listener on the same port, data both ways (TCP hole punching).
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0

out=$TMPDIR/listen.$id
tcp_punch "$out"
set -- $(ext_of tcp 100.64.0.2 40000) || fail "no mapping for 40000"
log "inside 100.64.0.2:40000 is $1:$2"
r=$(tcp_hello 203.0.113.3 9999 "$1" "$2") || fail "a new remote could not connect to the mapping"
[ "$r" = welcome ] || fail "the remote got '$r'"
wait_for 20 grep -q "^203.0.113.3 9999 hello$" "$out" || fail "the inside host got: $(cat "$out")"
exit $KSFT_PASS
