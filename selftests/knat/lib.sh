#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared topology and helpers for the knat selftests.
#
#   sub1 100.64.0.2 --- 100.64.0.1 [in1]              [out] 203.0.113.1 --- 203.0.113.2 srv
#                                    rtr (knat)
#   sub2 100.64.1.2 --- 100.64.1.1 [in2]
#
# rtr translates 100.64.0.0/10 to the pool 198.51.100.0/30, which srv
# routes back through rtr.  Namespace names are unique per run.
# kselftest exit codes: 0 pass, 1 fail, 4 skip.

set -u
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NATCTL=${NATCTL:-$TOP/tools/natctl/natctl}
# Python without site (-S): on the debug kernel, site's imports alone take
# two of the seconds each start costs; the helpers need only the standard
# library (pkt.py loads site itself before scapy).
PY="python3 -S"
PEER="$PY $TOP/selftests/knat/peer.py"
PKT="$PY $TOP/selftests/knat/pkt.py"
KNAT_KO=${KNAT_KO:-$TOP/build/stock/knat.ko}
# Heavy tests divide their packet counts by KNAT_SCALE: the debug kernel
# (KASAN, lockdep, under emulation) runs them at a quarter of the size.
KNAT_SCALE=${KNAT_SCALE:-1}
POOL=198.51.100.0/30
INSIDE=100.64.0.0/10
SRV=203.0.113.2

id=$$
RTR=knat-rtr-$id
SUB1=knat-sub1-$id
SUB2=knat-sub2-$id
SRVNS=knat-srv-$id
BGPIDS=()

log() { echo "# $*"; }
# figure TEXT: a result make robustness puts on its page
# (Documentation/robustness.rst): what was sent, how much, what held.
figure() { echo "# figure: $*"; }

fail() {
	echo "FAIL: $*"
	exit $KSFT_FAIL
}

skip() {
	echo "SKIP: $*"
	exit $KSFT_SKIP
}

cleanup() {
	local p
	for p in "${BGPIDS[@]+"${BGPIDS[@]}"}"; do
		kill "$p" 2>/dev/null
	done
	printf 'netns del %s\n' "$SUB1" "$SUB2" "$SRVNS" "$RTR" |
		ip -force -batch - 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 1' TERM INT

knat_load() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$NATCTL" ] || skip "natctl not built"
	if ! grep -q '^knat ' /proc/modules; then
		modprobe -q nf_defrag_ipv4 2>/dev/null
		insmod "$KNAT_KO" || fail "cannot load $KNAT_KO"
	fi
}

nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

natctl() {
	"$NATCTL" -n "$RTR" "$@"
}

# ipb NS: run the ip commands of stdin, one per line, in NS.  One process
# for many: on the debug kernel every exec costs about a second.
ipb() {
	ip -n "$1" -batch -
}

# end_host NS ADDR ROUTE: NS's eth0 gets ADDR, its route is ROUTE.
end_host() {
	ipb "$1" <<-EOF || fail "cannot set up $1"
	link set lo up
	addr add $2 dev eth0
	link set eth0 up
	route add $3
	EOF
}

# setup_net: the namespaces and links, knat loaded but not configured.
setup_net() {
	knat_load
	ip -batch - <<-EOF || fail "cannot make the namespaces"
	netns add $RTR
	netns add $SUB1
	netns add $SUB2
	netns add $SRVNS
	link add in1 netns $RTR type veth peer name eth0 netns $SUB1
	link add in2 netns $RTR type veth peer name eth0 netns $SUB2
	link add out netns $RTR type veth peer name eth0 netns $SRVNS
	EOF
	ipb "$RTR" <<-EOF || fail "cannot set up $RTR"
	link set lo up
	addr add 100.64.0.1/24 dev in1
	addr add 100.64.1.1/24 dev in2
	addr add 203.0.113.1/24 dev out
	link set in1 up
	link set in2 up
	link set out up
	EOF
	end_host "$SUB1" 100.64.0.2/24 "default via 100.64.0.1"
	end_host "$SUB2" 100.64.1.2/24 "default via 100.64.1.1"
	end_host "$SRVNS" 203.0.113.2/24 "$POOL via 203.0.113.1"
	nsx "$RTR" sysctl -qw net.ipv4.ip_forward=1
}

