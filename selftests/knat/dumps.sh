#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A dump resumes after the last entry it sent, not at its position: a
# forward removed between two parts of "forward show" makes no other
# forward be skipped (dumps.py).
. "$(dirname "$0")/lib.sh"
setup

out=$($PY "$TOP/selftests/knat/dumps.py" "$RTR" 400 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ "$rc" = 0 ] || fail "the forward dump: $out"
[ "$(natctl -j forward show | jq length)" = 399 ] || fail "natctl does not show 399 forwards"
exit $KSFT_PASS
