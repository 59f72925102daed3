#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 7857 section 2.2: a TCP RST does not end the session at once: an
# established connection reset by the inside host leaves its session in
# state rst for the transitory timeout (4 min), not the established one,
# so a lost RST can be sent again and the mapping is not reused at once.
. "$(dirname "$0")/../knat/lib.sh"
setup

serve "$SRVNS" tcp-server 8000
bg_ready "$TMPDIR/client.$id" nsx "$SUB1" $PY -c "
import socket, struct, time
s = socket.create_connection(('$SRV', 8000), source_address=('0.0.0.0', 40000))
s.send(b'x')
print('ready', flush=True)
time.sleep(3)
# Linger 0: close() sends a RST.
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()
print('reset', flush=True)"
est() { [ "$(expires_of tcp 100.64.0.2 40000 2>/dev/null || echo 0)" -gt 7400000 ]; }
wait_for 20 est || fail "established: expires in $(expires_of tcp 100.64.0.2 40000) ms"
wait_for 20 grep -q '^reset$' "$TMPDIR/client.$id" || fail "the client did not reset"
state() { session_of tcp 100.64.0.2 40000; }
rst() { state | grep -q '^rst '; }
wait_for 20 rst || fail "after the RST: $(state)"
set -- $(state)
log "after the RST: state $1, expires in $2 ms"
[ "$2" -gt 200000 ] && [ "$2" -le 240000 ] || fail "after the RST: expires in $2 ms, not 240 s"
exit $KSFT_PASS
