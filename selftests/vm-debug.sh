#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug-kernel run, inside the VM, in two parts (tools/check.sh runs
# the first beside the stock kernel's VM, the second alone):
#
#   vm-debug.sh first    load knat.ko with its KUnit suites (they run on
#                        load), keep their KTAP, run the selftests but the
#                        second part's
#   vm-debug.sh second   load knat.ko without them and run the tests whose
#                        traffic must keep pace with a flood, and teardown
#   vm-debug.sh          both, in one VM
#
# Each unloads knat and asks kmemleak for a report.  Results go to
# $KNAT_RESULTS.
set -u
part=${1:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
res=${KNAT_RESULTS:-/run/results}
export KNAT_KO=$top/build/debug/knat.ko KNAT_SCALE=4
# Without the KUnit suites, which run at every load: for teardown.sh.
export KNAT_KO_RELOAD=$top/build/debug-plain/knat.ko
# Tests take up to eight times as long here as on the stock kernel (one
# CPU, KASAN, lockdep): forward, 25 s there, needs over three minutes.
export KNAT_TEST_TIMEOUT=400

# The debug kernel runs eight times slower than the stock one (KASAN,
# lockdep and kmemleak under emulation), and its run must end beside the
# stock kernel's.  It runs the tests whose code paths the checkers watch
# and nothing else takes: the abuse suite at a quarter of its size
# (malformed packets, floods, the abusive subscriber, the netlink fuzzer
# and refusals, change under traffic), allocations that fail (faults,
# nlfaults: failslab, only here), and the lifetimes and concurrency of
# the state: the interface-address follower, pool drain, expiry, index
# growth, forwards and their timers, the router's own ICMP errors,
# conntrack beside knat (under_traffic takes "pool del now" and the
# event group here).  The tests of behaviour alone (the conformance
# tests, udp, tcp, icmp, deterministic, localports and the like) take
# paths those already take: KUnit and the stock kernel's run cover their
# logic.
first="malformed badinput nlfuzz nlfaults dumps faults ifaddr drain expiry
	indexes forward icmp_router conntrack"

# A steady flow beside a flood: on a CPU shared with another VM they
# lose datagrams that alone they do not.  And teardown, whose rounds of
# floods, namespace deletion and rmmod took over 900 s beside the stock
# kernel's VM, and 370 s alone.
paced="teardown abusive_sub inbound_flood inside_spoof spoofed churn under_traffic"

case $part in
first)
	tests=$first ;;
second)
	tests=$paced
	KNAT_KO=$KNAT_KO_RELOAD ;;
*)
	tests="$first $paced" ;;
esac
insmod "$KNAT_KO" || echo "vm-debug: insmod failed"
[ "$part" = second ] || dmesg > "$res/kunit.log"
"$top/selftests/run.sh" $tests
rc=$?
grep -q '^knat ' /proc/modules && { rmmod knat || echo "vm-debug: final rmmod failed"; }
if [ -w /sys/kernel/debug/kmemleak ]; then
	# Two scans a little apart: kmemleak reports what stays unreferenced.
	echo scan > /sys/kernel/debug/kmemleak
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$res/kmemleak.log"
else
	echo "kmemleak unavailable" > "$res/kmemleak.log"
fi
exit $rc
