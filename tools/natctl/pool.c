// SPDX-License-Identifier: GPL-2.0
/* natctl: pools, inside prefixes, forwards, subscribers, whois and flush. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/knat.h>
#include "natctl.h"

static const struct {
	const char *name;
	int attr;
	uint32_t max;
	int bits;
} pool_keys[] = {
	{ "block", KNAT_A_BLOCK_SIZE, 65535, 16 },
	{ "low-block", KNAT_A_LOW_BLOCK, 1023, 16 },
	{ "max-blocks", KNAT_A_MAX_BLOCKS, 65535, 16 },
	{ "max-sessions", KNAT_A_SUB_MAX_SESSIONS, UINT32_MAX, 32 },
	{ "inbound-limit", KNAT_A_INBOUND_LIMIT, 65535, 16 },
	{ "inbound-sub-limit", KNAT_A_INBOUND_SUB_LIMIT, UINT32_MAX, 32 },
	{ "unconfirmed-share", KNAT_A_UNCONFIRMED_SHARE, 100, 8 },
	{ "cooling", KNAT_A_COOLING, UINT32_MAX, 32 },
};

#define N_POOL_KEYS ARRAY_SIZE(pool_keys)

static int pool_key(struct nlmsghdr *nlh, const char *key, const char *val)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < N_POOL_KEYS; i++)
		if (matches(key, pool_keys[i].name))
			break;
	if (i == N_POOL_KEYS)
		return usage_error("unexpected argument \"%s\"", key);
	if (parse_u32(val, pool_keys[i].max, &v))
		return usage_error("invalid value \"%s\"", val ? val : "");
	if (pool_keys[i].bits == 8)
		mnl_attr_put_u8(nlh, pool_keys[i].attr, v);
	else if (pool_keys[i].bits == 16)
		mnl_attr_put_u16(nlh, pool_keys[i].attr, v);
	else
		mnl_attr_put_u32(nlh, pool_keys[i].attr, v);
	return 0;
}

static const char *const filters[] = {
	[KNAT_FILTER_EIF] = "eif",
	[KNAT_FILTER_ADF] = "adf",
	[KNAT_FILTER_APDF] = "apdf",
};

static const char *const mappings[] = {
	[KNAT_MAPPING_EIM] = "eim",
	[KNAT_MAPPING_ADM] = "adm",
	[KNAT_MAPPING_APDM] = "apdm",
};

/* The behaviours a pool chooses per protocol, as KEY VALUE. */
static const struct behaviour {
	const char *key;		/* both protocols; tcp-KEY, udp-KEY */
	const char *const *names;
	int tcp_attr;
	int udp_attr;
} behaviours[] = {
	{ "filtering", filters, KNAT_A_FILTER_TCP, KNAT_A_FILTER_UDP },
	{ "mapping", mappings, KNAT_A_MAPPING_TCP, KNAT_A_MAPPING_UDP },
};

/* The behaviour KEY names, for TCP, UDP or both; NULL if none. */
static const struct behaviour *behaviour_of(const char *key, bool *tcp,
					    bool *udp)
{
	size_t i;

	for (i = 0; key && i < ARRAY_SIZE(behaviours); i++) {
		const char *k = behaviours[i].key;

		*tcp = !strncmp(key, "tcp-", 4) && !strcmp(key + 4, k);
		*udp = !strncmp(key, "udp-", 4) && !strcmp(key + 4, k);
		if (!strcmp(key, k))
			*tcp = *udp = true;
		if (*tcp || *udp)
			return &behaviours[i];
	}
	return NULL;
}

/* filtering|mapping VALUE (TCP and UDP), tcp-KEY VALUE, udp-KEY VALUE */
static int put_behaviour(struct nlmsghdr *nlh, const struct behaviour *b,
			 bool tcp, bool udp, const char *val)
{
	char msg[128];
	size_t i;

	for (i = 0; i < 3; i++)
		if (matches(val, b->names[i]))
			break;
	if (i == 3) {
		snprintf(msg, sizeof(msg), "invalid %s \"%s\" (expected %s, %s or %s)",
			 b->key, val ? val : "", b->names[0], b->names[1],
			 b->names[2]);
		return usage_error("%s", msg);
	}
	if (tcp)
		mnl_attr_put_u8(nlh, b->tcp_attr, i);
	if (udp)
		mnl_attr_put_u8(nlh, b->udp_attr, i);
	return 0;
}

