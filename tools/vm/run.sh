#!/bin/bash
# Run a command inside a QEMU VM on Debian's stock kernel or on the knat
# debug kernel, and return its exit status.
#
#   tools/vm/run.sh [-k stock|debug] [-t SECONDS] [-m MEM] [-r DIR] [-e VAR=VAL]... [-i] -- CMD [ARGS]
#
# The host's root is the VM's root, read-only over 9p, with tmpfs on /tmp
# and /run, so host tools (ip, nft, python3, ...) and this checkout are
# there at the same paths (a checkout under /tmp or /run comes as a share
# of its own); CMD runs as root in the current directory.  Its
# output streams to our stdout; the kernel's console and dmesg are kept in
# the results directory (-r, default a temporary one, printed on failure).
# A panic, an oops or a hang ends the run (timeout, default 600 s) with a
# failure, never a stuck caller.  No network: -nic none.
#
# Two vCPUs, each on a host thread of its own (multi-threaded TCG), unless
# -i: then one vCPU whose clock counts the instructions it executes
# (QEMU's -icount, 1 ns each), so what the guest times does not move with
# the host's load (CMD sees KNAT_VM_ICOUNT=1): make bench runs so.  icount
# runs every vCPU on one host thread, and QEMU 7.2 does not bring a second
# one up under it.
set -euo pipefail

