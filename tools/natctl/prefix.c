// SPDX-License-Identifier: GPL-2.0
/* natctl inside, natctl exempt: the inside prefixes and exempt destinations. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

/* An inside prefix and its pool, or an exempt destination. */
static int prefix_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];

	nl_parse(nlh, tb, KNAT_A_MAX);
	out_obj_start();
	out_prefix(tb);
	if (tb[KNAT_A_POOL_ID])
		out_u64("pool", "pool", attr_u32(tb[KNAT_A_POOL_ID]));
	out_obj_end();
	return MNL_CB_OK;
}

/* inside {add|del} PREFIX [pool ID], exempt {add|del} PREFIX */
static int prefix_cmd(uint8_t cmd, int argc, char **argv)
{
	struct nlmsghdr *nlh = nl_request(&nl, cmd, NLM_F_ACK);
	int err = put_prefix(nlh, KNAT_A_ADDR, KNAT_A_PREFIXLEN, argv[0]);

	if (err)
		return err;
	if (argc == 1)
		return talk(nlh, NULL, NULL);
	if (argc != 3 || cmd != KNAT_CMD_INSIDE_ADD || !matches(argv[1], "pool"))
		return usage_error("unexpected argument \"%s\"", argv[1]);
	return put_pool_id(nlh, argv[2]) ?: talk(nlh, NULL, NULL);
}

/* {add|del|show} of a list of prefixes, @cmd its ADD, DEL, GET. */
static int do_prefixes(const uint8_t cmd[3], int argc, char **argv)
{
	if (is_show(argv[0]))
		return dump(cmd[2], prefix_msg);
	if (matches(argv[0], "add"))
		return prefix_cmd(cmd[0], argc - 1, argv + 1);
	if (matches(argv[0], "del") || matches(argv[0], "delete"))
		return prefix_cmd(cmd[1], argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[0]);
}

int do_inside(int argc, char **argv)
{
	static const uint8_t cmd[3] = {
		KNAT_CMD_INSIDE_ADD, KNAT_CMD_INSIDE_DEL, KNAT_CMD_INSIDE_GET
	};

	return do_prefixes(cmd, argc, argv);
}

int do_exempt(int argc, char **argv)
{
	static const uint8_t cmd[3] = {
		KNAT_CMD_EXEMPT_ADD, KNAT_CMD_EXEMPT_DEL, KNAT_CMD_EXEMPT_GET
	};

	return do_prefixes(cmd, argc, argv);
}