# setup [POOL-OPTION...]: and pool 1 of $POOL serving $INSIDE.
setup() {
	setup_net
	natctl pool add "$POOL" ports 1024-65535 "$@" || fail "pool add"
	natctl inside add "$INSIDE" || fail "inside add"
}

# refused CODE TEXT CMD...: CMD exits CODE (1: refused, 2: a usage error)
# with one line on stderr that says TEXT
refused() {
	local code=$1 text=$2 err rc
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	# Bash's own tests, no process: on the debug kernel each costs half a second.
	[ "$rc" = "$code" ] || fail "$* exited $rc, not $code: $err"
	[[ -n $err && $err != *$'\n'* ]] || fail "$*: not one line: $err"
	[[ ${err,,} == *"${text,,}"* ]] || fail "$*: '$err' does not say '$text'"
	log "refused: $* -> $err"
}

# whois_sub ADDR PORT: the subscriber natctl names for an external port.
# Does a datagram from FROM-ADDR:FROM-PORT (in $SRVNS) to EXT-ADDR:EXT-PORT
# reach INSIDE-PORT of $SUB1 within SECONDS?
udp_reaches() {	# udp_reaches INSIDE-PORT EXT-ADDR EXT-PORT FROM-ADDR FROM-PORT SECONDS
	local got=$TMPDIR/reach.$id
	bg_ready "$got" nsx "$SUB1" $PKT udp-recv "$1" "$6"
	nsx "$SRVNS" $PY -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$4', $5))
s.sendto(b'x', ('$2', $3))"
	wait "${BGPIDS[-1]}"
	heard "$got" | grep -q "^$4 $5 "
}

# df_mtu NS SPORT ADDR PORT: from NS, send 1400-byte datagrams with DF
# from SPORT to ADDR:PORT until the socket learns a smaller path MTU (from
# "fragmentation needed"), and print it; print nothing if it never does.
df_mtu() {
	nsx "$1" $PY -c "
import errno, socket, time
IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_MTU = 10, 2, 14
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
s.bind(('0.0.0.0', $2))
s.connect(('$3', $4))
for i in range(100):
    try:
        s.send(bytes(1400))
    except OSError as e:
        if e.errno == errno.EMSGSIZE:
            print(s.getsockopt(socket.IPPROTO_IP, IP_MTU))
            break
        raise
    time.sleep(0.1)"
}

# TCP hole punching: $SUB1 connects out from port 40000 to $SRV:8000 and
# listens on 40000 too, writing "ADDR PORT DATA" of each connection it
# accepts to OUT, to which it answers "welcome".
tcp_punch() {	# tcp_punch OUT
	serve "$SRVNS" tcp-server 8000
	bg nsx "$SUB1" $PY -c "
import socket
def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(('0.0.0.0', 40000))
    return s
l = sock()
l.listen(4)
c = sock()
c.connect(('$SRV', 8000))
print('ready', flush=True)
while True:
    a, peer = l.accept()
    a.settimeout(10)
    print(peer[0], peer[1], a.recv(100).decode(), flush=True)
    a.sendall(b'welcome')
    a.close()" > "$1"
	wait_for 60 ready "$1" || fail "the inside host could not connect out"
}

# From FROM-ADDR:FROM-PORT in $SRVNS, connect to EXT-ADDR:EXT-PORT, say
# hello and print the answer.
tcp_hello() {	# tcp_hello FROM-ADDR FROM-PORT EXT-ADDR EXT-PORT
	nsx "$SRVNS" $PY -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(10)
s.bind(('$1', $2))
s.connect(('$3', $4))
s.sendall(b'hello')
print(s.recv(100).decode())" 2> /dev/null
}

