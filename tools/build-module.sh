#!/bin/bash
# build-module.sh KDIR OUTDIR [make args...]: build knat.ko for one kernel.
# Each kernel gets its own copy of the sources, so the stock and the debug
# builds never share objects.
set -euo pipefail
kdir=$1 out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$kdir/Makefile" ] || { echo "build-module: no kernel build tree at $kdir" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/kmod" "$out/uapi"
cp -a "$top/Kbuild" "$top/kmod" "$top/uapi" "$out/"
make -s -C "$kdir" M="$out" "$@" modules
