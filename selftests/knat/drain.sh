#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Removing addresses or a pool drains them: no new mapping there, live ones
# keep working until they expire, then the addresses go; flush forces it.
. "$(dirname "$0")/lib.sh"
setup_net
natctl pool add 198.51.100.0/31 || fail "pool add"
natctl pool addr add 1 198.51.100.2/31 || fail "pool addr add"
natctl inside add "$INSIDE" || fail "inside add"
# Long enough for the checks on live flows, however slow the VM; shortened
# once they are done.
natctl config set udp-timeout 300 || fail "config set"
serve "$SRVNS" udp-server 5353

view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44000) || fail "no answer"
set -- $view
ext=$1 port=$2
case $ext in 198.51.100.[01]) old=198.51.100.0/31 new=198.51.100.[23] ;;
	     *) old=198.51.100.2/31 new=198.51.100.[01] ;; esac
natctl pool addr del 1 "$old" || fail "pool addr del"
natctl pool show | grep -q "$old(draining)" || fail "not draining: $(natctl pool show)"

# The live flow keeps its external endpoint; a new one leaves elsewhere.
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44000) || fail "live flow broke"
[ "$view" = "$ext $port" ] || fail "live flow moved from $ext:$port to $view"
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44001) || fail "new flow refused"
set -- $view
case $1 in $new) ;; *) fail "new flow left from draining $1" ;; esac

# Once its mappings expire the drained range is gone.
natctl config set udp-timeout 3 || fail "config set"
gone() { ! natctl pool show | grep -q draining; }
wait_for 40 gone || fail "drained range still there: $(natctl pool show)"

# Draining the pool: new subscribers are refused, flush ends the rest.
natctl config set udp-timeout 300 || fail "config set"
nsx "$SUB1" $PEER udp-client "$SRV" 5353 1 --sport 44002 > /dev/null || fail "no answer"
natctl pool del 1 || fail "pool del"
natctl pool show | grep -q "draining" || fail "pool not draining: $(natctl pool show)"
r=$(nsx "$SUB2" $PEER udp-probe "$SRV" 5353 --sport 44000)
[ "$r" = nothing ] || fail "a new subscriber of a draining pool got '$r'"
[ "$(stat drop-no-pool)" -ge 1 ] || fail "drop-no-pool not counted"
natctl flush || fail "flush"
[ "$(stat mappings)" = 0 ] || fail "flush left $(stat mappings) mappings"
nopool() { [ -z "$(natctl pool show)" ]; }
wait_for 15 nopool || fail "pool still there after flush: $(natctl pool show)"
exit $KSFT_PASS
