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
#include <getopt.h>
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
"  natctl pcp serve [port PORT] [min-lifetime SECS] [max-lifetime SECS]\n"
"                                         answer subscribers' PCP requests (RFC 6887) on\n"
"                                         UDP port 5351: MAP makes a forward on a port of\n"
"                                         the subscriber's blocks, for 120-86400 s by\n"
"                                         default; only from the inside (the route back\n"
"                                         to the source leaves by the interface the\n"
"                                         request came in on); one line per mapping on\n"
"                                         stdout\n"
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
"Options:\n"
"  -j, --json         JSON output\n"
"  -n, --netns NETNS  act in network namespace NETNS (as ip netns names it)\n"
"  -h, --help         this text\n"
"\n"
"Exit status: 0 success, 1 refused or failed (the reason on stderr), 2 usage error.\n";

struct nl nl;

int usage_error(const char *fmt, const char *arg)
{
	fputs("natctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see natctl --help)\n", stderr);
	return EXIT_USAGE;
}

bool matches(const char *arg, const char *word)
{
	return arg && !strcmp(arg, word);
}

bool is_show(const char *arg)
{
	return !arg || matches(arg, "show") || matches(arg, "list") ||
	       matches(arg, "ls");
}

/* Decimal digits only: strtoul() would take spaces, a sign, and more. */
static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int parse_prefix(const char *arg, uint32_t *addr, uint8_t *plen)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	unsigned long n = 32;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (!is_digits(slash + 1))
			return -1;
		errno = 0;
		n = strtoul(slash + 1, &end, 10);
		if (errno || *end || n > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*addr = a.s_addr;
	*plen = n;
	return 0;
}

int parse_u32(const char *arg, uint32_t max, uint32_t *val)
{
	unsigned long n;
	char *end;

	if (!arg || !is_digits(arg))
		return -1;
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*val = n;
	return 0;
}

int parse_range(const char *arg, uint16_t *lo, uint16_t *hi)
{
	char buf[16], *dash;
	uint32_t a, b;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (!dash)
		return -1;
	*dash = '\0';
	if (parse_u32(buf, 65535, &a) || parse_u32(dash + 1, 65535, &b))
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

int talk(struct nlmsghdr *nlh, nl_msg_cb cb, void *data)
{
	return nl_talk(&nl, nlh, cb, data) ? 1 : 0;
}

const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	}
	return "?";
}

static const char *const tcp_states[__KNAT_TCP_MAX] = {
	[KNAT_TCP_NONE] = "-",
	[KNAT_TCP_SYN_SENT] = "syn-sent",
	[KNAT_TCP_SYN_RECV] = "syn-recv",
	[KNAT_TCP_PICKUP] = "pickup",
	[KNAT_TCP_ESTABLISHED] = "established",
	[KNAT_TCP_FIN] = "fin",
	[KNAT_TCP_RST] = "rst",
	[KNAT_TCP_HALF_CLOSED] = "half-closed",
};

uint32_t attr_u32(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

uint16_t attr_u16(const struct nlattr *a)
{
	return a ? mnl_attr_get_u16(a) : 0;
}

uint8_t attr_u8(const struct nlattr *a)
{
	return a ? mnl_attr_get_u8(a) : 0;
}

void out_prefix(const struct nlattr **tb)
{
	char addr[INET_ADDRSTRLEN], buf[INET_ADDRSTRLEN + 4];
	struct in_addr a = { .s_addr = attr_u32(tb[KNAT_A_ADDR]) };

	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	snprintf(buf, sizeof(buf), "%s/%u", addr, attr_u8(tb[KNAT_A_PREFIXLEN]));
	out_str("prefix", NULL, buf);
}

int dump(uint8_t cmd, nl_msg_cb cb)
{
	int ret;

	out_list_start();
	ret = talk(nl_request(&nl, cmd, NLM_F_DUMP), cb, NULL);
	out_list_end();
	return ret;
}

/* config */

static const struct {
	const char *name;
	int attr;
	uint32_t max;
} config_keys[] = {
	{ "udp-timeout", KNAT_A_TIMEOUT_UDP, UINT32_MAX },
	{ "tcp-est-timeout", KNAT_A_TIMEOUT_TCP_EST, UINT32_MAX },
	{ "tcp-open-timeout", KNAT_A_TIMEOUT_TCP_OPEN, UINT32_MAX },
	{ "tcp-trans-timeout", KNAT_A_TIMEOUT_TCP_TRANS, UINT32_MAX },
	{ "icmp-timeout", KNAT_A_TIMEOUT_ICMP, UINT32_MAX },
	{ "max-sessions", KNAT_A_MAX_SESSIONS, UINT32_MAX },
	{ "interim", KNAT_A_INTERIM, UINT32_MAX },
	{ "inbound-refresh", KNAT_A_INBOUND_REFRESH, 1 },
	{ "syn-unreachable", KNAT_A_SYN_UNREACH, 1 },
	{ "icmp-error-filtering", KNAT_A_ICMP_FILTER, 1 },
	{ "unanswered-timeout", KNAT_A_TIMEOUT_UNANSWERED, UINT32_MAX },
	{ "inside-rpf", KNAT_A_INSIDE_RPF, 1 },
};

#define N_CONFIG_KEYS ARRAY_SIZE(config_keys)

static int config_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	bool json = *(bool *)data;
	size_t i;

	nl_parse(nlh, tb, KNAT_A_MAX);
	if (json)
		out_obj_start();
	for (i = 0; i < N_CONFIG_KEYS; i++) {
		if (!json)
			out_obj_start();
		out_u64(config_keys[i].name, config_keys[i].name,
			attr_u32(tb[config_keys[i].attr]));
		if (!json)
			out_obj_end();
	}
	if (json)
		out_obj_end();
	return MNL_CB_OK;
}