/* The addresses of a new pool: PREFIX, or those of interface IFNAME. */
static int put_addresses(struct nlmsghdr *nlh, int *argc, char ***argv)
{
	const char *name = (*argv)[1];
	unsigned int ifindex;

	if (!matches((*argv)[0], "dev")) {
		(*argc)--;
		(*argv)++;
		return put_prefix(nlh, KNAT_A_ADDR, KNAT_A_PREFIXLEN, (*argv)[-1]);
	}
	if (!name)
		return usage_error("%s", "dev needs an interface name");
	ifindex = if_nametoindex(name);
	if (!ifindex)
		return usage_error("no such interface \"%s\"", name);
	mnl_attr_put_u32(nlh, KNAT_A_IFINDEX, ifindex);
	*argc -= 2;
	*argv += 2;
	return 0;
}

/* router-ports P[-Q][,P[-Q]]...: at most KNAT_ROUTER_PORTS_MAX of them */
static int put_router_ports(struct nlmsghdr *nlh, const char *arg)
{
	char buf[128], *item, *save = NULL;
	struct nlattr *list, *e;
	uint16_t lo, hi;
	int n = 0;

	if (!arg || strlen(arg) >= sizeof(buf))
		return usage_error("invalid router ports \"%s\" (P[-Q],...)",
				   arg ? arg : "");
	strcpy(buf, arg);
	list = mnl_attr_nest_start(nlh, KNAT_A_ROUTER_PORTS);
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (parse_ports(item, &lo, &hi))
			return usage_error("invalid router ports \"%s\" (P[-Q],..., 1-65535)",
					   item);
		if (++n > KNAT_ROUTER_PORTS_MAX)
			return usage_error("%s", "at most 8 router-ports ranges");
		e = mnl_attr_nest_start(nlh, KNAT_A_PORTS);
		mnl_attr_put_u16(nlh, KNAT_A_PORT_MIN, lo);
		mnl_attr_put_u16(nlh, KNAT_A_PORT_MAX, hi);
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, list);
	return n ? 0 : usage_error("%s", "router-ports needs ports");
}

/* pool add [id ID] PREFIX|dev IFNAME [ports LO-HI] [KEY VALUE]... [overlap]
 *          [parity] [router-ports LIST] [deterministic INSIDE-PREFIX]
 */
static int pool_add(int argc, char **argv)
{
	struct nlmsghdr *nlh = nl_request(&nl, KNAT_CMD_POOL_ADD, NLM_F_ACK);
	const struct behaviour *b;
	uint16_t lo, hi;
	bool tcp, udp;
	int err;

	if (matches(argv[0], "id")) {
		err = put_pool_id(nlh, argv[1]);
		if (err)
			return err;
		argc -= 2;
		argv += 2;
	}
	if (argc > MAX_ARGS)
		return usage_error("%s", "too many arguments");
	err = put_addresses(nlh, &argc, &argv);
	for (; !err && argc > 0; argc -= 2, argv += 2) {
		b = behaviour_of(argv[0], &tcp, &udp);
		if (matches(argv[0], "overlap") || matches(argv[0], "parity")) {
			mnl_attr_put_u8(nlh, matches(argv[0], "overlap") ?
					KNAT_A_OVERLAP : KNAT_A_PARITY, 1);
			argc++;
			argv--;
		} else if (matches(argv[0], "deterministic")) {
			mnl_attr_put_u8(nlh, KNAT_A_MODE, KNAT_MODE_DETERMINISTIC);
			err = put_prefix(nlh, KNAT_A_IN_ADDR, KNAT_A_IN_PREFIXLEN,
					 argv[1]);
		} else if (b) {
			err = put_behaviour(nlh, b, tcp, udp, argv[1]);
		} else if (matches(argv[0], "ports")) {
			if (parse_range(argv[1], &lo, &hi))
				return usage_error("invalid port range \"%s\" (LO-HI, 1-65535)",
						   argv[1] ?: "");
			mnl_attr_put_u16(nlh, KNAT_A_PORT_MIN, lo);
			mnl_attr_put_u16(nlh, KNAT_A_PORT_MAX, hi);
		} else if (matches(argv[0], "router-ports")) {
			err = put_router_ports(nlh, argv[1]);
		} else {
			err = pool_key(nlh, argv[0], argv[1]);
		}
	}
	return err ?: talk(nlh, NULL, NULL);
}

