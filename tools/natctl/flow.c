// SPDX-License-Identifier: GPL-2.0
/* natctl mapping, session, flush: the flows. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

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

int do_mapping(int argc, char **argv)
{
	if (!is_show(argv[0]))
		return usage_error("unknown mapping command \"%s\"", argv[0]);
	return dump(KNAT_CMD_MAPPING_GET, mapping_msg);
}

int do_session(int argc, char **argv)
{
	if (!is_show(argv[0]))
		return usage_error("unknown session command \"%s\"", argv[0]);
	return dump(KNAT_CMD_SESSION_GET, session_msg);
}

/* flush [pool ID] */
int do_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh = nl_request(&nl, KNAT_CMD_FLUSH, NLM_F_ACK);

	if (argc == 0)
		return talk(nlh, NULL, NULL);
	if (argc != 2 || !matches(argv[0], "pool"))
		return usage_error("unexpected argument \"%s\"", argv[0]);
	return put_pool_id(nlh, argv[1]) ?: talk(nlh, NULL, NULL);
}