static int do_config(int argc, char **argv, bool json)
{
	struct nlmsghdr *nlh;
	uint32_t val;
	size_t i;

	if (is_show(argv[0]))
		return talk(nl_request(&nl, KNAT_CMD_CONFIG_GET, 0), config_msg, &json);
	if (!matches(argv[0], "set"))
		return usage_error("unknown config command \"%s\"", argv[0]);
	if (argc < 3)
		return usage_error("%s", "config set needs KEY VALUE");
	if (argc > MAX_ARGS)
		return usage_error("%s", "too many arguments");
	nlh = nl_request(&nl, KNAT_CMD_CONFIG_SET, NLM_F_ACK);
	for (argc--, argv++; argc > 0; argc -= 2, argv += 2) {
		for (i = 0; i < N_CONFIG_KEYS; i++)
			if (matches(argv[0], config_keys[i].name))
				break;
		if (i == N_CONFIG_KEYS)
			return usage_error("unknown config key \"%s\"", argv[0]);
		if (parse_u32(argv[1], config_keys[i].max, &val))
			return usage_error("invalid value \"%s\"", argv[1] ? argv[1] : "");
		mnl_attr_put_u32(nlh, config_keys[i].attr, val);
	}
	return talk(nlh, NULL, NULL);
}

/* mapping and session */

static void out_flow(const struct nlattr **tb)
{
	out_str("proto", NULL, proto_name(attr_u8(tb[KNAT_A_PROTO])));
	out_endpoint("inside", NULL, attr_u32(tb[KNAT_A_IN_ADDR]),
		     attr_u16(tb[KNAT_A_IN_PORT]));
	out_endpoint("external", "->", attr_u32(tb[KNAT_A_EXT_ADDR]),
		     attr_u16(tb[KNAT_A_EXT_PORT]));
}

static int mapping_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];

	nl_parse(nlh, tb, KNAT_A_MAX);
	out_obj_start();
	out_flow(tb);
	out_u64("sessions", "sessions", attr_u32(tb[KNAT_A_SESSIONS]));
	if (tb[KNAT_A_STATIC])
		out_str("type", NULL, attr_u8(tb[KNAT_A_STATIC]) == 2 ?
			"timed" : "static");
	out_obj_end();
	return MNL_CB_OK;
}

static int session_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	uint8_t state;

	nl_parse(nlh, tb, KNAT_A_MAX);
	state = attr_u8(tb[KNAT_A_TCP_STATE]);
	out_obj_start();
	out_flow(tb);
	out_endpoint("remote", "->", attr_u32(tb[KNAT_A_REM_ADDR]),
		     attr_u16(tb[KNAT_A_REM_PORT]));
	out_str("state", "state",
		state < __KNAT_TCP_MAX && tcp_states[state] ? tcp_states[state] : "?");
	out_u64("expires-ms", "expires-ms", attr_u32(tb[KNAT_A_EXPIRES]));
	out_obj_end();
	return MNL_CB_OK;
}

/* stats */

