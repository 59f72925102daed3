#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink family under fuzzing (selftests/knat/nlfuzz.py): 100,000
# requests (10,000 on the debug kernel) built from the family's own
# policies, at and beyond the ends of every range, a quarter of them
# mutated, half of them by each of two fuzzers side by side.  Every
# request is answered; after every 1,000, the configuration equals that
# of a model namespace that made only the requests that succeeded; the
# kernel reports nothing.
# knat-timeout: 1200
. "$(dirname "$0")/lib.sh"
knat_load
# Two fuzzers side by side, one on each CPU, each with its own fuzzed
# namespace and model: half the requests each.  lib.sh removes all four.
for ns in "$RTR" "$SRVNS" "$SUB1" "$SUB2"; do
	ip netns add "$ns" && nsx "$ns" ip link set lo up || fail "netns $ns"
done
if [ "$KNAT_SCALE" -gt 1 ]; then n=10000; else n=100000; fi
# fuzz FUZZED MODEL COUNT [SEED]
fuzz() {
	$PY "$TOP/selftests/knat/nlfuzz.py" "$@" > "$TMPDIR/fuzz.$1.$id" 2>&1
}
seed=${KNAT_FUZZ_SEED:-}
fuzz "$RTR" "$SRVNS" $((n / 2)) $seed &
a=$!
fuzz "$SUB1" "$SUB2" $((n - n / 2)) ${seed:+$((seed + 1))} &
b=$!
wait $a; rca=$?
wait $b; rcb=$?
cat "$TMPDIR/fuzz.$RTR.$id" "$TMPDIR/fuzz.$SUB1.$id"
[ "$rca" = 0 ] && [ "$rcb" = 0 ] ||
	fail "a fuzzer found a difference (its seed is above; KNAT_FUZZ_SEED=S runs S and S+1)"
# "# N requests, M done; ..." of each, summed.
total=$(sed -n 's/^# \([0-9]*\) requests, \([0-9]*\) done;.*/\1 \2/p' \
	"$TMPDIR/fuzz.$RTR.$id" "$TMPDIR/fuzz.$SUB1.$id" |
	awk '{ r += $1; d += $2 } END { print r " requests, " d " done" }')
figure "$total, by two fuzzers side by side, each namespace equal to its model after every 1,000; $(sed -n 's/^# the model holds/at the end one model held/p' "$TMPDIR/fuzz.$RTR.$id")"
quiet "fuzzing"
exit $KSFT_PASS
