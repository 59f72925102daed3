#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-4: port parity preservation, a pool option: from a pool with
# parity, 40 UDP and 10 TCP flows from even and odd inside ports leave from
# external ports of the same parity, as the servers see them; a pool
# without it shows both parities mixed.
. "$(dirname "$0")/../knat/lib.sh"
setup parity
natctl pool show | grep -q "parity on" || fail "parity not shown: $(natctl pool show)"

serve "$SRVNS" udp-server 5353
serve "$SRVNS" tcp-server 8000
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 41000 --count 40
for sport in 42000 42001 42002 42003 42004 42005 42006 42007 42008 42009; do
	set -- $(nsx "$SUB1" $PEER tcp-client "$SRV" 8000 10 --sport $sport) ||
		fail "tcp from $sport: no connection"
	in_pool "$1" && [ $(($2 % 2)) = $((sport % 2)) ] ||
		fail "tcp from $sport seen as $1:$2"
done
natctl -j mapping show | $PY -c "
import json, sys
maps = [m for m in json.load(sys.stdin) if m['proto'] == 'udp']
bad = [m for m in maps if m['inside-port'] % 2 != m['external-port'] % 2]
print(len(maps), 'udp mappings,', len(bad), 'of another parity')
sys.exit(1 if len(maps) != 40 or bad else 0)" || fail "udp parity not kept"

# Without the option: random ports, some of the other parity.
natctl flush
natctl pool del 1
natctl pool add id 2 198.51.100.4/30 || fail "pool add"
natctl inside del 100.64.0.0/10
natctl inside add 100.64.0.0/10 pool 2 || fail "inside add"
nsx "$SUB2" $PEER udp-send "$SRV" 9 --sport 43000 --count 40
natctl -j mapping show | $PY -c "
import json, sys
maps = [m for m in json.load(sys.stdin) if m['proto'] == 'udp']
odd = sum(m['inside-port'] % 2 != m['external-port'] % 2 for m in maps)
sys.exit(1 if len(maps) != 40 or odd == 0 else 0)" || fail "without parity, parity was kept anyway"
exit $KSFT_PASS
