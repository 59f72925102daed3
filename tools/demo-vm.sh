#!/bin/bash
# Inside the demo VM: two subscribers behind knat reach a server.
. "$(dirname "$0")/../selftests/knat/lib.sh"
setup
echo "== natctl pool show / inside show"
natctl pool show
natctl inside show
bg nsx "$SRVNS" $PEER tcp-server 8080
bg nsx "$SRVNS" $PEER udp-server 5353
sleep 0.5
for sub in "$SUB1" "$SUB2"; do
	echo "== ${sub%-*}: TCP 64 KiB, UDP, ping to $SRV"
	echo "   server saw TCP from $(nsx "$sub" $PEER tcp-client "$SRV" 8080 65536)"
	echo "   server saw UDP from $(nsx "$sub" $PEER udp-client "$SRV" 5353 3)"
	nsx "$sub" ping -c 2 -i 0.2 -W 2 "$SRV" | tail -n 2 | sed 's/^/   /'
done
echo "== natctl mapping show"
natctl mapping show
echo "== natctl session show"
natctl session show
echo "== natctl stats"
natctl stats
