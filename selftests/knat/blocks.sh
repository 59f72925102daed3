#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attribution: a subscriber's first flow takes a port block, announced on
# the event group with the wall-clock time, subscriber, external address
# and port range; natctl subscriber show and whois agree with what the
# server saw; while held, the block is announced again every interim
# period, and its release is announced when its mappings expire.
. "$(dirname "$0")/lib.sh"
setup block 64 cooling 2

ev=$(mktemp)
monitor "$ev"
# The mapping must outlive the checks below, however slow the VM; the
# timeout is shortened once they are done.
natctl config set udp-timeout 300 interim 1 || fail "config set"
serve "$SRVNS" udp-server 5353
view=$(nsx "$SUB1" $PEER udp-client "$SRV" 5353 3 --sport 42000) || fail "no answer"
set -- $view
ext=$1 port=$2
log "server saw $ext:$port"

[ "$(whois_sub "$ext" "$port")" = 100.64.0.2 ] || fail "whois $ext:$port: $(natctl whois "$ext:$port")"
sub=$(natctl subscriber show 100.64.0.2) || fail "subscriber show"
log "$sub"
echo "$sub" | grep -q "^100.64.0.2 pool 1 external $ext blocks $ext:[0-9]*-[0-9]* mappings 1 sessions 1$" ||
	fail "subscriber show: $sub"
block=$(echo "$sub" | sed 's/.* blocks [0-9.]*:\([0-9]*-[0-9]*\) .*/\1/')
lo=${block%-*} hi=${block#*-}
[ $((hi - lo + 1)) = 64 ] && [ "$port" -ge "$lo" ] && [ "$port" -le "$hi" ] ||
	fail "port $port outside the block $block"
natctl -j subscriber show | grep -q '"subscriber":"100.64.0.2"' || fail "subscriber dump"

# The allocation event, then the release once the mapping expires.
has() { grep -q "\"event\":\"$1\",\"pool\":1,\"subscriber\":\"100.64.0.2\",\"external\":\"$ext\",\"ports\":\"$block\"" "$ev"; }
wait_for 15 has block-alloc || fail "no block-alloc event: $(cat "$ev")"
wait_for 20 has block-active || fail "no interim block-active event: $(cat "$ev")"
natctl config set interim 0 udp-timeout 2 || fail "config set interim 0"
wait_for 30 has block-release || fail "no block-release event: $(cat "$ev")"
# Times are the wall clock, in order, and recent.
$PY - "$ev" <<'PY' || fail "event times: $(cat "$ev")"
import datetime, json, sys
t = [datetime.datetime.strptime(json.loads(l)["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
     for l in open(sys.argv[1])]
now = datetime.datetime.utcnow()
assert len(t) >= 3 and t == sorted(t), t
assert all(abs((now - x).total_seconds()) < 120 for x in t), (now, t)
PY
[ "$(stat blocks-allocated)" -ge 1 ] && [ "$(stat blocks-released)" -ge 1 ] || fail "block counters"
rm -f "$ev"
exit $KSFT_PASS