pool_filtering() {	# the first pool's TCP and UDP filtering
	natctl -j pool show | jq -r '.[0] | "\(."tcp-filtering") \(."udp-filtering")"'
}

whois_sub() {
	natctl -j whois "$1:$2" | jq -r .subscriber
}

# monitor FILE: natctl -j monitor into FILE until the test ends.
monitor() {
	bg "$NATCTL" -n "$RTR" -j monitor > "$1"
	sleep 0.5
}

# bg CMD...: CMD in the background, killed at exit.  nsx is spelt out,
# so that the pid kept is the command's own, not that of a subshell whose
# child would outlive the kill.
bg() {
	[ "$1" = nsx ] && set -- ip netns exec "${@:2}"
	"$@" &
	BGPIDS+=($!)
}

# bg_ready FILE CMD...: CMD in the background, its output in FILE, once it
# printed "ready" (a listener that takes its time to start under emulation)
bg_ready() {
	local f=$1
	shift
	# Emptied here: the background job opens it only when it runs, and a
	# "ready" left by an earlier listener must not be taken for its own.
	: > "$f"
	bg "$@" > "$f"
	wait_for 150 ready "$f" || fail "$* did not start"
}

# serve NS KIND ARGS...: a peer.py server (udp-server, tcp-server) in NS,
# in the background, once it is ready to answer
serve() {
	local ns=$1
	shift
	SERVED=$((${SERVED:-0} + 1))
	bg_ready "$TMPDIR/serve$SERVED.$id" nsx "$ns" $PEER "$@"
}

# heard FILE: what a bg_ready listener printed after "ready"
heard() {
	grep -v '^ready$' "$1"
}

