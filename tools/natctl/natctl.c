// SPDX-License-Identifier: GPL-2.0
/*
 * natctl: configure and inspect knat, the carrier-grade IPv4 NAPT module.
 *
 *   natctl [-j] [-n NETNS] OBJECT COMMAND [ARGS]
 *
 * Exit status: 0 on success, 1 when the kernel refused or failed the
 * request, 2 on a usage error.  Errors go to stderr as one line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/knat.h>
#include "natctl.h"

static const char usage_text[] =
"Usage: natctl [-j] [-n NETNS] OBJECT COMMAND [ARGS]\n"
"\n"
"  natctl pool add [id ID] PREFIX|dev IFNAME [ports LO-HI] [block N] [low-block N]\n"
"                  [max-blocks N] [max-sessions N] [cooling SECS] [overlap] [parity]\n"
"                  [inbound-limit N] [inbound-sub-limit N]\n"
"                  [unconfirmed-share PERCENT] [router-ports P[-Q][,P[-Q]]...]\n"
"                  [mapping|tcp-mapping|udp-mapping eim|adm|apdm]\n"
"                  [filtering|tcp-filtering|udp-filtering eif|adf|apdf]\n"
"                  [deterministic INSIDE-PREFIX]\n"
"                                         a pool (id 1 by default) of external addresses;\n"
"                                         ports 1024-65535, block 256, low-block 16\n"
"                                         (ports below 1024 for inside ports below 1024,\n"
"                                         0: none), max-blocks 8, max-sessions 0 (any),\n"
"                                         cooling 120, mapping eim, filtering eif,\n"
"                                         inbound-limit 64 and inbound-sub-limit 1024\n"
"                                         (sessions outside hosts open, unanswered, per\n"
"                                         mapping and per subscriber; 0: any),\n"
"                                         unconfirmed-share 25 (percent of the blocks, at\n"
"                                         most, for subscribers that have not yet sent\n"
"                                         again after an answer from outside) by\n"
"                                         default; dev: the interface's addresses, as they\n"
"                                         come and go (mappings on one that goes are\n"
"                                         removed at once); router-ports: up to 8 ports\n"
"                                         or ranges the router's own services use, never\n"
"                                         handed out on an address the router has (nor\n"
"                                         is its local port range)\n"
"  natctl pool addr add ID PREFIX         more addresses for pool ID\n"
"  natctl pool addr del ID PREFIX [now]   drain addresses: no new mappings there; with\n"
"                                         now, their mappings and the addresses go at once\n"
"  natctl pool del ID [now]               drain a pool; it goes when its mappings expire\n"
"                                         (with now, at once)\n"
"  natctl pool show                       pools, addresses, blocks in use, mappings\n"
"  natctl inside add PREFIX [pool ID]     translate traffic from PREFIX with pool ID\n"
"  natctl inside del PREFIX               stop: its mappings and sessions go at once\n"
"  natctl inside show\n"
"  natctl exempt add PREFIX               never translate traffic toward PREFIX\n"
"  natctl exempt del PREFIX\n"
"  natctl exempt show\n"
"  natctl forward add PROTO EXT-ADDR:PORT to IN-ADDR:PORT\n"
"                                         a static mapping (tcp or udp): remote hosts reach\n"
"                                         IN-ADDR:PORT at EXT-ADDR:PORT, an address of the\n"
"                                         pool of IN-ADDR\n"
"  natctl forward del PROTO EXT-ADDR:PORT\n"
"                                         remove it (a static one with its sessions); pool\n"
"                                         del, pool addr del and inside del remove the\n"
"                                         forwards they cover\n"
"  natctl forward show                    forwards and their sessions; those subscribers\n"
"                                         asked for (pcp) with the time left\n"
"  natctl config show\n"
"  natctl config set KEY VALUE [KEY VALUE]...\n"
"         keys: udp-timeout, tcp-est-timeout (established and half-closed),\n"
"               tcp-open-timeout (partially open), tcp-trans-timeout (closing: FIN\n"
"               both ways, or RST), icmp-timeout (seconds),\n"
"               max-sessions, interim (seconds between block-active events, 0: none),\n"
"               inbound-refresh (1: inbound packets refresh their session, 0: not),\n"
"               syn-unreachable (1: an unsolicited inbound SYN gets ICMP port\n"
"               unreachable after 6 s unless the inside opens that connection, 0:\n"
"               dropped silently), icmp-error-filtering (1: an ICMP error from\n"
"               outside only from the remote of the flow it quotes, 0: from anyone),\n"
"               unanswered-timeout (seconds: a session an outside host opened,\n"
"               until the inside answers), inside-rpf (1: traffic from an inside\n"
"               source counts as inside only if the route back to it leaves by the\n"
"               interface it came in on, 0: wherever it came from)\n"
"  natctl mapping show                    inside endpoint -> external endpoint (static:\n"
"                                         a static forward's, timed: a pcp one's)\n"
"  natctl session show                    mappings' sessions with remote, state, expiry\n"
"  natctl subscriber show [ADDR]          subscribers' external address, blocks, counts\n"
"  natctl whois ADDR                      the external address and ports of a subscriber\n"
"  natctl whois ADDR:PORT                 the subscriber holding an external port, and\n"
"                                         the forwards of it\n"
"  natctl monitor                         block and exhaustion events as they happen\n"
"  natctl flush [pool ID]                 remove mappings and sessions now (forwards stay)\n"
"  natctl stats                           counters and gauges\n"
"\n"
"Subscribers' own port mappings (PCP) are knat-pcpd's: see knat-pcpd --help.\n"
"\n"
"Options:\n"
"  -j, --json         JSON output\n"
"  -n, --netns NETNS  act in network namespace NETNS (as ip netns names it)\n"
"  -h, --help         this text\n"
"\n"
"Exit status: 0 success, 1 refused or failed (the reason on stderr), 2 usage error.\n";

/* The objects natctl knows, each with its commands. */
static const struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
} cmds[] = {
	{ "pool", do_pool },
	{ "inside", do_inside },
	{ "exempt", do_exempt },
	{ "forward", do_forward },
	{ "config", do_config },
	{ "mapping", do_mapping },
	{ "session", do_session },
	{ "flush", do_flush },
	{ "subscriber", do_subscriber },
	{ "whois", do_whois },
	{ "monitor", do_monitor },
	{ "stats", do_stats },
};

static const struct cmd *find_cmd(const char *obj)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (matches(obj, cmds[i].name))
			return &cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;
	const char *netns = NULL;
	bool json = false;
	int c, ret;

	c = parse_options(argc, argv, usage_text, &json, &netns);
	if (c < 0)
		return -1 - c;
	argc -= c;
	argv += c;
	if (argc < 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (matches(argv[0], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	cmd = find_cmd(argv[0]);
	if (!cmd)
		return usage_error("unknown object \"%s\"", argv[0]);
	if (knat_open(netns, json))
		return 1;
	ret = cmd->run(argc - 1, argv + 1);	/* argv[argc] is NULL */
	nl_close(&nl);
	return ret;
}
