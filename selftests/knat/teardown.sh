#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Teardown under traffic: 20 times (5 on the debug kernel) a fresh router
# namespace is set up, two subscribers open flows through it and an
# outside host floods its pool, and the router's namespace is deleted
# under them; 20 (5) more times, knat itself is removed instead.  Each
# time: the deletion or rmmod succeeds at once, the kernel reports
# nothing, and after rmmod none of knat's caches is left (a cache with
# objects left would say so as it is destroyed).  On the debug kernel,
# kmemleak then checks the run for what was not freed.
# knat-timeout: 900
. "$(dirname "$0")/lib.sh"
FLOOD=$TOP/build/flood
[ -x "$FLOOD" ] || skip "build/flood not built"
loops=$((20 / KNAT_SCALE))
# The module this test loads again (the debug kernel's without its KUnit
# suites, which would run at every load).
KNAT_KO=${KNAT_KO_RELOAD:-$KNAT_KO}

# send NS ARGS...: flood's packets from NS until the round ends (its
# complaints, once the namespace goes, are expected); 1,000 a second, a
# quarter of that on the debug kernel, which three floods of 1,000 would
# keep so busy that a round took minutes.
send() {
	local ns=$1
	shift
	bg nsx "$ns" "$FLOOD" -n 1000000 -r $((1000 / KNAT_SCALE)) "$@" > /dev/null 2>&1
}

# round N: set up, start the traffic, wait until knat holds state: new
# flows from both subscribers, and an outside host at the pool's ports.
round() {
	setup cooling 0
	send "$SUB1" -s 100.64.0.2 -S 1024-65535 -d "$SRV" -D 9000-9039
	send "$SUB2" -s 100.64.1.2 -S 1024-65535 -d "$SRV" -D 9000-9039
	send "$SRVNS" -s 198.18.0.0/16 -S 1024-65535 -d "$POOL" -D 1024-65535
	wait_for 60 eval '[ "$(stat mappings)" -gt 5 ]' ||
		fail "round $1: no traffic: $(stat mappings) mappings"
}

# Done with a round: the senders and the namespaces left go.
finish() {
	cleanup
	BGPIDS=()
}

for i in $(seq $loops); do
	round "$i"
	ip netns del "$RTR" || fail "round $i: netns del"
	finish
	quiet "netns deleted under traffic, round $i"
done
figure "$loops router namespaces deleted under traffic: no kernel report"

for i in $(seq $loops); do
	round "$i"
	rmmod knat || fail "round $i: rmmod under traffic"
	grep -q '^knat ' /proc/modules && fail "round $i: knat still loaded"
	caches=$(grep -o '^knat[a-z_]*' /proc/slabinfo 2>/dev/null)
	[ -z "$caches" ] || fail "round $i: caches left: $caches"
	finish
	quiet "rmmod under traffic, round $i"
done
figure "knat removed $loops times under traffic: no kernel report, no cache left"
# Loaded again for the tests after this one.
knat_load
exit $KSFT_PASS