# steady SECONDS [STOP]: sub2's established flow, 50 datagrams a second
# to the udp-server on port 9 of $SRV for SECONDS at least, and until
# file STOP exists; prints "SENT ANSWERED" (answers to its own
# datagrams, each once)
steady() {
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

# under NAME NS FLOOD-ARGS...: build/flood's packets from NS ($n of them,
# $rate a second) while sub2's established flow runs (steady, to a
# udp-server on port 9 of $SRV); then that flow lost nothing, and sub2
# opens a new flow.
under() {
	local name=$1 ns=$2 out=$TMPDIR/steady.$id stop=$TMPDIR/stop.$id
	local start=$SECONDS
	shift 2
	rm -f "$stop"
	steady 2 "$stop" > "$out" &
	BGPIDS+=($!)
	nsx "$ns" "$TOP/build/flood" -n "$n" -r "$rate" "$@" > /dev/null ||
		fail "$name: the flood failed"
	local took=$((SECONDS - start))
	touch "$stop"
	wait "${BGPIDS[-1]}"
	set -- $(cat "$out")
	figure "$name: $n packets in $took s (at most $rate a second); sub2's established flow sent $1, $2 answered"
	[ $# = 2 ] && [ "$1" -gt 0 ] || fail "$name: sub2's flow did not run"
	[ "$1" = "$2" ] || fail "$name: sub2's established flow lost $(($1 - $2)) of $1"
	nsx "$SUB2" $PEER udp-client "$SRV" 9 --sport $((42000 + RANDOM % 1000)) > /dev/null ||
		fail "$name: sub2's new flow failed"
}

# quiet WHAT: the kernel reported nothing (no BUG, WARNING, KASAN, lockdep
# or RCU report) since the test began.
quiet() {
	local rep
	rep=$(dmesg | tail -n +$((KMARK + 1)) |
	      grep -E 'BUG|WARNING|Oops|general protection|KASAN|circular locking|suspicious RCU|Call Trace')
	[ -z "$rep" ] || fail "$1: $(echo "$rep" | head -5)"
}
KMARK=$(dmesg | wc -l)

# churn FLOWS RATE: both subscribers send FLOWS one-datagram UDP flows
# each, RATE a second, to ports 9000-9039 of $SRV; returns when both are
# done.
churn() {
	local p1 p2
	bg nsx "$SUB1" $PEER udp-churn "$SRV" 40 "$1" "$2"
	p1=${BGPIDS[-1]}
	bg nsx "$SUB2" $PEER udp-churn "$SRV" 40 "$1" "$2"
	p2=${BGPIDS[-1]}
	wait "$p1" || fail "sub1's sender failed"
	wait "$p2" || fail "sub2's sender failed"
}

# no_flows: no mapping and no session left
no_flows() { [ "$(stat mappings)" = 0 ] && [ "$(stat sessions)" = 0 ]; }

# blocks_free: the pool holds no block, cooling or not, and counts no
# mapping
blocks_free() { natctl pool show | grep -q " active 0 cooling-blocks 0 .*mappings 0$"; }

# all_released: within 30 s no flow is left, within 15 s more the blocks
# are free, and no subscriber is left; the test fails otherwise.
all_released() {
	wait_for 30 no_flows ||
		fail "left: $(stat mappings) mappings, $(stat sessions) sessions"
	wait_for 15 blocks_free || fail "blocks still held: $(natctl pool show)"
	[ -z "$(natctl subscriber show)" ] || fail "subscribers left: $(natctl subscriber show)"
}

# stat NAME: one counter (natctl stats prints "NAME VALUE" lines)
stat() {
	natctl stats | awk -v n="$1" '$1 == n { print $2; found = 1 } END { exit !found }'
}

# lost NS: the packets NS's eth0 could not hand to the router (its
# backlog was full: a debug-kernel router falls seconds behind a flood)
lost() {
	nsx "$1" cat /sys/class/net/eth0/statistics/tx_dropped
}

# nap SECONDS: sleep without a process (on the debug kernel, starting
# one takes half a second): a read that times out on a FIFO nobody
# writes to.
mkfifo "${TMPDIR:-/tmp}/nap.$id"
exec {NAP}<> "${TMPDIR:-/tmp}/nap.$id"
rm -f "${TMPDIR:-/tmp}/nap.$id"
nap() {
	read -r -t "$1" -u "$NAP" || :
}

# ready FILE: FILE has a line "ready" (read without a process, as nap)
ready() {
	local l
	while IFS= read -r l; do
		[ "$l" = ready ] && return 0
	done < "$1"
	return 1
}

# wait_for SECONDS CMD...: poll until CMD succeeds, for SECONDS of wall
# clock however slow CMD is (on the debug kernel, very)
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		nap 0.1
	done
}

in_pool() {	# in_pool ADDR: inside 198.51.100.0/30
	case $1 in 198.51.100.[0-3]) return 0 ;; esac
	return 1
}

# first_of OBJECT FIELD FIELD PROTO INSIDE-ADDR INSIDE-PORT: the two fields
# of the first mapping or session natctl shows of that inside endpoint
first_of() {
	natctl -j "$1" show | jq -e -r --arg f "$2" --arg g "$3" --arg p "$4" \
		--arg a "$5" --argjson n "$6" \
		'first(.[] | select(.proto == $p and ."inside-addr" == $a and ."inside-port" == $n)) |
		"\(.[$f]) \(.[$g])"'
}

# ext_of PROTO INSIDE-ADDR INSIDE-PORT: "ADDR PORT" of that mapping
ext_of() {
	first_of mapping external-addr external-port "$@"
}

session_of() {	# session_of PROTO INSIDE-ADDR INSIDE-PORT: "STATE EXPIRES-MS"
	first_of session state expires-ms "$@"
}

expires_of() {	# expires_of PROTO INSIDE-ADDR INSIDE-PORT: ms left of its first session
	local v
	v=$(session_of "$@") || return 1
	echo "${v#* }"
}
