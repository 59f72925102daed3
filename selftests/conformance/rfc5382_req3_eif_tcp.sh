#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-3: endpoint-independent filtering for TCP: while an inside
# host holds a connection out from port 40000, a remote address it never
# contacted connects to that mapping's external endpoint and reaches the
# host's listener on the same port, data both ways (TCP hole punching).
. "$(dirname "$0")/../knat/lib.sh"
setup
nsx "$SRVNS" ip addr add 203.0.113.3/24 dev eth0

bg_ready "$TMPDIR/server.$id" nsx "$SRVNS" $PEER tcp-server 8000
# The listener and the connection share port 40000 (SO_REUSEPORT).
out=$TMPDIR/listen.$id
bg nsx "$SUB1" python3 -c "
import socket, sys, time
def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(('0.0.0.0', 40000))
    return s
l = sock()
l.listen(1)
c = sock()
c.connect(('$SRV', 8000))
print('ready', flush=True)
l.settimeout(30)
a, peer = l.accept()
a.settimeout(10)
print(peer[0], peer[1], a.recv(100).decode(), flush=True)
a.sendall(b'welcome')
time.sleep(2)" > "$out"
wait_for 60 grep -q '^ready$' "$out" || fail "the inside host could not connect out"
set -- $(ext_of tcp 100.64.0.2 40000) || fail "no mapping for 40000"
log "inside 100.64.0.2:40000 is $1:$2"
r=$(nsx "$SRVNS" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(20)
s.bind(('203.0.113.3', 9999))
s.connect(('$1', $2))
s.sendall(b'hello')
print(s.recv(100).decode())") || fail "a new remote could not connect to the mapping"
[ "$r" = welcome ] || fail "the remote got '$r'"
wait_for 20 grep -q "^203.0.113.3 9999 hello$" "$out" || fail "the inside host got: $(cat "$out")"
exit $KSFT_PASS
