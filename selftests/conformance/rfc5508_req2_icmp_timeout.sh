#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-2: an ICMP query session lives 60 s by default.
. "$(dirname "$0")/../knat/lib.sh"
setup

natctl config show | grep -qw "icmp-timeout 60" || fail "default: $(natctl config show)"
nsx "$SUB1" ping -c 1 -W 2 "$SRV" >/dev/null || fail "no echo reply"
ms=$(natctl -j session show | $PY -c "
import json, sys
print([s for s in json.load(sys.stdin) if s['proto'] == 'icmp'][0]['expires-ms'])") ||
	fail "no icmp session"
log "expires in $ms ms"
[ "$ms" -gt 50000 ] && [ "$ms" -le 60000 ] || fail "expires in $ms ms, not 60 s"
exit $KSFT_PASS
