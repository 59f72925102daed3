#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 REQ-4 and REQ-4a, unsolicited inbound SYNs, in a pool with
# address-and-port-dependent TCP filtering:
#  - a SYN to a port with no mapping gets nothing for 6 s, then ICMP port
#    unreachable from the address it was sent to;
#  - a SYN the filtering refuses, followed within 6 s by the inside host's
#    SYN of the same connection (a simultaneous open), gets nothing: the
#    remote sees only the inside host's SYN;
#  - with syn-unreachable 0 (local policy, REQ-4a), nothing at all.
. "$(dirname "$0")/../knat/lib.sh"
setup tcp-filtering apdf
natctl config show | grep -qw "syn-unreachable 1" || fail "default: $(natctl config show)"

tcp_punch "$TMPDIR/listen.$id"
set -- $(ext_of tcp 100.64.0.2 40000) || fail "no mapping for 40000"
ext=$1 port=$2 free=$(($2 == 5555 ? 5556 : 5555))
log "inside 100.64.0.2:40000 is $ext:$port"
held=$(stat syn-held) sent=$(stat syn-unreachable-sent)
unmapped=$TMPDIR/unmapped.$id filtered=$TMPDIR/filtered.$id go=$TMPDIR/go.$id
# The inside host will connect to the remote endpoint of the filtered SYN
# from the port it was sent to (hole punching) as soon as told: started
# now, it is ready well within the 6 s.  The remote's kernel refuses it.
bg_ready "$TMPDIR/inside.$id" nsx "$SUB1" $PY -c "
import os, socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.bind(('0.0.0.0', 40000))
s.settimeout(5)
print('ready', flush=True)
while not os.path.exists('$go'):
    time.sleep(0.05)
try:
    s.connect(('$SRV', 7200))
except OSError:
    pass"
inside=${BGPIDS[-1]}
bg nsx "$SRVNS" $PKT tcp-syn "$ext" "$free" --sport 7100 --wait 15 > "$unmapped"
p1=${BGPIDS[-1]}
bg nsx "$SRVNS" $PKT tcp-syn "$ext" "$port" --sport 7200 --wait 15 > "$filtered"
p2=${BGPIDS[-1]}
both_held() { [ "$(stat syn-held)" -ge $((held + 2)) ]; }
wait_for 90 both_held || fail "the SYNs were not held: $(natctl stats)"
touch "$go"
wait "$inside" "$p1" "$p2"

log "to an unmapped port: $(cat "$unmapped")"
log "filtered, then opened from inside: $(cat "$filtered")"
read -r what type code from secs rest < "$unmapped"
[ "$what $type $code $from" = "icmp 3 3 $ext" ] && [ -z "$rest" ] ||
	fail "an unmapped port's SYN got '$(cat "$unmapped")', not port unreachable from $ext"
$PY -c "import sys; sys.exit(not 6 <= $secs <= 15)" ||
	fail "port unreachable came after $secs s, not 6 s or a little more"
[ "$(wc -l < "$unmapped")" = 1 ] || fail "more than one answer: $(cat "$unmapped")"
grep -q "^icmp" "$filtered" && fail "the SYN the inside host matched was answered: $(cat "$filtered")"
grep -q "^tcp S $ext $port " "$filtered" || fail "the inside host's SYN did not arrive: $(cat "$filtered")"
[ "$(stat syn-unreachable-sent)" = $((sent + 1)) ] || fail "syn-unreachable-sent is $(stat syn-unreachable-sent)"

natctl config set syn-unreachable 0 || fail "config set syn-unreachable 0"
held=$(stat syn-held)
got=$(nsx "$SRVNS" $PKT tcp-syn "$ext" "$free" --sport 7300 --wait 9)
[ -z "$got" ] || fail "REQ-4a: a SYN was answered with syn-unreachable 0: $got"
[ "$(stat syn-held)" = "$held" ] || fail "a SYN was held with syn-unreachable 0"
err=$(natctl config set syn-unreachable 2 2>&1) && fail "syn-unreachable 2 accepted"
log "refused: $err"
exit $KSFT_PASS
