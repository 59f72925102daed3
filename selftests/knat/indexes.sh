#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The index-buckets gauge: the flow indexes grow with the flows they hold,
# at most 75% full once their growth is done, and keep their size when the
# flows are gone, as the admin guide says (the subscribers' index shrinks).
. "$(dirname "$0")/lib.sh"
setup block 1024 max-blocks 8

b0=$(stat index-buckets) || fail "no index-buckets in: $(natctl stats)"
# The three flow indexes, at least 64 buckets each in a new namespace.
[ "$b0" -ge 192 ] || fail "index-buckets is $b0 with no flow"

# 6,000 concurrent flows (1,500 on the debug kernel), each a mapping
# whose first session is its own, in two indexes.
flows=$((3000 / KNAT_SCALE))
churn $flows 1500
settled() { [ "$(stat translated-out)" = "$(stat mappings-created)" ] && [ "$(stat sessions)" -ge "$flows" ]; }
wait_for 30 settled || fail "flows not settled: $(natctl stats)"
n=$(stat sessions)
[ "$(stat mappings)" = "$n" ] || fail "$(stat mappings) mappings for $n sessions"

# rhashtable grows an index past 75% load from a work item, soon after:
# then each of the two holds at least 4/3 of a bucket per flow.
grown() { [ "$(stat index-buckets)" -ge $((8 * n / 3)) ]; }
wait_for 10 grown || fail "index-buckets $(stat index-buckets) for $n flows"
b1=$(stat index-buckets)
log "$n flows: index-buckets $b0 before, $b1 after"

natctl flush || fail "flush"
no_flows || fail "flush left $(stat mappings) mappings, $(stat sessions) sessions"
nap 2
grown || fail "index-buckets went from $b1 to $(stat index-buckets) without flows"
exit $KSFT_PASS