static const char *const stat_names[__KNAT_STAT_MAX] = {
	[KNAT_STAT_XLATE_OUT] = "translated-out",
	[KNAT_STAT_XLATE_IN] = "translated-in",
	[KNAT_STAT_MAPPINGS_CREATED] = "mappings-created",
	[KNAT_STAT_MAPPINGS_EXPIRED] = "mappings-expired",
	[KNAT_STAT_MAPPINGS_FLUSHED] = "mappings-flushed",
	[KNAT_STAT_SESSIONS_CREATED] = "sessions-created",
	[KNAT_STAT_SESSIONS_EXPIRED] = "sessions-expired",
	[KNAT_STAT_DROP_NO_POOL] = "drop-no-pool",
	[KNAT_STAT_DROP_NO_MAPPING] = "drop-no-mapping",
	[KNAT_STAT_DROP_MALFORMED] = "drop-malformed",
	[KNAT_STAT_DROP_INSERT] = "drop-insert-failed",
	[KNAT_STAT_DROP_NOMEM] = "drop-nomem",
	[KNAT_STAT_DROP_UNSUPPORTED] = "drop-unsupported",
	[KNAT_STAT_DROP_TABLE_FULL] = "drop-table-full",
	[KNAT_STAT_MAPPINGS] = "mappings",
	[KNAT_STAT_SESSIONS] = "sessions",
	[KNAT_STAT_DROP_EXHAUSTED] = "drop-exhausted",
	[KNAT_STAT_DROP_LIMIT_BLOCKS] = "drop-limit-blocks",
	[KNAT_STAT_DROP_LIMIT_SESSIONS] = "drop-limit-sessions",
	[KNAT_STAT_BLOCKS_ALLOCATED] = "blocks-allocated",
	[KNAT_STAT_BLOCKS_RELEASED] = "blocks-released",
	[KNAT_STAT_EVENTS_LOST] = "events-lost",
	[KNAT_STAT_XLATE_ICMP_ERR] = "translated-icmp-errors",
	[KNAT_STAT_HAIRPIN] = "hairpinned",
	[KNAT_STAT_EXEMPT] = "exempted",
	[KNAT_STAT_DROP_FILTERED] = "drop-filtered",
	[KNAT_STAT_SYN_HELD] = "syn-held",
	[KNAT_STAT_SYN_UNREACH] = "syn-unreachable-sent",
	[KNAT_STAT_INDEX_BUCKETS] = "index-buckets",
	[KNAT_STAT_DROP_SPOOFED] = "drop-spoofed",
	[KNAT_STAT_INBOUND_UNTRACKED] = "inbound-untracked",
	[KNAT_STAT_UNANSWERED] = "sessions-unanswered",
	[KNAT_STAT_DROP_UNCONFIRMED] = "drop-unconfirmed",
};

static int stats_attr(const struct nlattr *attr, void *data)
{
	bool json = *(bool *)data;
	int type = mnl_attr_get_type(attr);

	if (type >= __KNAT_STAT_MAX || !stat_names[type] ||
	    mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return MNL_CB_OK;
	if (!json)
		out_obj_start();
	out_u64(stat_names[type], stat_names[type], mnl_attr_get_u64(attr));
	if (!json)
		out_obj_end();
	return MNL_CB_OK;
}

static int stats_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	bool json = *(bool *)data;

	nl_parse(nlh, tb, KNAT_A_MAX);
	if (!tb[KNAT_A_STATS])
		return MNL_CB_OK;
	if (json)
		out_obj_start();
	mnl_attr_parse_nested(tb[KNAT_A_STATS], stats_attr, data);
	if (json)
		out_obj_end();
	return MNL_CB_OK;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "natctl: cannot open network namespace \"%s\": %s\n",
			name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "natctl: cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int run(int argc, char **argv, bool json)
{
	const char *obj = argv[0];
	char **rest = argv + 1;		/* argv[argc] is NULL */

	if (matches(obj, "pool"))
		return do_pool(argc - 1, rest);
	if (matches(obj, "inside"))
		return do_inside(argc - 1, rest);
	if (matches(obj, "exempt"))
		return do_exempt(argc - 1, rest);
	if (matches(obj, "forward"))
		return do_forward(argc - 1, rest);
	if (matches(obj, "config"))
		return do_config(argc - 1, rest, json);
	if (matches(obj, "mapping") && is_show(rest[0]))
		return dump(KNAT_CMD_MAPPING_GET, mapping_msg);
	if (matches(obj, "session") && is_show(rest[0]))
		return dump(KNAT_CMD_SESSION_GET, session_msg);
	if (matches(obj, "flush"))
		return do_flush(argc - 1, argv + 1);
	if (matches(obj, "subscriber"))
		return do_subscriber(argc - 1, rest);
	if (matches(obj, "whois"))
		return do_whois(argc - 1, argv + 1);
	if (matches(obj, "monitor"))
		return do_monitor(argc - 1, argv + 1);
	if (matches(obj, "pcp"))
		return do_pcp(argc - 1, argv + 1);
	if (matches(obj, "stats") && (argc == 1 || is_show(rest[0])))
		return talk(nl_request(&nl, KNAT_CMD_STATS_GET, 0), stats_msg, &json);
	return usage_error("unknown command \"%s\"", obj);
}

static bool known_object(const char *obj)
{
	static const char *const objects[] = {
		"pool", "inside", "exempt", "forward", "config", "mapping", "session",
		"flush", "stats", "subscriber", "whois", "monitor", "pcp",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (matches(obj, objects[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *netns = NULL;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+jn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (matches(argv[0], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!known_object(argv[0]))
		return usage_error("unknown object \"%s\"", argv[0]);
	if (netns && enter_netns(netns))
		return 1;
	out_init(json);
	if (nl_open(&nl, KNAT_GENL_NAME)) {
		nl_close(&nl);
		return 1;
	}
	ret = run(argc, argv, json);
	nl_close(&nl);
	return ret;
}
