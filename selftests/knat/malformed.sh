#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed and hostile packets: every kind of selftests/knat/malformed.py
# (broken IP headers and options, martian and broadcast addresses, other
# protocols, lying or truncated UDP, TCP and ICMP headers, odd TCP flags,
# ICMP errors with truncated, nested, fragmented or mismatched quotes,
# fragments tiny, lone, overlapping and never completed) in four
# directions: from a subscriber, from outside to a live mapping, from
# outside to an unmapped port of the pool, and hairpinned to another
# subscriber's mapping; 1,000 of each (on the debug kernel, 250 of each
# kind in one direction of the four, in turn).  Every packet is
# accounted for exactly once: it arrives translated with its checksums
# right, or one knat drop counter takes it, or the kernel drops it and
# says why (an SNMP counter, and the kfree_skb trace event's reason), or
# the router takes it as its own.  No packet from outside makes a
# subscriber, a block or a mapping.
# knat-timeout: 1200
. "$(dirname "$0")/lib.sh"
REPLAY=$TOP/build/replay
[ -x "$REPLAY" ] || skip "build/replay not built"
setup
# Nothing expires while the cases run: not the subscribers' flows, and
# not the unanswered sessions of their hairpinned ones, which the
# hairpinned errors quote.
natctl config set udp-timeout 3600 icmp-timeout 3600 tcp-open-timeout 3600 \
	tcp-trans-timeout 3600 unanswered-timeout 3600 || fail "config set"

# Live mappings: UDP 40000, TCP 40001 and an echo of each subscriber.
FLOOD=$TOP/build/flood
for s in "$SUB1 100.64.0.2" "$SUB2 100.64.1.2"; do
	set -- $s
	nsx "$1" "$FLOOD" -p udp -s "$2" -S 40000 -d "$SRV" -D 9 -n 1 > /dev/null &&
		nsx "$1" "$FLOOD" -p syn -s "$2" -S 40001 -d "$SRV" -D 8080 -n 1 > /dev/null &&
		nsx "$1" ping -c 1 -W 5 "$SRV" > /dev/null || fail "flows of $2"
done
# mapping PROTO ADDR [PORT]: "INSIDE-PORT EXT-ADDR EXT-PORT"
mapping() {
	natctl -j mapping show | jq -e -r --arg p "$1" --arg a "$2" --arg n "${3:-}" \
		'first(.[] | select(.proto == $p and ."inside-addr" == $a and
			($n == "" or ."inside-port" == ($n | tonumber)))) |
		"\(."inside-port") \(."external-addr") \(."external-port")"'
}
# of PROTO ADDR [PORT]: that mapping's three fields, or nothing
of() {
	mapping "$@" || echo "- - -"
}
set -- $(of udp 100.64.0.2 40000); e1=$2 u1=$3
set -- $(of tcp 100.64.0.2 40001); t1=$3
set -- $(of icmp 100.64.0.2); i1=$1 x1=$3
set -- $(of udp 100.64.1.2 40000); e2=$2 u2=$3
set -- $(of tcp 100.64.1.2 40001); t2=$3
set -- $(of icmp 100.64.1.2); x2=$3
for v in e1 u1 t1 i1 x1 e2 u2 t2 x2; do
	[ "${!v}" != - ] || fail "the subscribers' mappings are not all there ($v)"
done
# An unmapped port of the pool, and the state before.
free=$((u1 == 60001 ? 60002 : 60001))

mac() { nsx "$1" cat "/sys/class/net/$2/address"; }
sub1=$(mac "$SUB1" eth0) sub2=$(mac "$SUB2" eth0) srv=$(mac "$SRVNS" eth0)
in1=$(mac "$RTR" in1) in2=$(mac "$RTR" in2) out=$(mac "$RTR" out)

