#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the stock-kernel VM (tools/bench/run.sh starts it).
#
#   cli [c0] --- [in] rtr [out] --- [s0] snk
#
# pktgen in cli sends 64-byte UDP frames (60 bytes and the FCS) from
# 100.64.0.0/10 to 192.0.2.0/24; rtr routes them to snk by plain routing,
# by nftables masquerade (conntrack + nf_nat) or by knat; snk has none of
# the destinations and does not forward, so it drops them right after
# counting them on s0.  The VM has one vCPU, whose clock counts the
# instructions it executes (tools/vm/run.sh -i): pktgen's transmit runs
# rtr's and snk's receive before it returns, so a packet is made, routed
# and counted before the next, the rate is the inverse of all that costs,
# and 1/pps - 1/pps(plain routing) is what the NAT adds to a packet, in
# instructions (1 ns each), whatever else the host runs.  Each run gets
# a fresh rtr.  Results are JSON lines in $BENCH_OUT (one object per
# measurement); tools/bench/report.py turns them into
# Documentation/bench.rst and its plots.
#
# Environment: BENCH_OUT (file), BENCH_REPS (default 5), BENCH_COUNT
# (packets per forwarding run, default from a calibration run).
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
NATCTL=$TOP/tools/natctl/natctl
KNAT_KO=${KNAT_KO:-$TOP/build/stock/knat.ko}
OUT=${BENCH_OUT:-/run/results/bench.jsonl}
REPS=${BENCH_REPS:-5}
CFGS="plain nft knat"
KNAT_HASHSIZE=131072
TRACE=/sys/kernel/tracing

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }
res() { echo "$*" >> "$OUT"; }

nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

natctl() { "$NATCTL" -n rtr "$@"; }

# netns_del: remove the bench's namespaces, those there are.
netns_del() {
	local ns
	for ns in cli rtr snk; do
		ip netns del "$ns" 2>/dev/null
	done
}

# cpu_times: "IDLE TOTAL", the jiffies the CPUs spent idle (iowait too)
# and in all, from /proc/stat: user to steal.
cpu_times() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print $5 + $6, t }' /proc/stat
}

# quiet: wait (30 s at most) for a second in which the CPU was idle 90%
# of the time: what the last run left to do in the background is done.
quiet() {
	local a b
	for _ in $(seq 30); do
		a=$(cpu_times)
		sleep 1
		b=$(cpu_times)
		set -- $a $b
		[ $(( ($3 - $1) * 10 )) -lt $(( ($4 - $2) * 9 )) ] || return 0
	done
	log "the CPU did not become idle"
}

# topo CFG [POOL-OPTION...]: fresh namespaces with CFG on rtr.
topo() {
	local cfg=$1 ns
	shift
	netns_del
	# Namespace teardown is asynchronous (conntrack's and knat's flows
	# of the last run go in a workqueue): let it finish before counting.
	quiet
	for ns in cli rtr snk; do
		ip netns add "$ns" && nsx "$ns" ip link set lo up || die "netns $ns"
	done
	ip link add c0 netns cli type veth peer name in netns rtr
	ip link add out netns rtr type veth peer name s0 netns snk
	nsx cli ip link set c0 up
	nsx rtr ip addr add 100.64.0.1/10 dev in
	nsx rtr ip addr add 203.0.113.1/24 dev out
	nsx rtr ip link set in up
	nsx rtr ip link set out up
	nsx snk ip addr add 203.0.113.2/24 dev s0
	nsx snk ip link set s0 up
	nsx rtr ip route add 192.0.2.0/24 via 203.0.113.2
	nsx rtr sysctl -qw net.ipv4.ip_forward=1
	nsx rtr ping -q -c 1 -W 5 203.0.113.2 >/dev/null || die "no path to snk"
	case $cfg in
	plain) ;;
	nft)
		nsx rtr nft -f - <<-'NFT' || die "nft"
		table ip nat {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "out" masquerade
			}
		}
		NFT
		# Flows that see no reply stay unreplied: keep them for the run.
		nsx rtr sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
		;;
	knat)
		natctl pool add "${KNAT_POOL:-198.51.100.0/24}" "$@" ||
			die "pool add"
		natctl inside add 100.64.0.0/10 || die "inside add"
		natctl config set max-sessions 4194304 udp-timeout 600 ||
			die "config"
		;;
	esac
	RTR_MAC=$(nsx rtr cat /sys/class/net/in/address)
}

