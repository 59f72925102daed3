#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug-kernel run, inside the VM: load knat.ko with its KUnit suites
# (they run on load), keep their KTAP, run the selftests, unload, and ask
# kmemleak for a report.  Results go to $KNAT_RESULTS.
set -u
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

insmod "$KNAT_KO" || echo "vm-debug: insmod failed"
dmesg > "$res/kunit.log"
# floods.sh is the stock kernel's: the debug kernel delivers a few hundred
# of its packets a second; inbound_flood and spoofed take its paths here.
knat=$(cd "$top/selftests/knat" && ls *.sh | grep -vx 'lib\.sh\|floods\.sh' | sed 's/\.sh$//')
"$top/selftests/run.sh" $knat $conformance
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