/* pool del ID [now]; pool addr {add|del} ID PREFIX (del: [now]) */
static int pool_id_cmd(uint8_t cmd, int argc, char **argv, bool prefix)
{
	struct nlmsghdr *nlh = nl_request(&nl, cmd, NLM_F_ACK);
	int n = prefix ? 2 : 1;
	int err;

	if (matches(argv[0], "id")) {
		argc--;
		argv++;
	}
	if (cmd != KNAT_CMD_RANGE_ADD && argc == n + 1 &&
	    matches(argv[n], "now")) {
		mnl_attr_put_u8(nlh, KNAT_A_NOW, 1);
		argc--;
	}
	if (argc != n)
		return usage_error("%s", prefix ? "expected POOL-ID PREFIX" :
					  "expected POOL-ID");
	err = put_pool_id(nlh, argv[0]);
	if (!err && prefix)
		err = put_prefix(nlh, KNAT_A_ADDR, KNAT_A_PREFIXLEN, argv[1]);
	return err ?: talk(nlh, NULL, NULL);
}

static void range_fmt(const struct nlattr **tb, char *out, size_t size)
{
	char buf[INET_ADDRSTRLEN];

	snprintf(out, size, "%s/%u%s", addr_str(attr_u32(tb[KNAT_A_ADDR]), buf),
		 attr_u8(tb[KNAT_A_PREFIXLEN]),
		 attr_u8(tb[KNAT_A_DRAINING]) ? "(draining)" : "");
}

static void ports_fmt(const struct nlattr **tb, char *out, size_t size)
{
	uint16_t lo = attr_u16(tb[KNAT_A_PORT_MIN]);
	uint16_t hi = attr_u16(tb[KNAT_A_PORT_MAX]);

	if (lo == hi)
		snprintf(out, size, "%u", lo);
	else
		snprintf(out, size, "%u-%u", lo, hi);
}

static const char *behaviour_name(const char *const *names,
				  const struct nlattr *a)
{
	uint8_t v = attr_u8(a);

	return v < 3 ? names[v] : "?";
}

