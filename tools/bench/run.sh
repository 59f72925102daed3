#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: run tools/bench/vm.sh in a VM on Debian's stock kernel, then
# write Documentation/bench.rst and its plots from the results (kept in
# Documentation/bench/results.jsonl).
#
#   BENCH_REPS=N      repetitions of each forwarding run (default 5)
#   BENCH_PHASES=...  a subset of "forward memory alloc scale flood"
#   BENCH_MIXES=...   a subset of the forwarding mixes "one est new"
#   BENCH_OUT=DIR     where the raw results go (default build/bench)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=${BENCH_OUT:-$top/build/bench}
mkdir -p "$out"

# Debian's python3 and matplotlib draw the plots.
py=/usr/bin/python3
if ! $py -c 'import matplotlib' 2>/dev/null; then
	[ "$(id -u)" = 0 ] ||
		{ echo "bench: the plots need python3-matplotlib" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		python3-matplotlib >/dev/null
fi

envs=(-e "BENCH_OUT=/run/results/bench.jsonl")
for v in BENCH_REPS BENCH_PHASES BENCH_MIXES BENCH_COUNT; do
	[ -z "${!v:-}" ] || envs+=(-e "$v=${!v}")
done
tools/vm/run.sh -k stock -i -m 2G -t 5400 -r "$out" "${envs[@]}" -- tools/bench/vm.sh
mkdir -p Documentation/bench
# The last run's results stay beside this one's: knat's cost is compared.
prev=$out/previous.jsonl
rm -f "$prev"
[ ! -f Documentation/bench/results.jsonl ] || cp Documentation/bench/results.jsonl "$prev"
cp "$out/bench.jsonl" Documentation/bench/results.jsonl
$py tools/bench/report.py Documentation/bench/results.jsonl Documentation "$prev"
