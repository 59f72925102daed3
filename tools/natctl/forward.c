// SPDX-License-Identifier: GPL-2.0
/* natctl forward: port forwards. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"

void forward_fmt(const struct nlattr **tb, char *out, size_t size)
{
	char buf[INET_ADDRSTRLEN];

	snprintf(out, size, "%s:%s:%u", proto_name(attr_u8(tb[KNAT_A_PROTO])),
		 addr_str(attr_u32(tb[KNAT_A_IN_ADDR]), buf),
		 attr_u16(tb[KNAT_A_IN_PORT]));
}

static int forward_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];

	nl_parse(nlh, tb, KNAT_A_MAX);
	out_obj_start();
	out_str("proto", NULL, proto_name(attr_u8(tb[KNAT_A_PROTO])));
	out_endpoint("external", NULL, attr_u32(tb[KNAT_A_EXT_ADDR]),
		     attr_u16(tb[KNAT_A_EXT_PORT]));
	out_endpoint("inside", "to", attr_u32(tb[KNAT_A_IN_ADDR]),
		     attr_u16(tb[KNAT_A_IN_PORT]));
	out_u64("sessions", "sessions", attr_u32(tb[KNAT_A_SESSIONS]));
	if (tb[KNAT_A_EXPIRES])
		out_u64("expires-ms", "expires-ms", attr_u32(tb[KNAT_A_EXPIRES]));
	out_obj_end();
	return MNL_CB_OK;
}

/* PROTO ADDR:PORT as the @addr_attr and @port_attr of @nlh. */
static int put_forward_ext(struct nlmsghdr *nlh, char **argv)
{
	uint8_t proto;
	uint32_t addr;
	int32_t port;

	if (matches(argv[0], "tcp"))
		proto = IPPROTO_TCP;
	else if (matches(argv[0], "udp"))
		proto = IPPROTO_UDP;
	else
		return usage_error("invalid protocol \"%s\" (expected tcp or udp)",
				   argv[0] ? argv[0] : "");
	if (parse_endpoint(argv[1], true, &addr, &port))
		return usage_error("invalid external endpoint \"%s\" (expected ADDR:PORT)",
				   argv[1] ? argv[1] : "");
	mnl_attr_put_u8(nlh, KNAT_A_PROTO, proto);
	mnl_attr_put_u32(nlh, KNAT_A_EXT_ADDR, addr);
	mnl_attr_put_u16(nlh, KNAT_A_EXT_PORT, port);
	return 0;
}

/*
 * forward add PROTO EXT-ADDR:PORT to IN-ADDR:PORT
 * forward del PROTO EXT-ADDR:PORT
 * forward show
 */
int do_forward(int argc, char **argv)
{
	bool add = matches(argv[0], "add");
	struct nlmsghdr *nlh;
	uint32_t addr;
	int32_t port;
	int err;

	if (is_show(argv[0]))
		return dump(KNAT_CMD_FORWARD_GET, forward_msg);
	if (!add && !matches(argv[0], "del") && !matches(argv[0], "delete"))
		return usage_error("unknown forward command \"%s\"", argv[0]);
	if (argc != (add ? 5 : 3))
		return usage_error("%s", add ?
				   "forward add needs PROTO EXT-ADDR:PORT to IN-ADDR:PORT" :
				   "forward del needs PROTO EXT-ADDR:PORT");
	nlh = nl_request(&nl, add ? KNAT_CMD_FORWARD_ADD : KNAT_CMD_FORWARD_DEL,
			 NLM_F_ACK);
	err = put_forward_ext(nlh, argv + 1);
	if (err || !add)
		return err ?: talk(nlh, NULL, NULL);
	if (!matches(argv[3], "to"))
		return usage_error("expected \"to\", not \"%s\"", argv[3]);
	if (parse_endpoint(argv[4], true, &addr, &port))
		return usage_error("invalid inside endpoint \"%s\" (expected ADDR:PORT)",
				   argv[4]);
	mnl_attr_put_u32(nlh, KNAT_A_IN_ADDR, addr);
	mnl_attr_put_u16(nlh, KNAT_A_IN_PORT, port);
	return talk(nlh, NULL, NULL);
}
