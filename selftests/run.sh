#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the knat selftests (inside a VM: tools/vm/run.sh) and print one TAP
# line per test; exit 1 if any failed.
#   selftests/run.sh [TEST...]      default: every selftests/knat/*.sh
set -u
dir=$(cd "$(dirname "$0")/knat" && pwd)
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=($(cd "$dir" && ls *.sh | grep -v '^lib\.sh$'))
echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	t=${t%.sh}
	log=$(mktemp)
	start=$SECONDS
	timeout -k 5 180 bash "$dir/$t.sh" > "$log" 2>&1 < /dev/null
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
