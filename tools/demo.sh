#!/bin/bash
# make demo: install what is needed, build, boot Debian's stock kernel in a
# VM and NAT two subscribers' TCP, UDP and ICMP traffic through a pool.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] && tools/deps.sh
make all
tools/vm/run.sh -k stock -t 600 -e KNAT_KO="$PWD/build/stock/knat.ko" -- tools/demo-vm.sh
