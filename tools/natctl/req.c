// SPDX-License-Identifier: GPL-2.0
/* natctl and knat-pcpd: requests to knat, and reading their replies. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/knat.h>
#include "natctl.h"
#include "netns.h"

struct nl nl;

/* Enter @netns (if given), set the output up, and open the socket to knat:
 * 0, or -1 with the reason on stderr.
 */
int knat_open(const char *netns, bool json)
{
	if (netns && enter_netns(netns))
		return -1;
	out_init(json);
	if (nl_open(&nl, KNAT_GENL_NAME)) {
		nl_close(&nl);
		return -1;
	}
	return 0;
}

int talk(struct nlmsghdr *nlh, nl_msg_cb cb, void *data)
{
	return nl_talk(&nl, nlh, cb, data) ? 1 : 0;
}

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

int dump(uint8_t cmd, nl_msg_cb cb)
{
	int ret;

	out_list_start();
	ret = talk(nl_request(&nl, cmd, NLM_F_DUMP), cb, NULL);
	out_list_end();
	return ret;
}

const char *addr_str(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

int put_prefix(struct nlmsghdr *nlh, int addr_attr, int len_attr,
	       const char *arg)
{
	uint32_t addr;
	uint8_t plen;

	if (parse_prefix(arg, &addr, &plen))
		return usage_error("invalid prefix \"%s\" (expected A.B.C.D/LEN)",
				   arg ? arg : "");
	mnl_attr_put_u32(nlh, addr_attr, addr);
	mnl_attr_put_u8(nlh, len_attr, plen);
	return 0;
}

int put_pool_id(struct nlmsghdr *nlh, const char *arg)
{
	uint32_t id;

	if (parse_u32(arg, UINT32_MAX, &id) || !id)
		return usage_error("invalid pool id \"%s\" (expected 1 or more)",
				   arg ? arg : "");
	mnl_attr_put_u32(nlh, KNAT_A_POOL_ID, id);
	return 0;
}

/* A nest of KNAT_A_RANGE, KNAT_A_BLOCK or KNAT_A_PORTS entries as "a,b,c". */
struct item_list {
	int type;
	void (*fmt)(const struct nlattr **tb, char *out, size_t size);
	char *buf;
	size_t size;
};

static int item_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1] = { NULL };
	struct item_list *l = data;
	size_t len = strlen(l->buf);

	if (mnl_attr_get_type(attr) != l->type)
		return MNL_CB_OK;
	nl_parse_nested(attr, tb, KNAT_A_MAX);
	if (len && len + 1 < l->size)
		l->buf[len++] = ',';
	l->buf[len] = '\0';
	l->fmt(tb, l->buf + len, l->size - len);
	return MNL_CB_OK;
}

void items(const struct nlattr *nest, int type,
	   void (*fmt)(const struct nlattr **, char *, size_t),
	   char *buf, size_t size)
{
	struct item_list l = { type, fmt, buf, size };

	buf[0] = '\0';
	if (nest)
		mnl_attr_parse_nested(nest, item_attr, &l);
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

void out_prefix(const struct nlattr **tb)
{
	char addr[INET_ADDRSTRLEN], buf[INET_ADDRSTRLEN + 4];
	struct in_addr a = { .s_addr = attr_u32(tb[KNAT_A_ADDR]) };

	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	snprintf(buf, sizeof(buf), "%s/%u", addr, attr_u8(tb[KNAT_A_PREFIXLEN]));
	out_str("prefix", NULL, buf);
}
