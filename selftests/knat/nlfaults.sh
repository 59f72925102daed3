#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configuration requests when memory runs out: each slab allocation a
# request makes, generic netlink's and its reply's too, fails in turn
# (nlfaults.py).  A request answers, and is done or not done, never half;
# what it made and undid leaks nothing (kmemleak, in the debug run).
# Needs CONFIG_FAILSLAB: the debug kernel has it, Debian's does not.
. "$(dirname "$0")/lib.sh"
FS=/sys/kernel/debug/failslab

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -d "$FS" ] || skip "no failslab: the kernel was built without CONFIG_FAILSLAB"
setup

failslab_restore() { echo N > "$FS/cache-filter"; echo Y > "$FS/ignore-gfp-wait"; }
trap 'failslab_restore; cleanup' EXIT
echo 0 > "$FS/probability"
echo N > "$FS/cache-filter"
echo N > "$FS/ignore-gfp-wait"
echo 0 > "$FS/verbose"

nsx "$RTR" $PY "$TOP/selftests/knat/nlfaults.py" || fail "see above"
exit $KSFT_PASS
