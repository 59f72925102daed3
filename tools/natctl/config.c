// SPDX-License-Identifier: GPL-2.0
/* natctl config: the namespace's settings. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

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

int do_config(int argc, char **argv)
{
	bool json = out_json();

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
