#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-5: an established TCP session lives 2 h 4 min idle by
# default, a transitory one (opening or closing) 4 min.
. "$(dirname "$0")/../knat/lib.sh"
setup

natctl config show | grep -qw "tcp-est-timeout 7440" || fail "default: $(natctl config show)"
natctl config show | grep -qw "tcp-trans-timeout 240" || fail "default: $(natctl config show)"
serve "$SRVNS" tcp-server 8000
bg nsx "$SUB1" $PY -c "
import socket, time
s = socket.create_connection(('$SRV', 8000), source_address=('0.0.0.0', 40000))
s.send(b'x')
time.sleep(60)"
est() { [ "$(expires_of tcp 100.64.0.2 40000 2>/dev/null || echo 0)" -gt 7400000 ]; }
wait_for 20 est || fail "established: expires in $(expires_of tcp 100.64.0.2 40000) ms"
nsx "$SUB1" $PEER tcp-client "$SRV" 8000 10 --sport 40001 >/dev/null || fail "tcp"
ms=$(expires_of tcp 100.64.0.2 40001) || fail "no session for the closed connection"
log "closed: expires in $ms ms"
[ "$ms" -gt 200000 ] && [ "$ms" -le 240000 ] || fail "closed: expires in $ms ms, not 240 s"
exit $KSFT_PASS
