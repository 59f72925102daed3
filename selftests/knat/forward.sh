#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static port forwards: a remote host reaches an inside TCP server and an
# inside UDP server at the external endpoints chosen for them; the inside
# endpoint's own flows leave from that endpoint; forwards show in
# "forward show", "mapping show" and whois, outlive flush, refuse ports
# that are taken, and go with "forward del", "inside del" and "pool del",
# taking their sessions with them.
. "$(dirname "$0")/lib.sh"
setup

nforwards() {
	natctl -j forward show | $PY -c "import json, sys; print(len(json.load(sys.stdin)))"
}

forward_field() {	# forward_field PROTO EXT-PORT KEY
	natctl -j forward show | $PY -c "
import json, sys
for f in json.load(sys.stdin):
    if (f['proto'], f['external-port']) == ('$1', $2):
        print(f['$3'])"
}

# Unsolicited TCP from the outside reaches the inside server.
natctl forward add tcp 198.51.100.1:80 to 100.64.0.2:8080 || fail "forward add tcp"
serve "$SUB1" tcp-server 8080
view=$(nsx "$SRVNS" $PEER tcp-client 198.51.100.1 80 20000) ||
	fail "the remote could not connect through the forward"
[ "${view%% *}" = 203.0.113.2 ] ||
	fail "the inside server saw '$view', not the remote's address"
log "tcp 198.51.100.1:80 -> 100.64.0.2:8080: the server saw $view"
[ "$(forward_field tcp 80 inside-addr)" = 100.64.0.2 ] || fail "forward show: $(natctl forward show)"
natctl mapping show | grep -q "100.64.0.2:8080 -> 198.51.100.1:80 .*static" ||
	fail "mapping show: $(natctl mapping show)"

# UDP: the inside endpoint's own flows leave from the forwarded endpoint.
natctl forward add udp 198.51.100.2:53 to 100.64.1.2:5353 || fail "forward add udp"
serve "$SRVNS" udp-server 9000
view=$(nsx "$SUB2" $PEER udp-client "$SRV" 9000 1 --sport 5353) || fail "no answer outbound"
[ "$view" = "198.51.100.2 53" ] || fail "the forwarded endpoint left as '$view'"
serve "$SUB2" udp-server 5354
natctl forward add udp 198.51.100.2:54 to 100.64.1.2:5354 || fail "forward add udp 54"
view=$(nsx "$SRVNS" $PEER udp-client 198.51.100.2 54 3) || fail "no answer through the forward"
[ "${view%% *}" = 203.0.113.2 ] || fail "the inside server saw '$view'"

# whois names the forward of a port outside the blocks.
w=$(natctl -j whois 198.51.100.2:54 | $PY -c "import json,sys; print(json.load(sys.stdin)['forwards'])")
[ "$w" = "udp:100.64.1.2:5354" ] || fail "whois: $(natctl whois 198.51.100.2:54)"

# Taken endpoints are refused, with the reason.
refused 1 "forwarded already" natctl forward add udp 198.51.100.2:54 to 100.64.1.2:6000
refused 1 "is forwarded" natctl forward add udp 198.51.100.3:60 to 100.64.1.2:5354
refused 1 "not in a pool" natctl forward add tcp 203.0.113.1:80 to 100.64.0.2:80
refused 1 "not in an inside prefix" natctl forward add tcp 198.51.100.1:81 to 192.0.2.9:80
refused 2 "tcp or udp" natctl forward add icmp 198.51.100.1:81 to 100.64.0.2:80
nsx "$SUB1" $PEER udp-client "$SRV" 9000 1 --sport 41000 > /dev/null || fail "no answer"
set -- $(ext_of udp 100.64.0.2 41000) || fail "no mapping for 41000"
refused 1 "another subscriber" natctl forward add udp "$1:$2" to 100.64.1.2:7000
refused 1 "in use" natctl forward add udp "$1:$2" to 100.64.0.2:7000
refused 1 "has a mapping" natctl forward add udp 198.51.100.1:61 to 100.64.0.2:41000

# Flush removes sessions, not forwards.
natctl flush || fail "flush"
[ "$(forward_field tcp 80 sessions)" = 0 ] || fail "sessions after flush: $(natctl forward show)"
nsx "$SRVNS" $PEER tcp-client 198.51.100.1 80 100 > /dev/null || fail "no forward after flush"

# forward del takes the sessions; the port no longer answers.
[ "$(forward_field tcp 80 sessions)" -ge 1 ] || fail "no session: $(natctl forward show)"
natctl forward del tcp 198.51.100.1:80 || fail "forward del"
natctl -j session show | grep -q '"inside-port": 8080' && fail "sessions left: $(natctl session show)"
natctl mapping show | grep -q "100.64.0.2:8080 " && fail "mapping left: $(natctl mapping show)"
nsx "$SRVNS" timeout 5 $PEER tcp-client 198.51.100.1 80 100 2> /dev/null && fail "still forwarded"
refused 1 "no such forward" natctl forward del tcp 198.51.100.1:80

# Removing the inside prefix, then the pool, removes the forwards on them.
natctl inside del "$INSIDE" || fail "inside del"
[ "$(nforwards)" = 0 ] || fail "forwards after inside del: $(natctl forward show)"
natctl inside add "$INSIDE" || fail "inside add"
natctl forward add tcp 198.51.100.1:80 to 100.64.0.2:8080 || fail "forward add again"
natctl pool del 1 || fail "pool del"
[ "$(nforwards)" = 0 ] || fail "forwards after pool del: $(natctl forward show)"
natctl flush || fail "flush"
gone() { [ -z "$(natctl pool show)" ]; }
wait_for 30 gone || fail "the pool stayed: $(natctl pool show)"
[ "$(stat mappings)" = 0 ] || fail "mappings left: $(natctl mapping show)"
exit $KSFT_PASS