# pg KEY VALUE...: configure the pktgen device c0 in cli.
pg() {
	pgdev cli c0 "$@"
}

# pgdev NS DEV KEY VALUE...: configure the pktgen device DEV in NS.
pgdev() {
	local ns=$1 dev=$2
	shift 2
	nsx "$ns" sh -c "echo '$*' > /proc/net/pktgen/$dev" || die "pktgen $dev: $*"
}

# pg_attach NS DEV: DEV is the only device of NS's pktgen thread.
pg_attach() {
	nsx "$1" sh -c "echo rem_device_all > /proc/net/pktgen/kpktgend_0; echo 'add_device $2' > /proc/net/pktgen/kpktgend_0" ||
		die "pktgen add_device $2"
}

# flows NAME: the pktgen header ranges of a traffic mix.  Sequential
# pktgen advances every range by one per packet, so ranges of coprime
# sizes visit every combination once per product: WARM packets visit all
# flows of a mix (see warm), whose random phase then draws from them.
flows() {
	WARM=
	pg "flag !IPSRC_RND"
	pg "flag !UDPSRC_RND"
	pg "flag !UDPDST_RND"
	pg "flag !IPDST_RND"
	case $1 in
	one)	# one flow
		WARM=10
		set -- 100.64.0.2 100.64.0.2 10000 10000 9 9 192.0.2.1 192.0.2.1 ;;
	est)	# 64 subscribers x 1001 remote ports = 64,064 flows
		WARM=64064
		set -- 100.64.0.2 100.64.0.65 10000 10000 1000 2001 192.0.2.1 192.0.2.1 ;;
	new)	# 4096 subscribers x 32,256 source ports x 254 remotes
		# (100.64.0.1 is rtr's: no subscriber); see warm_new
		set -- 100.64.0.2 100.64.16.2 33280 65535 9 9 192.0.2.1 192.0.2.255 ;;
	mem)	# 4096 x 4097 x 251, sequential: every packet a new flow
		set -- 100.64.0.2 100.64.16.1 1024 5121 9 9 192.0.2.1 192.0.2.251 ;;
	big)	# 256 subscribers x 4097 source ports = 1,048,832 flows
		WARM=1048832
		set -- 100.64.0.2 100.64.1.1 1024 5121 9 9 192.0.2.1 192.0.2.1 ;;
	small)	# 8 x 129 = 1,032 flows
		WARM=1032
		set -- 100.64.0.2 100.64.0.9 1024 1153 9 9 192.0.2.1 192.0.2.1 ;;
	*) die "no mix $1" ;;
	esac
	pg "src_min $1"
	pg "src_max $2"
	pg "udp_src_min $3"
	pg "udp_src_max $4"
	pg "udp_dst_min $5"
	pg "udp_dst_max $6"
	pg "dst_min $7"
	pg "dst_max $8"
}

# warm MIX: set up a mix and establish its flows: twice, at a rate every
# configuration sustains for new flows, so none is lost to a full backlog.
warm() {
	flows "$1"
	[ "$1" != new ] || warm_new
	[ -n "$WARM" ] || return 0
	pg "ratep 15000"
	send "$WARM" >/dev/null
	send "$WARM" >/dev/null
	pg "delay 0"
}

# Flows the new mix makes before it is measured, and the most it is
# measured with: knat's flow indexes double to 524,288 buckets at 196,608
# entries and again at 393,216.
NEW_WARM=205000
NEW_MAX=185000

# warm_new: make NEW_WARM flows from the source ports the new mix does
# not use, at a rate every configuration sustains for new flows, set the
# mix's own ports again, and let the rehashing the flows start finish.
# Conntrack's table was sized at load; this way knat's indexes have grown
# to what the measured flows need before they are measured, too.
warm_new() {
	pg "udp_src_min 1024"
	pg "udp_src_max 33279"
	pg "ratep 40000"
	send "$NEW_WARM" >/dev/null
	pg "delay 0"
	flows new
	sleep 1
}

random() {
	pg "flag IPSRC_RND"
	pg "flag UDPSRC_RND"
	pg "flag UDPDST_RND"
	pg "flag IPDST_RND"
}

