#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-5: the UDP mapping timer is 5 minutes by default (at least
# 2 minutes): a fresh UDP session expires in 300 s.
. "$(dirname "$0")/../knat/lib.sh"
setup

natctl config show | grep -qw "udp-timeout 300" || fail "default udp-timeout: $(natctl config show)"
nsx "$SUB1" $PEER udp-send "$SRV" 9 --sport 40000
ms=$(expires_of udp 100.64.0.2 40000) || fail "no session"
log "expires in $ms ms"
[ "$ms" -gt 280000 ] && [ "$ms" -le 300000 ] || fail "expires in $ms ms, not 300 s"
exit $KSFT_PASS
