#!/bin/bash
# Inside the demo VM: two subscribers behind knat reach a server.
. "$(dirname "$0")/../selftests/knat/lib.sh"
setup block 64 max-blocks 4
ev=$(mktemp)
bg "$NATCTL" -n "$RTR" monitor > "$ev"
echo "== natctl pool show / inside show"
natctl pool show
natctl inside show
bg nsx "$SRVNS" $PEER tcp-server 8080
bg nsx "$SRVNS" $PEER udp-server 5353
sleep 0.5
for sub in "$SUB1" "$SUB2"; do
	echo "== ${sub%-*}: TCP 64 KiB, UDP, ping to $SRV"
	echo "   server saw TCP from $(nsx "$sub" $PEER tcp-client "$SRV" 8080 65536)"
	view=$(nsx "$sub" $PEER udp-client "$SRV" 5353 3)
	echo "   server saw UDP from $view"
	nsx "$sub" ping -c 2 -i 0.2 -W 2 "$SRV" | tail -n 2 | sed 's/^/   /'
	echo "   natctl whois ${view/ /:}: $(natctl whois "${view/ /:}")"
done
echo "== natctl subscriber show"
natctl subscriber show
echo "== natctl monitor (events so far)"
cat "$ev"
rm -f "$ev"
echo "== natctl mapping show"
natctl mapping show
echo "== natctl session show"
natctl session show
echo "== natctl stats"
natctl stats
