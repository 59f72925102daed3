#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink family under fuzzing (selftests/knat/nlfuzz.py): 100,000
# requests (10,000 on the debug kernel) built from the family's own
# policies, at and beyond the ends of every range, a quarter of them
# mutated.  Every request is answered; after every 1,000, the
# configuration equals that of a model namespace that made only the
# requests that succeeded; the kernel reports nothing.
# knat-timeout: 1200
. "$(dirname "$0")/lib.sh"
knat_load
# The fuzzed namespace is the router's, the model srv's: lib.sh removes both.
ip netns add "$RTR" && ip netns add "$SRVNS" || fail "netns add"
nsx "$RTR" ip link set lo up && nsx "$SRVNS" ip link set lo up || fail "lo"
if [ "$KNAT_SCALE" -gt 1 ]; then n=10000; else n=100000; fi
$PY "$TOP/selftests/knat/nlfuzz.py" "$RTR" "$SRVNS" $n ${KNAT_FUZZ_SEED:-} > "$TMPDIR/fuzz.$id" ||
	fail "the fuzzer found a difference (its seed is above): $(cat "$TMPDIR/fuzz.$id")"
cat "$TMPDIR/fuzz.$id"
figure "$(sed -n 's/^# \([0-9]* requests, [0-9]* done\);.*/\1/p' "$TMPDIR/fuzz.$id"), the model equal after every 1,000; $(sed -n 's/^# the model holds/at the end the model held/p' "$TMPDIR/fuzz.$id")"
quiet "fuzzing"
exit $KSFT_PASS
