#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: run tools/bench/vm.sh in a VM on Debian's stock kernel, then
# write Documentation/bench.rst and its plots from the results (kept in
# Documentation/bench/results.jsonl).
#
#   BENCH_REPS=N      repetitions of each forwarding run (default 5)
#   BENCH_PHASES=...  a subset of "forward memory alloc scale flood" (the
#                     other phases' results are carried over from the last run)
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
# A run of some phases (BENCH_PHASES) keeps the others' results from the
# last run, marked as carried over with that run's date.
$py - "$out/bench.jsonl" "$prev" > Documentation/bench/results.jsonl <<'PY'
import json, sys
new = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
try:
    old = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
except FileNotFoundError:
    old = []
ran = {r["phase"] for r in new}
date = next((r.get("date") for r in old if r["phase"] == "env"), "?")
kept = [r for r in old if r["phase"] not in ran | {"env", "carried"}]
carried = sorted({r["phase"] for r in kept})
if carried:
    new.insert(1, {"phase": "carried", "date": date, "phases": carried})
for r in new + kept:
    print(json.dumps(r, separators=(",", ":")))
PY
$py tools/bench/report.py Documentation/bench/results.jsonl Documentation "$prev" \
	Documentation/bench/baseline.jsonl
