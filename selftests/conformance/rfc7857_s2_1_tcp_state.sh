#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 7857 section 2.1: TCP state tracking with separate opening and
# closing timers.  A connection attempt nobody answers lives on the
# opening timer (tcp-open-timeout, set to 100 s here); a connection closed
# one way only is half-closed and lives on the established timer (2 h
# 4 min); once it is closed both ways it lives on the closing timer
# (tcp-trans-timeout, 4 min).
. "$(dirname "$0")/../knat/lib.sh"
setup

natctl config show | grep -qw "tcp-open-timeout 240" || fail "default: $(natctl config show)"
natctl config set tcp-open-timeout 100 || fail "config set"
between() {	# between STATE LO HI PORT: the session of PORT is STATE, LO < expiry <= HI
	local v
	v=$(session_of tcp 100.64.0.2 "$4") || return 1
	set -- "$1" "$2" "$3" $v
	[ "$4" = "$1" ] && [ "$5" -gt "$2" ] && [ "$5" -le "$3" ]
}

# Opening: a SYN to an address nobody answers from.
nsx "$SUB1" $PY -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(2)
s.bind(('0.0.0.0', 40001))
try:
    s.connect(('203.0.113.77', 80))
except OSError:
    pass"
between syn-sent 90000 100000 40001 || fail "opening: $(natctl session show)"

# Half-closed, then closed: the server closes when told to.
go=$TMPDIR/close.$id
bg_ready "$TMPDIR/server.$id" nsx "$SRVNS" $PY -c "
import os, socket, time
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('0.0.0.0', 8000))
l.listen(1)
print('ready', flush=True)
c, _ = l.accept()
while c.recv(100):
    pass
while not os.path.exists('$go'):
    time.sleep(0.1)
c.close()"
bg nsx "$SUB1" $PY -c "
import socket
s = socket.create_connection(('$SRV', 8000), source_address=('0.0.0.0', 40002))
s.sendall(b'x')
s.shutdown(socket.SHUT_WR)
s.settimeout(60)
s.recv(100)"
half() { between half-closed 7400000 7440000 40002; }
wait_for 30 half || fail "half-closed: $(session_of tcp 100.64.0.2 40002)"
log "half-closed: $(session_of tcp 100.64.0.2 40002)"
touch "$go"
closed() { between fin 200000 240000 40002; }
wait_for 30 closed || fail "closed: $(session_of tcp 100.64.0.2 40002)"
log "closed: $(session_of tcp 100.64.0.2 40002)"
exit $KSFT_PASS
