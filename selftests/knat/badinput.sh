#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad configuration is refused with a clear one-line message and a
# non-zero exit, and changes nothing: reversed port range, unknown prefix,
# overlapping pool, host bits, out-of-range values, a non-admin caller
# (and the root of an unprivileged user namespace), and raw requests
# natctl would never send (unknown attribute, truncated attribute, missing
# attribute).
. "$(dirname "$0")/lib.sh"
setup

state() { natctl -j pool show; natctl -j inside show; natctl -j config show; }
before=$(state)

refused 1 "port range is reversed" natctl pool add id 2 192.0.2.0/30 ports 2000-1000
refused 1 "no such pool" natctl pool del 7
refused 1 "pool exists" natctl pool add 192.0.2.0/30
refused 1 "overlaps an existing pool" natctl pool add id 2 198.51.100.0/29
refused 1 "overlaps an existing pool" natctl pool add id 2 198.51.100.2/31
refused 1 "overlaps an existing pool" natctl pool addr add 1 198.51.100.2/31
refused 1 "overlaps an existing inside prefix" natctl inside add 100.64.0.0/16
refused 1 "pool overlaps an inside prefix" natctl pool add id 2 100.100.0.0/30
refused 1 "bits set beyond the prefix" natctl pool add id 2 192.0.2.1/30
refused 1 "at most 1024 addresses" natctl pool add id 2 192.0.0.0/16
refused 1 "block size is larger" natctl pool add id 2 192.0.2.0/30 ports 2000-2009 block 16
refused 1 "ports start above 1023" natctl pool add id 2 192.0.2.0/30 ports 1-65535 low-block 16
refused 2 "invalid value" natctl pool add id 2 192.0.2.0/30 low-block 1024
refused 1 "less than one port per subscriber" natctl pool add id 2 192.0.2.0/32 ports 2000-2009 deterministic 100.64.0.0/10
refused 1 "no such pool" natctl inside add 10.0.0.0/8 pool 9
refused 1 "no such address range" natctl pool addr del 1 192.0.2.0/30
refused 1 "no such inside prefix" natctl inside del 10.0.0.0/8
refused 1 "not in a pool" natctl whois 192.0.2.99:1000
refused 2 "invalid address" natctl whois 192.0.2.99:70000
refused 1 "out of range" natctl config set udp-timeout 0
refused 2 "invalid prefix" natctl pool add 192.0.2.0/33
refused 2 "invalid port range" natctl pool add 192.0.2.0/30 ports 0-70000
refused 2 "unknown config key" natctl config set colour blue
refused 2 "invalid value" natctl config set udp-timeout " 60"
refused 2 "invalid value" natctl config set udp-timeout +60
refused 2 "invalid prefix" natctl pool add id 2 "192.0.2.0/ 30"
refused 2 "too many arguments" natctl config set $(printf 'udp-timeout 60 %.0s' $(seq 40))

# Not an administrator of this namespace: every command of the family
# (from its policies), as a request and as a dump, is refused.
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"
refused 1 "permission denied" nsx "$RTR" $nobody "$NATCTL" pool add 192.0.2.0/30
refused 1 "permission denied" nsx "$RTR" $nobody "$NATCTL" mapping show
nsx "$RTR" $nobody $PY "$TOP/selftests/knat/nlfuzz.py" refused ||
	fail "a command answered a non-administrator"

# The root of an unprivileged user namespace, in its own network
# namespace: not an administrator of the host, so refused too.
refused 1 "permission denied" setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -Urn "$NATCTL" pool add 192.0.2.0/30
refused 1 "permission denied" setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -Urn "$NATCTL" stats
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn \
	$PY "$TOP/selftests/knat/nlfuzz.py" refused ||
	fail "a command answered a user namespace's root"

# Raw requests natctl would never send, all from one genl.py (a Python
# start costs seconds on the debug kernel); one answer line each:
# 1 POOL_ADD (1) with ADDR (2) 192.0.2.0, PREFIXLEN (3) 30 and a
#   TIMEOUT_UDP (7) it does not take; 2 with a 2-byte address; 3 without
#   ADDR; FORWARD_MAP (24) of PROTO (12) udp, IN_ADDR (13) 100.64.0.2,
#   IN_PORT (14) 5000: 4 without a LIFETIME (59), 5 with a 4-byte NONCE
#   (60), 6 with EXT_ADDR (15) and no port, 7 for beyond 7 days, 8 from
#   192.0.2.1, outside the inside prefixes; 9 an unknown command.
fmap="24 12:11 13:64400002 14:8813"
out=$(nsx "$RTR" $PY "$TOP/selftests/knat/genl.py" \
	1 2:c0000200 3:1e 7:0000012c -- 1 2:c000 3:1e -- 1 3:1e -- \
	$fmap -- $fmap 59:3c000000 60:01020304 -- $fmap 59:3c000000 15:c6336400 -- \
	$fmap 59:ffffffff -- 24 12:11 13:c0000201 14:8813 59:3c000000 -- 99)
# answer N PATTERN WHAT: answer N matches PATTERN
answer() {
	local got
	got=$(sed -n "${1}p" <<< "$out")
	grep -q "$2" <<< "$got" || fail "$3: $got"
}
answer 1 "^error 22 .*nsupported attribute" "unknown attribute"
answer 2 "^error 34 \|^error 22 " "truncated attribute"
answer 3 "^error 22 .*[Mm]issing" "missing attribute"
answer 4 "^error 22 .*[Mm]issing" "map without a lifetime"
answer 5 "^error 34 .*size\|^error 22 " "map with a short nonce"
answer 6 "^error 22 .*needs a port" "map with an address only"
answer 7 "^error 34 \|^error 22 " "map for too long"
answer 8 "^error 2 .*not in an inside prefix" "map of an outside address"
answer 9 "^error 95 \|^error 22 " "unknown command"
natctl forward show | grep -q . && fail "a refused map left a forward: $(natctl forward show)"

[ "$(state)" = "$before" ] || fail "refused requests changed the configuration"
figure "every command, as a request and as a dump, refused for a non-administrator and a user namespace's root; bad values and raw malformed requests refused with a message, the configuration unchanged"
exit $KSFT_PASS