# From here on the end hosts answer nothing (their packets would be
# counted with the cases'): they drop every IPv4 packet as it comes in,
# after the sinks' packet sockets have seen it.  The router knows their
# addresses for good.
for ns in "$SUB1" "$SUB2" "$SRVNS"; do
	nsx "$ns" nft -f - <<-EOF || fail "nft in $ns"
	table ip sink {
		chain in { type filter hook prerouting priority -500; policy drop; }
	}
	EOF
done
ipb "$RTR" <<-EOF || fail "neighbours"
neigh replace 100.64.0.2 lladdr $sub1 dev in1 nud permanent
neigh replace 100.64.1.2 lladdr $sub2 dev in2 nud permanent
neigh replace $SRV lladdr $srv dev out nud permanent
EOF
# A process in the router's namespace, whose /proc/PID/net/ are its counters.
bg nsx "$RTR" sleep 100000
rtr_pid=${BGPIDS[-1]}
mounted=$(awk '$2 == "/sys/kernel/tracing"' /proc/mounts)
[ -n "$mounted" ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

jq -n --arg rtr "$RTR" --argjson pid "$rtr_pid" --arg pool "$e1" \
	--arg s1 "$SUB1" --arg s2 "$SUB2" --arg sv "$SRVNS" --arg srv "$SRV" \
	--arg m1 "$sub1" --arg m2 "$sub2" --arg ms "$srv" \
	--arg r1 "$in1" --arg r2 "$in2" --arg ro "$out" \
	--arg e1 "$e1" --arg e2 "$e2" --argjson u1 "$u1" --argjson t1 "$t1" \
	--argjson x1 "$x1" --argjson i1 "$i1" --argjson u2 "$u2" --argjson t2 "$t2" \
	--argjson x2 "$x2" --argjson free "$free" '{
	rtr: $rtr, rtr_pid: $pid,
	inside: {ns: $s1, sink: $sv, smac: $m1, dmac: $r1, src: "100.64.0.2",
		dst: $srv, sport: 40000, udp: 9, tcp: 8080, icmp: $i1, echo: 8,
		pool: $pool},
	mapped: {ns: $sv, sink: $s1, smac: $ms, dmac: $ro, src: $srv, dst: $e1,
		sport: 9, udp: $u1, tcp: $t1, icmp: $x1, echo: 0, pool: $pool},
	unmapped: {ns: $sv, sink: $s1, smac: $ms, dmac: $ro, src: $srv,
		dst: $e1, sport: 9, udp: $free, tcp: $free, icmp: $free, echo: 0,
		pool: $pool},
	hairpin: {ns: $s1, sink: $s2, smac: $m1, dmac: $r1, src: "100.64.0.2",
		dst: $e2, sport: 40000, udp: $u2, tcp: $t2, icmp: $x2, echo: 8,
		pool: $pool}
	}' > "$TMPDIR/ctx.$id" || fail "context"
dir=$TMPDIR/malformed.$id
mkdir -p "$dir"
python3 "$TOP/selftests/knat/malformed.py" build "$dir" "$TMPDIR/ctx.$id" ||
	fail "cannot build the packets"
n=$((1000 / KNAT_SCALE))
# A case's frames go out faster than a slow router may take them: its
# CPU's backlog holds them all (a frame that overflowed it would be
# dropped without a reason, as routing's drops are).
backlog=$(sysctl -n net.core.netdev_max_backlog)
trap 'sysctl -qw net.core.netdev_max_backlog=$backlog; cleanup' EXIT
sysctl -qw net.core.netdev_max_backlog=$((2 * n + 1000))
$PY "$TOP/selftests/knat/malformed.py" run "$dir" "$n" > "$TMPDIR/cases.$id"
rc=$?
cat "$TMPDIR/cases.$id"
[ "$rc" = 0 ] || fail "packets not accounted for"
kinds=$(jq '[.cases[].kind] | unique | length' "$dir/cases.json")
figure "$kinds kinds of malformed and hostile packets, from a subscriber, to a live mapping, to an unmapped port and hairpinned: $(tail -n 1 "$TMPDIR/cases.$id" | sed 's/^# //'); no subscriber, block or mapping from outside"
exit $KSFT_PASS
