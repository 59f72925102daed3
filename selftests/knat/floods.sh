#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Floods from outside take service from nobody.  Three floods of a
# million packets each (5,000 on the debug kernel), paced:
# UDP from 65,536 spoofed sources at one live mapping, SYNs from spoofed
# sources to random ports of the pool, and UDP to random ports of the
# pool.  Meanwhile a flow of another subscriber, established before,
# sends 50 datagrams a second and loses none; after each flood that
# subscriber opens a new flow, the flooded mapping's state stays within
# its pool's inbound-limit, no other mapping appeared, and the table was
# never full.
# knat-timeout: 900
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
setup
# The debug kernel (KASAN, lockdep, under emulation) delivers a few
# hundred of these packets a second: there, floods of 5,000 at 100 a
# second take every path a million take (make check leaves this test to
# the stock kernel; selftests/vm-debug.sh).
if [ "$KNAT_SCALE" -gt 1 ]; then
	n=5000 rate=100
else
	n=1000000 rate=20000
fi

serve "$SRVNS" udp-server 9
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 6001
set -- $(ext_of udp 100.64.0.2 6001) || fail "no mapping for 6001"
ext=$1 port=$2

# probe SECONDS [STOP]: sub2's established flow, 50 datagrams a second
# to the server's echo for SECONDS at least, and until file STOP exists;
# prints "SENT ANSWERED" (answers to this probe's datagrams, each once)
probe() {
	nsx "$SUB2" $PY -c "
import os, socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 41234))
token = os.urandom(4).hex().encode()
answered = set()
def drain():
    while True:
        try:
            d = s.recv(100, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        # The flood to random pool ports reaches this flow's port too
        # (endpoint-independent filtering): only the echoes count.
        tok, _, seq = d.split(b' ', 2)[-1].partition(b'.')
        if tok == token:
            answered.add(seq)
n = 0
start = time.time()
while time.time() < start + $1 or not os.path.exists('${2:-/}'):
    s.sendto(token + b'.%d' % n, ('$SRV', 9))
    n += 1
    while time.time() < start + n / 50:
        drain()
        time.sleep(0.005)
time.sleep(2)
drain()
print(n, len(answered))"
}
set -- $(probe 2)
[ "$1" = "$2" ] || fail "the flow lost $(($1 - $2)) of $1 before any flood"
mappings=$(stat mappings)

# flood NAME FLOOD-ARGS...: one flood with the probe running; then check.
flood() {
	local name=$1 out=$TMPDIR/probe.$id stop=$TMPDIR/stop.$id start
	shift
	rm -f "$stop"
	probe 2 "$stop" > "$out" &
	BGPIDS+=($!)
	start=$SECONDS
	nsx "$SRVNS" "$FLOOD" -n "$n" -r "$rate" "$@" > /dev/null || fail "$name: the flood failed"
	log "$name: $n packets in $((SECONDS - start)) s"
	touch "$stop"
	wait "${BGPIDS[-1]}"
	set -- $(cat "$out")
	log "$name: the established flow sent $1, $2 answered; $(stat sessions-unanswered) unanswered, $(stat inbound-untracked) untracked, $(stat drop-no-mapping) no-mapping"
	[ $# = 2 ] && [ "$1" -gt 0 ] || fail "$name: the probe did not run"
	[ "$1" = "$2" ] || fail "$name: the established flow lost $(($1 - $2)) of $1"
	nsx "$SUB2" $PEER udp-client "$SRV" 9 --sport $((42000 + RANDOM % 1000)) > /dev/null ||
		fail "$name: another subscriber's new flow failed"
	[ "$(stat sessions-unanswered)" -le 64 ] ||
		fail "$name: $(stat sessions-unanswered) unanswered sessions"
	[ "$(stat drop-table-full)" = 0 ] || fail "$name: the table was full"
	mappings=$((mappings + 1))
	[ "$(stat mappings)" -le "$mappings" ] ||
		fail "$name: $(stat mappings) mappings, from $mappings"
}

flood "spoofed sources at a mapping" -p udp -s 198.18.0.0/16 -S 1024-65535 \
	-d "$ext" -D "$port"
flood "SYNs to random pool ports" -p syn -s 198.19.0.0/16 -S 1024-65535 \
	-d 198.51.100.0/30 -D 1024-65535
flood "UDP to random pool ports" -p udp -s 198.18.0.0/16 -S 1024-65535 \
	-d 198.51.100.0/30 -D 1024-65535
exit $KSFT_PASS
