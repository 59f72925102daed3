#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-1: ICMP echo queries from inside are translated, their
# identifier mapped like a port, and the replies reach the sender; two
# subscribers' queries get distinct external identifiers.
. "$(dirname "$0")/../knat/lib.sh"
setup

nsx "$SUB1" ping -c 2 -i 0.2 -W 2 "$SRV" >/dev/null || fail "sub1: no echo reply"
nsx "$SUB2" ping -c 2 -i 0.2 -W 2 "$SRV" >/dev/null || fail "sub2: no echo reply"
natctl -j mapping show | $PY -c "
import json, sys
m = [m for m in json.load(sys.stdin) if m['proto'] == 'icmp']
print(m)
assert len(m) == 2 and len({(x['external-addr'], x['external-port']) for x in m}) == 2
assert all(x['external-addr'].startswith('198.51.100.') for x in m)
" || fail "expected two icmp mappings with distinct external ids"
exit $KSFT_PASS
