#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ICMP errors the router itself sends about packets it translated inbound
# quote the external endpoint they were sent to, not the inside one: a
# remote's datagram with DF toward a smaller inside MTU gets
# "fragmentation needed" that its socket takes (path MTU discovery
# works), and one whose TTL runs out gets "time exceeded" that its socket
# takes too.  No inside address reaches the outside.
. "$(dirname "$0")/lib.sh"
setup
nsx "$RTR" ip link set in1 mtu 1280 || fail "mtu"

nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 44000
set -- $(ext_of udp 100.64.0.2 44000) || fail "no mapping for 44000"
ext=$1 port=$2
before=$(stat translated-icmp-errors)

# The remote sends 1400 bytes with DF: it learns the MTU of 1280.
mtu=$(df_mtu "$SRVNS" 9 "$ext" "$port")
figure "the remote's socket learned an MTU of $mtu toward the external endpoint"
[ "$mtu" = 1280 ] || fail "fragmentation needed did not reach the remote's socket"

# The remote sends with a TTL of 1: its socket gets time exceeded.
got=$(nsx "$SRVNS" $PY -c "
import select, socket, struct
IP_RECVERR = 11
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
s.setsockopt(socket.SOL_IP, socket.IP_TTL, 1)
s.bind(('0.0.0.0', 9))
s.connect(('$ext', $port))
for i in range(20):
    try:
        s.send(b'x')
    except OSError:
        pass                # the error of an earlier one, queued too
    # A queued error makes the socket readable (POLLERR).
    if select.select([s], [], [], 1)[0]:
        _, anc, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
        for level, typ, data in anc:
            if level == socket.SOL_IP and typ == IP_RECVERR:
                print('icmp', *struct.unpack('=IBBB', data[:7])[2:])
        break")
log "the remote's socket got: '$got'"
[ "$got" = "icmp 11 0" ] || fail "time exceeded did not reach the remote's socket: '$got'"
[ "$(stat translated-icmp-errors)" -ge $((before + 2)) ] ||
	fail "translated-icmp-errors went from $before to $(stat translated-icmp-errors)"
exit $KSFT_PASS
