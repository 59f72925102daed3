#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The router's own multicast and broadcast on an inside link (VRRP, OSPF,
# DHCP and the like, sent from its inside address) leave untranslated:
# a group or the limited broadcast has no mapping to give, and knat
# neither translates nor drops them.
. "$(dirname "$0")/lib.sh"
setup

got=$TMPDIR/group.$id
bg_ready "$got" nsx "$SUB1" $PY -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 5999))
s.settimeout(10)
print('ready', flush=True)
for _ in range(2):
    d, a = s.recvfrom(100)
    print(a[0], a[1], d.decode(), flush=True)"
# A packet a hook drops fails its send with EPERM.
sent=$(nsx "$RTR" $PY -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('100.64.0.1', 5998))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('100.64.0.1'))
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for what, to in (('group', '224.0.0.1'), ('broadcast', '255.255.255.255')):
    if what == 'broadcast':
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'in1')
    try:
        s.sendto(what.encode(), (to, 5999))
        print(what, 'sent')
    except OSError as e:
        print(what, e.strerror)")
log "the router: $(echo "$sent" | tr '\n' ';')"
wait "${BGPIDS[-1]}"
log "sub1 heard: $(heard "$got" | tr '\n' ';')"
heard "$got" | grep -qx "100.64.0.1 5998 group" || fail "the router's multicast did not arrive as sent"
heard "$got" | grep -qx "100.64.0.1 5998 broadcast" || fail "the router's broadcast did not arrive as sent"
[ "$(stat mappings)" = 0 ] || fail "the router's multicast made a mapping"
for c in drop-malformed drop-unsupported; do
	[ "$(stat $c)" = 0 ] || fail "$c $(stat $c)"
done
exit $KSFT_PASS
