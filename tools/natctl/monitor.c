// SPDX-License-Identifier: GPL-2.0
/* natctl monitor: attribution events, one a line, as they come. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

static const char *const event_names[__KNAT_EVENT_MAX] = {
	[KNAT_EVENT_BLOCK_ALLOC] = "block-alloc",
	[KNAT_EVENT_BLOCK_RELEASE] = "block-release",
	[KNAT_EVENT_BLOCK_ACTIVE] = "block-active",
	[KNAT_EVENT_EXHAUSTED] = "exhausted",
	[KNAT_EVENT_LIMIT_BLOCKS] = "limit-blocks",
	[KNAT_EVENT_LIMIT_SESSIONS] = "limit-sessions",
	[KNAT_EVENT_TABLE_FULL] = "table-full",
};

/* RFC 3339, UTC, microseconds. */
static void out_time(uint64_t ns)
{
	time_t secs = ns / 1000000000;
	char buf[40], stamp[48];
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, sizeof(stamp), "%s.%06uZ", buf,
		 (unsigned int)(ns % 1000000000 / 1000));
	out_str("time", NULL, stamp);
}

static void out_addr(const char *key, const struct nlattr *attr)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a = { .s_addr = attr_u32(attr) };

	out_str(key, key, inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

static int event_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[KNAT_A_MAX + 1];
	uint8_t type;
	char ports[16];

	if (g->cmd != KNAT_CMD_EVENT)
		return MNL_CB_OK;
	nl_parse(nlh, tb, KNAT_A_MAX);
	type = attr_u8(tb[KNAT_A_EVENT]);
	out_obj_start();
	out_time(tb[KNAT_A_TIME] ? mnl_attr_get_u64(tb[KNAT_A_TIME]) : 0);
	out_str("event", NULL, type < __KNAT_EVENT_MAX && event_names[type] ?
		event_names[type] : "unknown");
	if (tb[KNAT_A_POOL_ID])
		out_u64("pool", "pool", attr_u32(tb[KNAT_A_POOL_ID]));
	if (tb[KNAT_A_IN_ADDR])
		out_addr("subscriber", tb[KNAT_A_IN_ADDR]);
	if (tb[KNAT_A_EXT_ADDR])
		out_addr("external", tb[KNAT_A_EXT_ADDR]);
	if (tb[KNAT_A_PORT_MAX]) {
		snprintf(ports, sizeof(ports), "%u-%u",
			 attr_u16(tb[KNAT_A_PORT_MIN]),
			 attr_u16(tb[KNAT_A_PORT_MAX]));
		out_str("ports", "ports", ports);
	}
	if (tb[KNAT_A_PROTO])
		out_str("proto", "proto", proto_name(attr_u8(tb[KNAT_A_PROTO])));
	out_obj_end();
	fflush(stdout);
	return MNL_CB_OK;
}

int do_monitor(int argc, char **argv)
{
	int ret;

	if (argc > 0)
		return usage_error("unexpected argument \"%s\"", argv[0]);
	if (nl_join(&nl, KNAT_GENL_NAME, KNAT_MCGRP_EVENTS))
		return 1;
	for (;;) {
		ret = nl_recv(&nl, event_msg, NULL);
		if (ret == -ENOBUFS)
			fputs("natctl: events lost: the receive buffer overflowed\n",
			      stderr);
		else if (ret)
			return 1;
	}
}