pg_setup() {
	pg_attach cli c0
	pg "pkt_size 60"
	pg "delay 0"
	pg "clone_skb 0"
	pg "burst 1"
	pg "dst_mac $RTR_MAC"
}

rx() { nsx snk cat /sys/class/net/s0/statistics/rx_packets; }

# send COUNT: run pktgen to the end; prints the packets snk received per
# second of the run.
send() {
	local before after usec
	pg "count $1"
	before=$(rx)
	nsx cli sh -c 'echo start > /proc/net/pktgen/pgctrl' || die "pktgen start"
	after=$(rx)
	usec=$(nsx cli cat /proc/net/pktgen/c0 | sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p')
	if [ -z "$usec" ] || [ "$usec" = 0 ]; then
		nsx cli cat /proc/net/pktgen/c0 >&2
		die "pktgen gave no result"
	fi
	echo $(( (after - before) * 1000000 / usec ))
}

# gauge NAME: one counter of natctl stats; one process (natctl), as
# observe polls it
gauge() {
	local k v
	while read -r k v; do
		[ "$k" = "$1" ] && echo "$v"
	done <<< "$(natctl stats)"
}

# forwarding: every mix, every configuration, interleaved.
bench_forward() {
	local rep mix cfg pps n
	for rep in $(seq "$REPS"); do
		for mix in ${BENCH_MIXES:-one est new}; do
			for cfg in $CFGS; do
				topo "$cfg"
				pg_setup
				warm "$mix"
				n=$COUNT
				if [ "$mix" = new ]; then
					[ "$n" -le "$NEW_MAX" ] || n=$NEW_MAX
					[ "$cfg" != knat ] ||
						log "new flows: knat's index-buckets $(gauge index-buckets) after warm-up"
				else
					random
				fi
				pps=$(send "$n")
				log "forward rep $rep $mix $cfg: $pps pps"
				res "{\"phase\":\"forward\",\"mix\":\"$mix\",\"cfg\":\"$cfg\",\"rep\":$rep,\"pps\":$pps}"
			done
		done
	done
}

# flood: an established flow's forwarding while a flood from spoofed
# outside sources hits unmapped ports of the pool at half the rate the
# flow reaches alone; knat drops the flood (drop-no-mapping), or, in the
# run it is compared with, an nftables rule drops it at the same hook
# just before knat (priority -251), the cheapest drop there is.  The
# flood comes from pktgen on rtr's interface fl in netif_receive mode
# (as if received there), in bursts of FLOOD_BURST at most 10,000 a
# second, so that its thread sleeps between them instead of spinning.
FLOOD_BURST=16

bench_flood() {
	local rep drop alone under rate sent
	for rep in $(seq "$REPS"); do
		for drop in nft knat; do
			topo knat
			flood_setup "$drop"
			pg_setup
			warm one
			alone=$(send "$COUNT")
			rate=$((alone / 2))
			flood_start "$rate"
			under=$(send "$COUNT")
			sent=$(flood_stop)
			log "flood rep $rep, dropped by $drop: $alone pps alone, $under under $sent pps of flood"
			res "{\"phase\":\"flood\",\"drop\":\"$drop\",\"rep\":$rep,\"alone\":$alone,\"under\":$under,\"flood_pps\":$sent}"
		done
	done
}

# flood_setup DROP: the interface the flood comes in on, and for DROP nft
# the rule that drops it before knat.
flood_setup() {
	nsx rtr ip link add fl type dummy || die "fl"
	nsx rtr ip addr add 198.18.0.1/15 dev fl
	nsx rtr ip link set fl up
	[ "$1" = nft ] || return 0
	nsx rtr nft -f - <<-'NFT' || die "nft flood rule"
	table ip flood {
		chain pre {
			type filter hook prerouting priority -251;
			iifname "fl" drop
		}
	}
	NFT
}

# pgf KEY VALUE...: configure the flood's pktgen device fl in rtr.
pgf() {
	pgdev rtr fl "$@"
}

# flood_start PPS: UDP from 198.18.0.0/15 to random ports of the pool.
flood_start() {
	local bursts=$(($1 / FLOOD_BURST))
	pg_attach rtr fl
	pgf "xmit_mode netif_receive"
	pgf "pkt_size 60"
	pgf "clone_skb 0"
	pgf "burst $FLOOD_BURST"
	pgf "count 0"
	pgf "dst_mac $(nsx rtr cat /sys/class/net/fl/address)"
	pgf "src_min 198.18.0.2"
	pgf "src_max 198.19.255.254"
	pgf "dst_min 198.51.100.1"
	pgf "dst_max 198.51.100.254"
	pgf "udp_src_min 1024"
	pgf "udp_src_max 65535"
	pgf "udp_dst_min 1024"
	pgf "udp_dst_max 65535"
	pgf "flag IPSRC_RND"
	pgf "flag IPDST_RND"
	pgf "flag UDPSRC_RND"
	pgf "flag UDPDST_RND"
	pgf "ratep $((bursts > 0 ? bursts : 1))"
	nsx rtr sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	FLOOD_PID=$!
	sleep 1
}

# flood_stop: stop the flood; prints the packets a second it sent.
flood_stop() {
	nsx rtr sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait "$FLOOD_PID"
	nsx rtr cat /proc/net/pktgen/fl | sed -n 's/^ *\([0-9]*\)pps .*/\1/p'
}

slab_bytes() {
	awk 'NR > 2 { s += $3 * $4 } END { printf "%d\n", s }' /proc/slabinfo
}

memfree() { awk '$1 == "MemFree:" { print $2 * 1024 }' /proc/meminfo; }

# kmem: the kernel's slab pages (with kmalloc's large allocations) and
# vmalloc pages, where hash tables' bucket arrays are, whichever of the
# two kvmalloc() took them from.
kmem() {
	awk '$1 == "Slab:" || $1 == "VmallocUsed:" { s += $2 } END { print s * 1024 }' /proc/meminfo
}

# settle: drop the page cache, then wait (60 s at most) until MemFree
# holds within 256 KiB for a second.  A namespace's teardown, index
# resizes and RCU callbacks finish after the commands that started them
# return: memory they free during a measurement would be taken off the
# flows', memory they take added to it.
settle() {
	local a b
	sync
	echo 3 > /proc/sys/vm/drop_caches
	b=$(memfree)
	for _ in $(seq 60); do
		sleep 1
		a=$b
		b=$(memfree)
		[ $((a > b ? a - b : b - a)) -ge 262144 ] || return 0
	done
	log "memory: MemFree did not settle"
}

# bucket_areas: bytes of the vmalloc areas rhashtable's bucket arrays
# are in, one guard page each left out (kmalloc'd arrays are in Slab).
bucket_areas() {
	awk '$3 ~ /^bucket_table_alloc/ { s += $2 - 4096 } END { printf "%d\n", s }' /proc/vmallocinfo
}

# buckets CFG: the buckets of the NAT's indexes that grow (conntrack's
# table is allocated at load)
buckets() {
	case $1 in
	knat) gauge index-buckets ;;
	nft) echo 0 ;;
	esac
}

