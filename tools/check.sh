#!/bin/bash
# make check: every test, on Debian's stock kernel and on the debug kernel.
#
#   style:         checkpatch --strict, clean on every C file
#   stock kernel:  the selftests (selftests/knat/*.sh and
#                  selftests/conformance/*.sh)
#   debug kernel:  the KUnit suites (loaded with knat.ko), the selftests
#                  selftests/vm-debug.sh lists, and a clean log: no
#                  KASAN, lockdep, RCU, kmemleak or other kernel report
#
# Ends with "N passed, N failed[, N skipped]"; exits 1 if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${KNAT_CHECK_DIR:-$top/build/check}
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0 skipped=0

# count_tap FILE LABEL: tally a selftests TAP stream; missing tests fail.
count_tap() {
	local f=$1 label=$2 plan ran p fl s
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$f" | head -n1)
	p=$(grep -c '^ok .*' "$f" | head -n1)
	s=$(grep -c '^ok .*# SKIP' "$f")
	fl=$(grep -c '^not ok ' "$f")
	p=$((p - s))
	ran=$((p + s + fl))
	if [ -z "$plan" ]; then
		echo "$label: no test ran"
		fl=$((fl + 1))
	elif [ "$ran" -lt "$plan" ]; then
		echo "$label: only $ran of $plan tests finished"
		fl=$((fl + plan - ran))
	fi
	grep -E '^(not )?ok ' "$f" | sed "s/^/$label: /"
	passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
}

# count_kunit LOG: KUnit results of the module's suites in a dmesg.
count_kunit() {
	local log=$1 ktap=$out/kunit.ktap kdir line p f n
	sed 's/^\[[ 0-9.]*\] //' "$log" |
		awk '/^    KTAP version/ && !on { on = 1 } on { print } /^(not )?ok [0-9]+ knat_/ { last = NR }' \
		> "$ktap.body"
	n=$(grep -cE '^(not )?ok [0-9]+ knat_' "$ktap.body")
	if [ "$n" = 0 ]; then
		echo "kunit: no KUnit results (did knat.ko load?)"
		failed=$((failed + 1))
		return
	fi
	{ echo "KTAP version 1"; echo "1..$n"; cat "$ktap.body"; } > "$ktap"
	kdir=$(tools/vm/build-debug-kernel.sh)
	python3 "$kdir/tools/testing/kunit/kunit.py" parse "$ktap" > "$out/kunit.txt" 2>&1
	grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]' "$out/kunit.txt" | sed 's/^\[[0-9:]*\] /kunit: /'
	line=$(grep 'Testing complete' "$out/kunit.txt")
	p=$(echo "$line" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | grep -oE '(failed|crashed|errors): [0-9]+' | awk '{ s += $2 } END { print s + 0 }')
	s=$(echo "$line" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
	[ -n "$p" ] || { echo "kunit: unreadable results"; f=$((f + 1)); p=0; }
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
}

# count_reports DIR: a kernel report of any kind in a debug run fails it,
# and so does a leak kmemleak found.
count_reports() {
	local pat='BUG:|WARNING:|INFO: |Oops|general protection|KASAN|possible circular locking|suspicious RCU usage|inconsistent lock state|unreferenced object|Call Trace'
	local d=$out/$1
	if grep -hE "$pat" "$d/console.log" "$d/dmesg.log" > "$d/reports.txt" 2>/dev/null; then
		echo "not ok $1: reports in the log:"
		head -n 20 "$d/reports.txt" | sed 's/^/#   /'
		failed=$((failed + 1))
	else
		echo "ok $1: no KASAN, lockdep, RCU or other report"
		passed=$((passed + 1))
	fi
	if grep -q "unreferenced object" "$d/kmemleak.log" 2>/dev/null; then
		echo "not ok $1: kmemleak found leaks"
		head -n 30 "$d/kmemleak.log" | sed 's/^/#   /'
		failed=$((failed + 1))
	elif [ -f "$d/kmemleak.log" ]; then
		echo "ok $1: kmemleak clean"
		passed=$((passed + 1))
	else
		echo "not ok $1: no kmemleak report (run did not finish)"
		failed=$((failed + 1))
	fi
}

# count_checkpatch: the kernel's checkpatch.pl --strict, clean on every
# C file (one result; the reports of the files that are not).
count_checkpatch() {
	local cp f rep n=0 bad=0
	cp=$(tools/vm/build-debug-kernel.sh)/scripts/checkpatch.pl
	for f in $(git ls-files '*.c' '*.h'); do
		n=$((n + 1))
		rep=$("$cp" --no-tree --strict --quiet -f "$f" 2>&1) && continue
		bad=$((bad + 1))
		echo "$rep" | grep -E '^(ERROR|WARNING|CHECK|#)' | head -n 12 | sed 's/^/#   /'
	done
	if [ "$bad" = 0 ]; then
		echo "ok checkpatch --strict: $n files clean"
		passed=$((passed + 1))
	else
		echo "not ok checkpatch --strict: $bad of $n files"
		failed=$((failed + 1))
	fi
}

echo "== style: checkpatch; the conformance list"
count_checkpatch
if tools/conformance.sh --lint; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

# The debug kernel's run comes in two parts.  The first (KUnit and most
# tests) runs beside the stock kernel's, at the lowest CPU priority: the
# stock kernel's timing tests get the CPU as if they ran alone, and the
# debug kernel takes what they leave.  The second, the tests whose
# traffic must keep pace with a flood (selftests/vm-debug.sh), runs
# alone after both.  KNAT_CHECK_SERIAL=1 runs everything in turn.
debug_vm() {	# debug_vm PART [nice]
	${2:+nice -n 19} tools/vm/run.sh -k debug -t 3600 -r "$out/debug-$1" \
		-- selftests/vm-debug.sh "$1" > "$out/debug-$1.tap" 2>&1
}
if [ -z "${KNAT_CHECK_SERIAL:-}" ]; then
	debug_vm first nice &
	debug_pid=$!
fi

echo "== stock kernel: selftests"
tools/vm/run.sh -k stock -t 2400 -r "$out/stock" -e KNAT_KO="$top/build/stock/knat.ko" \
	-- selftests/run.sh > "$out/stock.tap" 2>&1
count_tap "$out/stock.tap" stock

echo "== debug kernel: KUnit, selftests, kernel reports"
if [ -n "${KNAT_CHECK_SERIAL:-}" ]; then
	debug_vm first
else
	wait "$debug_pid"
fi
debug_vm second
count_kunit "$out/debug-first/kunit.log"
count_tap "$out/debug-first.tap" debug
count_tap "$out/debug-second.tap" debug
count_reports debug-first
count_reports debug-second

if [ "$failed" != 0 ]; then
	echo "== failures: details in $out (stock.tap, debug-*.tap, debug-*/console.log)"
	grep -h -B15 '^not ok' "$out/stock.tap" "$out"/debug-*.tap 2>/dev/null | grep '^#' | tail -n 60
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
