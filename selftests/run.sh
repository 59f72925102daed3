#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the knat selftests (inside a VM: tools/vm/run.sh) and print one TAP
# line per test; exit 1 if any failed.
#   selftests/run.sh [TEST...]      default: every selftests/knat/*.sh and
#                                   selftests/conformance/*.sh
# Each test has KNAT_TEST_TIMEOUT seconds (default 180) to finish, or
# more where its script says so in a line "# knat-timeout: SECONDS".
# A TEST is named without .sh, e.g. udp or rfc4787_req9_hairpin_udp;
# "knat" and "conformance" stand for all the tests of that directory.
set -u
top=$(cd "$(dirname "$0")" && pwd)

names() {	# names DIR: the tests in selftests/DIR
	(cd "$top/$1" && ls *.sh | grep -v '^lib\.sh$' | sed 's/\.sh$//')
}

path() {	# path TEST: its script
	local d
	for d in knat conformance; do
		[ -f "$top/$d/$1.sh" ] && { echo "$top/$d/$1.sh"; return; }
	done
	echo "$top/knat/$1.sh"
}

[ $# -gt 0 ] || set -- knat conformance
tests=()
for a in "$@"; do
	case $a in
	knat | conformance) tests+=($(names "$a")) ;;
	*) tests+=("$a") ;;
	esac
done
echo "TAP version 13"
echo "1..${#tests[@]}"
echo "# kernel: $(uname -r)"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	t=${t%.sh}
	log=$(mktemp)
	start=$SECONDS
	limit=${KNAT_TEST_TIMEOUT:-180}
	own=$(sed -n 's/^# knat-timeout: \([0-9]*\)$/\1/p' "$(path "$t")")
	[ -n "$own" ] && [ "$own" -gt "$limit" ] && limit=$own
	timeout -k 5 "$limit" bash "$(path "$t")" > "$log" 2>&1 < /dev/null
	rc=$?
	sed 's/^/# /' "$log"
	echo "# $t: $((SECONDS - start)) s"
	rm -f "$log"
	case $rc in
	0) echo "ok $n selftests: $t" ;;
	4) echo "ok $n selftests: $t # SKIP" ;;
	*) echo "not ok $n selftests: $t (exit $rc)"; failed=$((failed + 1)) ;;
	esac
done
exit $((failed > 0))
