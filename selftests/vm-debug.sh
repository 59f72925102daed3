#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug-kernel run, inside the VM: load knat.ko with its KUnit suites
# (they run on load), keep their KTAP, run the selftests, unload, and ask
# kmemleak for a report.  Results go to $KNAT_RESULTS.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
res=${KNAT_RESULTS:-/run/results}
export KNAT_KO=$top/build/debug/knat.ko KNAT_SCALE=4

# The debug kernel runs about three times slower: besides selftests/knat,
# only the conformance tests that reach code neither those nor KUnit do
# (ICMP errors and hairpinning through the hooks, exemptions).  KUnit
# covers address-dependent filtering, dependent mapping, the SYN hold,
# the subscriber limits, port overlapping and the checksums of translated
# ICMP errors; the stock-kernel run has every test.
conformance="rfc4787_req9_hairpin_udp rfc5382_req8_hairpin_tcp
	rfc5508_req4_icmp_error_outbound
	rfc5508_req5_icmp_error_inbound rfc5508_req7_hairpin_icmp_error
	rfc6888_req6_exempt"

insmod "$KNAT_KO" || echo "vm-debug: insmod failed"
dmesg > "$res/kunit.log"
# unsolicited's paths are KUnit's inbound_needs_a_mapping and the others'.
knat=$(cd "$top/selftests/knat" && ls *.sh | grep -vxE 'lib\.sh|unsolicited\.sh' | sed 's/\.sh$//')
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
