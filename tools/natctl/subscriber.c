// SPDX-License-Identifier: GPL-2.0
/* natctl subscriber, natctl whois: who holds what. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

static const char *const block_states[] = {
	[KNAT_BLOCK_FREE] = "free",
	[KNAT_BLOCK_ACTIVE] = "active",
	[KNAT_BLOCK_COOLING] = "cooling",
};

static void block_fmt(const struct nlattr **tb, char *out, size_t size)
{
	char buf[INET_ADDRSTRLEN];

	snprintf(out, size, "%s:%u-%u", addr_str(attr_u32(tb[KNAT_A_EXT_ADDR]), buf),
		 attr_u16(tb[KNAT_A_PORT_MIN]), attr_u16(tb[KNAT_A_PORT_MAX]));
}

/* A subscriber: IN_ADDR, POOL_ID, EXT_ADDR, BLOCKS, MAPPINGS, SESSIONS. */
static int sub_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	char buf[INET_ADDRSTRLEN], blocks[4096];

	nl_parse(nlh, tb, KNAT_A_MAX);
	items(tb[KNAT_A_BLOCKS], KNAT_A_BLOCK, block_fmt, blocks, sizeof(blocks));
	out_obj_start();
	out_str("subscriber", NULL, addr_str(attr_u32(tb[KNAT_A_IN_ADDR]), buf));
	out_u64("pool", "pool", attr_u32(tb[KNAT_A_POOL_ID]));
	if (tb[KNAT_A_EXT_ADDR])
		out_str("external", "external",
			addr_str(attr_u32(tb[KNAT_A_EXT_ADDR]), buf));
	out_str("blocks", "blocks", *blocks ? blocks : "-");
	if (tb[KNAT_A_MAPPINGS])
		out_u64("mappings", "mappings", attr_u32(tb[KNAT_A_MAPPINGS]));
	if (tb[KNAT_A_SESSIONS])
		out_u64("sessions", "sessions", attr_u32(tb[KNAT_A_SESSIONS]));
	out_obj_end();
	return MNL_CB_OK;
}

int do_subscriber(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	uint32_t addr;

	if (!is_show(argv[0]))
		return usage_error("unknown subscriber command \"%s\"", argv[0]);
	if (argc < 2)
		return dump(KNAT_CMD_SUBSCRIBER_GET, sub_msg);
	if (argc > 2 || parse_addr(argv[1], &addr))
		return usage_error("invalid address \"%s\"", argv[1]);
	nlh = nl_request(&nl, KNAT_CMD_SUBSCRIBER_GET, 0);
	mnl_attr_put_u32(nlh, KNAT_A_IN_ADDR, addr);
	return talk(nlh, sub_msg, NULL);
}

/* The holder of an external port: its forwards, its block's subscriber. */
static int whois_ext_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	char buf[INET_ADDRSTRLEN], ports[16], fwds[1024];
	uint8_t state;

	nl_parse(nlh, tb, KNAT_A_MAX);
	state = attr_u8(tb[KNAT_A_BLOCK_STATE]);
	items(tb[KNAT_A_FORWARDS], KNAT_A_FORWARD, forward_fmt, fwds,
	      sizeof(fwds));
	out_obj_start();
	out_endpoint("external", NULL, attr_u32(tb[KNAT_A_EXT_ADDR]),
		     attr_u16(tb[KNAT_A_EXT_PORT]));
	out_str("subscriber", "subscriber", tb[KNAT_A_IN_ADDR] ?
		addr_str(attr_u32(tb[KNAT_A_IN_ADDR]), buf) : "-");
	out_u64("pool", "pool", attr_u32(tb[KNAT_A_POOL_ID]));
	if (tb[KNAT_A_BLOCK_STATE]) {
		snprintf(ports, sizeof(ports), "%u-%u",
			 attr_u16(tb[KNAT_A_PORT_MIN]),
			 attr_u16(tb[KNAT_A_PORT_MAX]));
		out_str("block", "block", ports);
		out_str("state", "state", state < ARRAY_SIZE(block_states) ?
			block_states[state] : "?");
	}
	if (*fwds)
		out_str("forwards", "forwards", fwds);
	out_obj_end();
	return MNL_CB_OK;
}

/* whois ADDR (an inside address) or ADDR:PORT (an external port) */
int do_whois(int argc, char **argv)
{
	struct nlmsghdr *nlh = nl_request(&nl, KNAT_CMD_WHOIS, 0);
	uint32_t addr;
	int32_t port;

	if (argc != 1)
		return usage_error("%s", "whois needs ADDR or ADDR:PORT");
	if (parse_endpoint(argv[0], false, &addr, &port))
		return usage_error("invalid address \"%s\" (expected ADDR or ADDR:PORT)",
				   argv[0]);
	if (port < 0) {
		mnl_attr_put_u32(nlh, KNAT_A_IN_ADDR, addr);
		return talk(nlh, sub_msg, NULL);
	}
	mnl_attr_put_u32(nlh, KNAT_A_EXT_ADDR, addr);
	mnl_attr_put_u16(nlh, KNAT_A_EXT_PORT, port);
	return talk(nlh, whois_ext_msg, NULL);
}