flow_count() {
	case $1 in
	knat) gauge sessions ;;
	nft) nsx rtr cat /proc/sys/net/netfilter/nf_conntrack_count ;;
	esac
}

# memory: kernel memory per flow, new flows at a rate the NATs sustain:
# 200,000, just past the 196,608 at which knat's indexes double to 524,288
# buckets, and 390,000, just short of the 393,216 at which they double
# again: the most and the least its buckets cost a flow.
bench_memory() {
	local cfg count
	knat_load 0
	for count in 200000 390000; do
		for cfg in knat nft; do
			memory_of "$cfg" "$count"
		done
	done
	knat_load "$KNAT_HASHSIZE"
}

# memory_of CFG FLOWS: one reading
memory_of() {
	local cfg=$1 s0 m0 a0 b0 s1 m1 a1 b1 n
	topo "$cfg"
	pg_setup
	flows mem
	settle
	s0=$(slab_bytes)
	m0=$(kmem)
	a0=$(bucket_areas)
	b0=$(buckets "$cfg")
	pg "ratep 15000"
	send "$2" >/dev/null
	settle
	s1=$(slab_bytes)
	m1=$(kmem)
	a1=$(bucket_areas)
	b1=$(buckets "$cfg")
	n=$(flow_count "$cfg")
	log "memory $cfg: $n flows, slab $((s1 - s0)) B, kernel $((m1 - m0)) B, buckets $((8 * (b1 - b0))) B in $((a1 - a0)) B of vmalloc"
	res "{\"phase\":\"memory\",\"cfg\":\"$cfg\",\"flows\":$n,\"slab\":$((s1 - s0)),\"kernel\":$((m1 - m0)),\"buckets\":$((8 * (b1 - b0))),\"bucket_areas\":$((a1 - a0))}"
}