static int pool_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	char buf[INET_ADDRSTRLEN + 4], ranges[1024];
	bool det;

	nl_parse(nlh, tb, KNAT_A_MAX);
	det = attr_u8(tb[KNAT_A_MODE]) == KNAT_MODE_DETERMINISTIC;
	items(tb[KNAT_A_RANGES], KNAT_A_RANGE, range_fmt, ranges, sizeof(ranges));
	out_obj_start();
	out_u64("id", "pool", attr_u32(tb[KNAT_A_POOL_ID]));
	out_str("addresses", NULL, ranges);
	if (tb[KNAT_A_IFINDEX]) {
		char name[IF_NAMESIZE];

		if (!if_indextoname(attr_u32(tb[KNAT_A_IFINDEX]), name))
			snprintf(name, sizeof(name), "if%u",
				 attr_u32(tb[KNAT_A_IFINDEX]));
		out_str("dev", "dev", name);
	}
	snprintf(buf, sizeof(buf), "%u-%u", attr_u16(tb[KNAT_A_PORT_MIN]),
		 attr_u16(tb[KNAT_A_PORT_MAX]));
	out_str("ports", "ports", buf);
	out_str("mode", "mode", det ? "deterministic" : "dynamic");
	if (det) {
		snprintf(buf, sizeof(buf), "%s/%u",
			 addr_str(attr_u32(tb[KNAT_A_IN_ADDR]), ranges),
			 attr_u8(tb[KNAT_A_IN_PREFIXLEN]));
		out_str("inside", "inside", buf);
		out_u64("ports-per-subscriber", "ports-per-subscriber",
			attr_u16(tb[KNAT_A_BLOCK_SIZE]));
	} else {
		out_u64("block", "block", attr_u16(tb[KNAT_A_BLOCK_SIZE]));
		out_u64("low-block", "low-block", attr_u16(tb[KNAT_A_LOW_BLOCK]));
		out_u64("max-blocks", "max-blocks", attr_u16(tb[KNAT_A_MAX_BLOCKS]));
		out_u64("max-sessions", "max-sessions",
			attr_u32(tb[KNAT_A_SUB_MAX_SESSIONS]));
		out_u64("cooling", "cooling", attr_u32(tb[KNAT_A_COOLING]));
		out_str("overlap", "overlap",
			attr_u8(tb[KNAT_A_OVERLAP]) ? "on" : "off");
		out_str("parity", "parity",
			attr_u8(tb[KNAT_A_PARITY]) ? "on" : "off");
		out_u64("blocks-total", "blocks", attr_u32(tb[KNAT_A_BLOCKS_TOTAL]));
		out_u64("blocks-active", "active", attr_u32(tb[KNAT_A_BLOCKS_ACTIVE]));
		out_u64("blocks-cooling", "cooling-blocks",
			attr_u32(tb[KNAT_A_BLOCKS_COOLING]));
		out_u64("unconfirmed-share", "unconfirmed-share",
			attr_u8(tb[KNAT_A_UNCONFIRMED_SHARE]));
		out_u64("blocks-unconfirmed", "unconfirmed-blocks",
			attr_u32(tb[KNAT_A_BLOCKS_UNCONFIRMED]));
	}
	out_u64("inbound-limit", "inbound-limit",
		attr_u16(tb[KNAT_A_INBOUND_LIMIT]));
	out_u64("inbound-sub-limit", "inbound-sub-limit",
		attr_u32(tb[KNAT_A_INBOUND_SUB_LIMIT]));
	out_str("tcp-mapping", "tcp-mapping",
		behaviour_name(mappings, tb[KNAT_A_MAPPING_TCP]));
	out_str("udp-mapping", "udp-mapping",
		behaviour_name(mappings, tb[KNAT_A_MAPPING_UDP]));
	out_str("tcp-filtering", "tcp-filtering",
		behaviour_name(filters, tb[KNAT_A_FILTER_TCP]));
	out_str("udp-filtering", "udp-filtering",
		behaviour_name(filters, tb[KNAT_A_FILTER_UDP]));
	if (tb[KNAT_A_ROUTER_PORTS]) {
		items(tb[KNAT_A_ROUTER_PORTS], KNAT_A_PORTS, ports_fmt, ranges,
		      sizeof(ranges));
		out_str("router-ports", "router-ports", ranges);
	}
	if (attr_u8(tb[KNAT_A_DRAINING]))
		out_str("state", NULL, "draining");
	out_u64("mappings", "mappings", attr_u32(tb[KNAT_A_MAPPINGS]));
	out_obj_end();
	return MNL_CB_OK;
}

int do_pool(int argc, char **argv)
{
	if (is_show(argv[0]))
		return dump(KNAT_CMD_POOL_GET, pool_msg);
	if (argc < 2)
		return usage_error("%s", "pool add|del|addr needs arguments");
	if (matches(argv[0], "add"))
		return pool_add(argc - 1, argv + 1);
	if (matches(argv[0], "del") || matches(argv[0], "delete"))
		return pool_id_cmd(KNAT_CMD_POOL_DEL, argc - 1, argv + 1, false);
	if (matches(argv[0], "addr") && matches(argv[1], "add"))
		return pool_id_cmd(KNAT_CMD_RANGE_ADD, argc - 2, argv + 2, true);
	if (matches(argv[0], "addr") &&
	    (matches(argv[1], "del") || matches(argv[1], "delete")))
		return pool_id_cmd(KNAT_CMD_RANGE_DEL, argc - 2, argv + 2, true);
	return usage_error("unknown pool command \"%s\"", argv[0]);
}
