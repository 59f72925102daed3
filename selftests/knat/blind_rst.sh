#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A blind RST from outside (right addresses and ports, any sequence
# number) cannot end a live connection: it moves the session to the
# transitory timeout (RFC 7857 section 2.2: 240 s, so that a real RST can
# be sent again), and the connection's next packet, from either side,
# makes it established again.  The inside host ignores the RST (its
# sequence number is out of the window, RFC 5961) and the connection
# goes on through the same mapping.
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
setup

serve "$SRVNS" tcp-server 8000
# A connection that sends once, waits for a line on a FIFO, sends again,
# waits for another, then ends its side and reads the server's answer.
mkfifo "$TMPDIR/go.$id"
bg_ready "$TMPDIR/client.$id" nsx "$SUB1" $PY -c "
import socket
s = socket.create_connection(('$SRV', 8000), source_address=('0.0.0.0', 40000))
s.settimeout(60)
s.send(b'before')
print('ready', flush=True)
go = open('$TMPDIR/go.$id')
go.readline()
s.send(b'after')
print('sent', flush=True)
go.readline()
s.shutdown(socket.SHUT_WR)
print('answer', s.recv(4096).decode().strip(), flush=True)"
est() { [ "$(expires_of tcp 100.64.0.2 40000 2>/dev/null || echo 0)" -gt 7400000 ]; }
wait_for 20 est || fail "established: expires in $(expires_of tcp 100.64.0.2 40000) ms"
set -- $(ext_of tcp 100.64.0.2 40000) || fail "no mapping"
ext=$1 port=$2

# Ten blind RSTs, each with a random sequence number.
nsx "$SRVNS" "$FLOOD" -p rst -s "$SRV" -S 8000 -d "$ext" -D "$port" -n 10 > /dev/null ||
	fail "the RSTs were not sent"
state() { session_of tcp 100.64.0.2 40000; }
rst() { state | grep -q '^rst '; }
wait_for 20 rst || fail "after the RSTs: $(state)"
set -- $(state)
log "after the blind RSTs: state $1, expires in $2 ms"
[ "$2" -le 240000 ] || fail "after the RSTs: expires in $2 ms, not within 240 s"

exec {go}> "$TMPDIR/go.$id"
echo go >&$go
wait_for 30 grep -q '^sent$' "$TMPDIR/client.$id" || fail "the client did not send again"
back() { [ "$(expires_of tcp 100.64.0.2 40000)" -gt 240000 ]; }
wait_for 20 back || fail "the session did not come back from the RSTs: $(state)"
set -- $(state)
log "after the connection's next packet: state $1, expires in $2 ms"
echo go >&$go
wait_for 30 grep -q '^answer ' "$TMPDIR/client.$id" ||
	fail "the connection did not go on: $(cat "$TMPDIR/client.$id")"
set -- $(grep '^answer ' "$TMPDIR/client.$id")
[ "$2 $3" = "$ext $port" ] || fail "the server saw $2:$3, not $ext:$port"
figure "10 blind RSTs at a live connection: its session went to the 240 s timeout, and back to established at the connection's next packet; the connection went on"
exit $KSFT_PASS