# trace_on FUNCTION... / trace_off / trace_durations FUNCTION: function_graph
# times of functions of knat.ko, in microseconds, one per line.
trace_on() {
	mountpoint -q "$TRACE" || mount -t tracefs nodev "$TRACE" || die "tracefs"
	echo 0 > "$TRACE/tracing_on"
	echo nop > "$TRACE/current_tracer"
	echo 65536 > "$TRACE/buffer_size_kb"
	echo "$*" > "$TRACE/set_ftrace_filter" || die "cannot trace $*"
	echo function_graph > "$TRACE/current_tracer"
	echo 1 > "$TRACE/options/funcgraph-tail"
	echo > "$TRACE/trace"
	echo 1 > "$TRACE/tracing_on"
}

trace_off() {
	echo 0 > "$TRACE/tracing_on"
	cat "$TRACE/trace" > /tmp/trace.txt
	echo nop > "$TRACE/current_tracer"
	echo > "$TRACE/set_ftrace_filter"
}

# A call is one line, "f();" or, when others nest in it, ends on "} /* f */".
trace_durations() {
	grep -E " $1( \[knat\])?(\(\);| \*/)" /tmp/trace.txt |
		grep -oE '[0-9]+\.[0-9]+ us' | awk '{ print $1 }'
}

stats_of() {	# count, median, max of numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%d %s %s\n", NR, v[int((NR + 1) / 2)], v[NR]; else print "0 0 0" }'
}

# alloc: the time to find an external port at 1% and 99% occupancy of a
# one-block pool (every port of one address).
bench_alloc() {
	KNAT_POOL=198.51.100.1/32 topo knat ports 1024-65535 block 64512 max-blocks 1
	pg_setup
	alloc_fill 1024 1669		# 645 ports: 1%
	alloc_measure 1 1669 1969
	alloc_fill 1969 64891		# 63,867 ports: 99%
	alloc_measure 99 64891 65191
}

# alloc_fill LO HI: new flows from source ports [LO, HI) of one subscriber.
alloc_fill() {
	flows one
	pg "udp_src_min $1"
	pg "udp_src_max $2"
	pg "ratep 15000"
	send $(($2 - $1)) >/dev/null
}

# alloc_measure PERCENT LO HI: time the allocations of flows from [LO, HI).
alloc_measure() {
	local pct=$1 used st
	used=$(gauge mappings)
	trace_on knat_sub_alloc
	alloc_fill "$2" "$3"
	trace_off
	st=$(trace_durations knat_sub_alloc | stats_of)
	log "alloc at $pct%: $used mappings, calls/median/max us: $st"
	set -- $st
	res "{\"phase\":\"alloc\",\"occupancy\":$pct,\"mappings\":$used,\"calls\":$1,\"median_us\":$2,\"max_us\":$3}"
}

# now_ms: set $ms to the wall clock's milliseconds (no process)
now_ms() { ms=${EPOCHREALTIME/./}; ms=$((ms / 1000)); }

# observe SECONDS LIMIT: while pktgen runs, poll the mappings every 0.2 s
# until at most LIMIT are left or SECONDS have passed; prints snk's
# packets per second over that time, the milliseconds it took and the
# mappings left.  A poll execs one process (natctl) and sleeps without
# one: the CPUs it shares are the router's and the GC's, whose work is
# measured.  Polling loads the CPU alike in every window compared.
observe() {
	local r0 r1 t0 ms left tick
	[ -p /tmp/tick ] || mkfifo /tmp/tick || die "mkfifo"
	exec {tick}<> /tmp/tick		# never has data: read -t sleeps
	r0=$(rx)
	now_ms
	t0=$ms
	while :; do
		left=$(gauge mappings)
		now_ms
		[ "$left" -gt "$2" ] && [ $((ms - t0)) -lt $(($1 * 1000)) ] ||
			break
		read -rt 0.2 -u "$tick"
	done
	exec {tick}<&-
	r1=$(rx)
	now_ms
	echo "$(( (r1 - r0) * 1000 / (ms - t0) )) $((ms - t0)) $left"
}

