#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug-kernel run, inside the VM: load knat.ko with its KUnit suites
# (they run on load), keep their KTAP, run the selftests, unload, and ask
# kmemleak for a report.  Results go to $KNAT_RESULTS.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
res=${KNAT_RESULTS:-/run/results}
export KNAT_KO=$top/build/debug/knat.ko KNAT_SCALE=4

insmod "$KNAT_KO" || echo "vm-debug: insmod failed"
dmesg > "$res/kunit.log"
"$top/selftests/run.sh"
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
