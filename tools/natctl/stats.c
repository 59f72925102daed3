// SPDX-License-Identifier: GPL-2.0
/* natctl stats: counters and gauges. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

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

int do_stats(int argc, char **argv)
{
	bool json = out_json();

	if (argc && !is_show(argv[0]))
		return usage_error("unknown stats command \"%s\"", argv[0]);
	return talk(nl_request(&nl, KNAT_CMD_STATS_GET, 0), stats_msg, &json);
}