# scale: forwarding with 1k and with 1M mappings, then GC of 1M at once.
bench_scale() {
	local mix n pps rep
	for mix in small big; do
		topo knat ports 1024-65535 block 512 max-blocks 16
		pg_setup
		warm "$mix"
		n=$(gauge mappings)
		random
		for rep in $(seq "$REPS"); do
			pps=$(send "$COUNT")
			log "scale $mix: $n mappings, $pps pps"
			res "{\"phase\":\"scale\",\"mappings\":$n,\"rep\":$rep,\"pps\":$pps}"
		done
	done
	bench_gc
}

# gc: with 1M mappings in place and one flow running, make them all
# expire at once; time until they are gone, the GC runs (knat_gc_work) and
# the batches of removals they are made of (knat_sessions_unlink: one
# critical section each, timed inside the lock: the softirqs that run when
# it is released are not in it), and forwarding during the sweep against
# before it: the CPU the GC takes is the traffic's.
bench_gc() {
	local n before during runs batches over times
	n=$(gauge mappings)
	flows one
	pg "src_min 100.64.200.1"
	pg "src_max 100.64.200.1"
	pg "count 0"
	nsx cli sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	sleep 2
	before=$(observe 10 -1)
	trace_on knat_gc_work knat_sessions_unlink
	natctl config set udp-timeout 1
	during=$(observe 300 1)
	trace_off
	runs=$(trace_durations knat_gc_work | stats_of)
	times=$(trace_durations knat_sessions_unlink)
	batches=$(stats_of <<< "$times")
	over=$(awk '$1 > 1000 { n++ } END { print n + 0 }' <<< "$times")
	nsx cli sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait
	set -- $before $during $runs $batches "$over"
	log "gc: $n mappings, gone in $5 ms ($6 left); runs/median/max us: $7 $8 $9; batches: ${10} ${11} ${12}, ${13} over 1 ms; pps $1 -> $4"
	res "{\"phase\":\"gc\",\"mappings\":$n,\"left\":$6,\"ms\":$5,\"runs\":$7,\"median_us\":$8,\"max_us\":$9,\"batches\":${10},\"batch_median_us\":${11},\"batch_max_us\":${12},\"batches_over_1ms\":${13},\"pps_before\":$1,\"pps_during\":$4}"
}

# knat_load HASHSIZE: (re)load knat.ko, its flow indexes starting with
# HASHSIZE buckets (0: from the smallest).
knat_load() {
	[ "$(cat /sys/module/knat/parameters/hashsize 2>/dev/null)" != "$1" ] ||
		return 0
	netns_del
	rmmod knat 2>/dev/null
	insmod "$KNAT_KO" hashsize="$1" || die "cannot load $KNAT_KO"
}

main() {
	[ "$(id -u)" = 0 ] || die "needs root"
	modprobe pktgen || die "no pktgen"
	modprobe nf_conntrack || die "no conntrack"
	modprobe nf_defrag_ipv4
	# Both NATs sized for the flows they are given, as an operator would:
	# conntrack's table fixed at 262,144 buckets, knat's indexes starting
	# at 131,072, the most rhashtable starts with (they grow from there).
	# The memory phase gives knat indexes that grow from the smallest, so
	# that their buckets count in the flows' memory.
	knat_load "$KNAT_HASHSIZE"
	sysctl -qw net.netfilter.nf_conntrack_max=4194304
	sysctl -qw net.netfilter.nf_conntrack_buckets=262144
	: > "$OUT"
	res "{\"phase\":\"env\",\"kernel\":\"$(uname -r)\",\"cpus\":$(nproc),\"icount\":${KNAT_VM_ICOUNT:-0},\"mem_kb\":$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo),\"date\":\"$(date -u +%Y-%m-%d)\",\"knat_hashsize\":$KNAT_HASHSIZE,\"ct_buckets\":$(cat /proc/sys/net/netfilter/nf_conntrack_buckets),\"new_warm\":$NEW_WARM}"
	if [ -z "${BENCH_COUNT:-}" ]; then
		topo plain
		pg_setup
		flows one
		BENCH_COUNT=$(( $(send 100000) * 2 ))
		log "calibration: $BENCH_COUNT packets per run"
	fi
	COUNT=$BENCH_COUNT
	for phase in ${BENCH_PHASES:-forward memory alloc scale flood}; do
		"bench_$phase"
	done
	netns_del
	log "done"
}

main "$@"
