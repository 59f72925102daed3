#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug-kernel run, inside the VM, in two parts (tools/check.sh runs
# the first beside the stock kernel's VM, the second alone):
#
#   vm-debug.sh first    load knat.ko with its KUnit suites (they run on
#                        load), keep their KTAP, run the selftests but the
#                        second part's
#   vm-debug.sh second   load knat.ko without them and run the tests whose
#                        traffic must keep pace with a flood
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

# The debug kernel runs about six times slower: besides selftests/knat,
# the conformance tests that take paths through the hooks the others do
# not: ICMP errors and hairpinning, exemptions, filtering, refusals at the
# subscriber limits (with their ICMP and events), port overlapping and
# PCP's timed forwards.  Dependent mapping and low blocks take no path of
# their own there: KUnit covers them (mapping_adm, mapping_apdm,
# low_ports_*), as it does the SYN hold, whose test needs more than three
# minutes.  The stock-kernel run has every test.
conformance="rfc4787_req9_hairpin_udp rfc5382_req8_hairpin_tcp
	rfc5508_req4_icmp_error_outbound
	rfc5508_req5_icmp_error_inbound rfc5508_req7_hairpin_icmp_error
	rfc6888_req6_exempt rfc4787_req8_adf_udp rfc6888_req4_port_limit
	rfc6888_req5_session_limit rfc7857_s3_port_overlapping
	rfc6888_req9_pcp"

# A steady flow beside a flood: on a CPU shared with another VM they
# lose datagrams that alone they do not.
paced="abusive_sub inbound_flood inside_spoof spoofed churn under_traffic"

# floods.sh is the stock kernel's: the debug kernel delivers a few hundred
# of its packets a second; inbound_flood and spoofed take its paths here.
knat=$(cd "$top/selftests/knat" && ls *.sh | grep -vx 'lib\.sh\|floods\.sh' | sed 's/\.sh$//')
case $part in
first)
	tests=$(for t in $knat; do echo " $paced " | grep -q " $t " || echo "$t"; done)
	tests="$tests $conformance" ;;
second)
	tests=$paced
	KNAT_KO=$KNAT_KO_RELOAD ;;
*)
	tests="$knat $conformance" ;;
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
