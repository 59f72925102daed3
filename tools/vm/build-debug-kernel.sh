#!/bin/bash
# Build (or reuse) the knat debug kernel from Debian's linux-source-6.1.
#
# The build lives outside the repository, in $KNAT_CACHE (default
# ~/.cache/knat), keyed by a hash of the config fragment and the source
# tarball, so a second run, a second clone or a later CI run on the same
# machine reuses it.  Prints the build directory (a valid KDIR) on stdout.
set -euo pipefail

main() {
	local here cache tarball key dir missing line
	here=$(cd "$(dirname "$0")" && pwd)
	cache=${KNAT_CACHE:-$HOME/.cache/knat}
	tarball=${KNAT_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
	[ -f "$tarball" ] || { echo "build-debug-kernel: linux-source-6.1 is not installed" >&2; exit 1; }

	key=$( (cat "$here/debug.config"; stat -c '%s %Y' "$tarball") | sha256sum | cut -c1-16)
	dir=$cache/debug-kernel-$key
	# One build at a time: a second caller (another clone, a CI run)
	# waits for the first and then reuses its kernel, rather than
	# removing the tree it is building.
	mkdir -p "$cache"
	exec 9> "$cache/.lock"
	flock 9
	if [ -f "$dir/.knat-complete" ]; then
		echo "$dir"
		return 0
	fi

	rm -rf "$dir" "$cache"/debug-kernel-*.tmp
	mkdir -p "$dir.tmp"
	echo "build-debug-kernel: building in $dir (takes a while)" >&2
	tar -C "$dir.tmp" --strip-components=1 -xf "$tarball"
	cd "$dir.tmp"
	make -s ARCH=x86_64 tinyconfig >&2
	scripts/kconfig/merge_config.sh -m .config "$here/debug.config" >&2
	make -s ARCH=x86_64 olddefconfig >&2
	# Every requested option must survive olddefconfig: a silently
	# dropped KASAN or PROVE_LOCKING would make the debug run meaningless.
	missing=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=y)
			grep -qx "$line" .config || { echo "missing: $line" >&2; missing=1; } ;;
		esac
	done < "$here/debug.config"
	[ "$missing" = 0 ] || { echo "build-debug-kernel: config options were dropped" >&2; exit 1; }
	make -s ARCH=x86_64 -j"$(nproc)" bzImage modules_prepare >&2
	# An external module build wants Module.symvers; every driver is
	# built in, so this only writes the file.
	make -s ARCH=x86_64 -j"$(nproc)" modules >&2
	cd /
	mv "$dir.tmp" "$dir"
	touch "$dir/.knat-complete"
	echo "$dir"
}

# The whole script is parsed before it runs: safe to edit during a build.
main "$@"
exit 0
