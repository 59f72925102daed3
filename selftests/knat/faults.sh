#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Memory that runs out under load: failslab fails one in five of the
# allocations from knat's own caches that cannot sleep (subscribers,
# mappings, sessions) and of the graves removals need, while two
# subscribers open thousands of short flows and the GC collects them.
# (Permissions, held SYNs and index growth come from kmalloc caches the
# whole kernel shares, and are left alone.)  Each flow refused
# for it counts in drop-nomem, and nothing is left half made: once the
# failures stop, everything expires back to zero, blocks and subscribers
# too, and new flows are translated.  Whether anything crashed or leaked,
# the debug run's kernel log and kmemleak tell.  Needs CONFIG_FAILSLAB:
# the debug kernel has it, Debian's does not.
. "$(dirname "$0")/lib.sh"
FS=/sys/kernel/debug/failslab
SLAB=/sys/kernel/slab
# The caches the debug VM's kernel command line marks for failslab
# (tools/vm/run.sh), of those the packet path and the GC allocate from
# without sleeping; 6.1 marks caches only at boot.
CACHES="knat_subscriber knat_mapping knat_xsession knat_osession kmalloc-1k"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -d "$FS" ] || skip "no failslab: the kernel was built without CONFIG_FAILSLAB"
setup block 128 max-blocks 32 cooling 1
natctl config set udp-timeout 1 || fail "config set"
for c in $CACHES; do
	[ "$(cat "$SLAB/$c/failslab" 2>/dev/null)" = 1 ] ||
		skip "$c is not marked for failslab (slub_debug=A,$c at boot)"
done

failslab_off() { echo 0 > "$FS/probability"; }
trap 'failslab_off; cleanup' EXIT

echo Y > "$FS/cache-filter"
echo Y > "$FS/ignore-gfp-wait"
echo 0 > "$FS/verbose"
echo 0 > "$FS/space"
echo 1 > "$FS/interval"
echo -1 > "$FS/times"
echo 20 > "$FS/probability"

flows=$((20000 / KNAT_SCALE))
churn $flows 1000
# The router may still be working through its queue.
nap 2
failslab_off
log "with failures: $(natctl stats | tr '\n' ' ')"
[ "$(stat drop-nomem)" -gt 0 ] || fail "no flow was refused for memory"
[ "$(stat mappings-created)" -gt $((flows / 2)) ] ||
	fail "only $(stat mappings-created) of $((2 * flows)) flows got a mapping"

all_released
# A mapping whose first session could not be made is undone at once, and
# counted as flushed.
gone=$(($(stat mappings-expired) + $(stat mappings-flushed)))
[ "$gone" = "$(stat mappings-created)" ] ||
	fail "$(stat mappings-created) mappings created, $gone removed"
[ "$(stat sessions-expired)" = "$(stat sessions-created)" ] ||
	fail "$(stat sessions-created) sessions created, $(stat sessions-expired) expired"

serve "$SRVNS" udp-server 5353
for sub in "$SUB1" "$SUB2"; do
	view=$(nsx "$sub" $PEER udp-client "$SRV" 5353 1 --sport 41000) ||
		fail "no answer to $sub after the failures"
	in_pool "${view%% *}" || fail "$sub seen as $view"
done
exit $KSFT_PASS
