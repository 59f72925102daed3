#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-2: every valid TCP packet sequence, here a simultaneous
# open: the remote answers the inside host's SYN with a SYN of its own
# (their SYNs cross), the inside host answers with a SYN-ACK, the remote
# ACKs; the host's connect() completes and its data reaches the remote.
. "$(dirname "$0")/../knat/lib.sh"
setup
# The remote's kernel has no socket for this: keep its RSTs out of it.
nsx "$SRVNS" nft -f - <<'NFT' || fail "nft"
table ip simopen {
	chain out {
		type filter hook output priority 0;
		tcp flags rst drop
	}
}
NFT

got=$TMPDIR/simopen.$id
bg_ready "$got" nsx "$SRVNS" $PKT tcp-simopen 8000 60
nsx "$SUB1" $PY -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('0.0.0.0', 41000))
s.settimeout(30)
s.connect(('$SRV', 8000))
s.sendall(b'simultaneous')
time.sleep(3)" || fail "connect() did not complete"
wait
set -- $(heard "$got")
log "the remote got: $*"
in_pool "$1" && [ "$3" = simultaneous ] || fail "the remote got '$*'"
exit $KSFT_PASS