main() {
	local kernel=stock timeout=600 mem=2G results="" envs=() icount=0 opt
	local here; here=$(cd "$(dirname "$0")" && pwd)

	while getopts "k:t:m:r:e:i" opt; do
		case $opt in
		k) kernel=$OPTARG ;;
		t) timeout=$OPTARG ;;
		m) mem=$OPTARG ;;
		r) results=$OPTARG ;;
		e) envs+=("$OPTARG") ;;
		i) icount=1; envs+=(KNAT_VM_ICOUNT=1) ;;
		*) echo "usage: $0 [-k stock|debug] [-t SECS] [-m MEM] [-r DIR] [-e VAR=VAL] [-i] -- CMD" >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ "${1:-}" = "--" ] && shift
	[ $# -gt 0 ] || { echo "run.sh: no command" >&2; exit 2; }

	# The VM's tmpfs on /tmp and /run would hide a checkout there: it
	# gets a share of its own.  Another directory there stays out of reach.
	local top share=() virtfs=security_model=none,readonly=on,multidevs=remap
	top=$(cd "$here/../.." && pwd)
	case "$top/" in
	/tmp/* | /run/*) share=(-virtfs "local,path=$top,mount_tag=checkout,$virtfs") ;;
	esac
	case "$PWD/" in
	"$top"/*) ;;
	/tmp/* | /run/*)
		echo "run.sh: the VM mounts tmpfs over /tmp and /run and cannot see $PWD: run from the checkout or from elsewhere" >&2
		exit 2 ;;
	esac
	[ -n "$results" ] || results=$(mktemp -d /tmp/knat-vm.XXXXXX)
	mkdir -p "$results"
	results=$(cd "$results" && pwd)
	rm -f "$results"/{rc,output.log,console.log,dmesg.log,job.sh,checkout}
	[ ${#share[@]} = 0 ] || echo "$top" > "$results/checkout"

	local image kver="" initrd="$results/initramfs.gz" cmdline=""
	case $kernel in
	stock)
		kver=$(stock_kver)
		image=/boot/vmlinuz-$kver
		;;
	debug)
		image=$("$here/build-debug-kernel.sh")/arch/x86/boot/bzImage
		# Caches failslab may fail (selftests/knat/faults.sh): only
		# a boot option marks them in 6.1.
		cmdline="slub_debug=A,knat_*,kmalloc-1k"
		;;
	*) echo "run.sh: unknown kernel '$kernel'" >&2; exit 2 ;;
	esac
	[ -r "$image" ] || { echo "run.sh: no kernel image $image" >&2; exit 1; }

	write_job "$results/job.sh" "$PWD" "${envs[@]+"${envs[@]}"}" -- "$@"
	make_initramfs "$initrd" "$kver"

	: > "$results/output.log"
	tail -n +1 -f "$results/output.log" &
	local tailpid=$! status=0 cpus=(-accel "tcg,thread=multi" -smp 2)
	[ "$icount" = 0 ] ||
		cpus=(-accel tcg -icount "shift=0,sleep=on,align=off" -smp 1)
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-machine q35 "${cpus[@]}" -cpu max -m "$mem" \
		-kernel "$image" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=7 printk.devkmsg=on $cmdline" \
		-display none -no-reboot -nic none -monitor none \
		-serial "file:$results/console.log" -serial "file:$results/output.log" \
		-virtfs "local,path=/,mount_tag=hostroot,$virtfs" \
		-virtfs "local,path=$results,mount_tag=results,security_model=none" \
		"${share[@]+"${share[@]}"}" \
		</dev/null >"$results/qemu.log" 2>&1 || status=$?
	sleep 0.5
	kill "$tailpid" 2>/dev/null || true
	wait "$tailpid" 2>/dev/null || true

	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		echo "run.sh: the VM did not finish within ${timeout}s (see $results/console.log)" >&2
		tail -n 40 "$results/console.log" >&2 || true
		return 1
	fi
	if [ ! -f "$results/rc" ]; then
		echo "run.sh: the VM stopped before the command finished (panic?): $results/console.log" >&2
		tail -n 60 "$results/console.log" >&2 || true
		return 1
	fi
	return "$(cat "$results/rc")"
}

stock_kver() {
	ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1
}

write_job() {
	local job=$1 cwd=$2
	shift 2
	{
		echo "#!/bin/sh"
		echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		echo "export HOME=/tmp TMPDIR=/tmp KNAT_VM=1"
		while [ "$1" != "--" ]; do
			printf 'export %q\n' "$1"
			shift
		done
		shift
		printf 'cd %q || exit 1\n' "$cwd"
		printf 'exec'
		printf ' %q' "$@"
		printf '\n'
	} > "$job"
	chmod +x "$job"
}

# busybox, the stock kernel's virtio and 9p modules (none for the debug
# kernel: built in), and an init that mounts the host and runs the job.
make_initramfs() {
	local out=$1 kver=$2 dir mod
	dir=$(mktemp -d)
	mkdir -p "$dir"/{bin,dev,proc,sys,host,mod}
	cp /bin/busybox "$dir/bin/busybox"
	if [ -n "$kver" ]; then
		for mod in virtio_pci 9pnet_virtio 9p; do
			modprobe -S "$kver" --show-depends "$mod"
		done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
			while read -r mod; do
				cp "$mod" "$dir/mod/"
				basename "$mod" >> "$dir/mod/order"
			done
	fi
	cat > "$dir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
if [ -f /mod/order ]; then
	for m in $(cat /mod/order); do insmod "/mod/$m"; done
fi
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$opts,ro,cache=loose" hostroot /host || { echo "init: no host root"; reboot -f; }
mount -t tmpfs tmpfs /host/tmp
mount -t tmpfs tmpfs /host/run
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/shm /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
# Module autoloading (veth, nf_tables, ...) runs the helper in this root:
# hand it to the host's modprobe and /lib/modules.
printf '#!/bin/busybox sh\nexec chroot /host /sbin/modprobe "$@"\n' > /bin/modprobe-host
chmod +x /bin/modprobe-host
echo /bin/modprobe-host > /proc/sys/kernel/modprobe
mkdir -p /host/run/results
mount -t 9p -o "$opts" results /host/run/results
# A checkout the tmpfs above hides is a share of its own, read-only too.
if [ -f /host/run/results/checkout ]; then
	top=$(cat /host/run/results/checkout)
	mkdir -p "/host$top"
	mount -t 9p -o "$opts,ro,cache=loose" checkout "/host$top"
fi
stty -F /dev/ttyS1 raw -echo 2>/dev/null
ip link set lo up 2>/dev/null
# The job's root is the host's, moved over / in a mount namespace of its
# own rather than chrooted into: the kernel refuses user namespaces to
# chrooted processes, and tests make some.
unshare -m --propagation private /bin/busybox sh -c \
	'cd /host && mount --move . / && exec chroot . /bin/sh /run/results/job.sh' \
	> /dev/ttyS1 2>&1 < /dev/null
rc=$?
chroot /host /bin/dmesg > /host/run/results/dmesg.log 2>&1
echo "$rc" > /host/run/results/rc
sync
umount /host/run/results
# -no-reboot turns a reboot into QEMU exiting, with or without ACPI.
reboot -f
INIT
	chmod +x "$dir/init"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
	rm -rf "$dir"
}

main "$@"
