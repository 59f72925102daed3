#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ICMP echo through the NAT for two subscribers; the query id is mapped.
. "$(dirname "$0")/lib.sh"
setup

nsx "$SUB1" ping -c 3 -i 0.2 -W 2 "$SRV" >/dev/null || fail "sub1 ping failed"
nsx "$SUB2" ping -c 3 -i 0.2 -W 2 "$SRV" >/dev/null || fail "sub2 ping failed"
n=$(natctl -j session show | $PY -c "
import json, sys
print(sum(s['proto'] == 'icmp' and s['remote-addr'] == '$SRV' for s in json.load(sys.stdin)))")
[ "$n" = 2 ] || fail "expected 2 icmp sessions, have $n"
exit $KSFT_PASS
