// SPDX-License-Identifier: GPL-2.0
/* natctl: generic netlink plumbing with extended-ack error reporting. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include "nl.h"
#include "parse.h"

#define NL_BUFSZ (MNL_SOCKET_BUFFER_SIZE * 4)

static int nl_report(int err, const char *msg);

static int nl_family_cb(const struct nlattr *attr, void *data)
{
	unsigned short *id = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
		*id = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int nl_family_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), nl_family_cb, data);
}

struct nl_group_ctx {
	const char *name;
	unsigned int id;
};

static int nl_group_cb(const struct nlattr *grp, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };
	struct nl_group_ctx *ctx = data;

	nl_parse_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX);
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), ctx->name))
		ctx->id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int nl_groups_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	nl_parse(nlh, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		mnl_attr_parse_nested(tb[CTRL_ATTR_MCAST_GROUPS], nl_group_cb,
				      data);
	return MNL_CB_OK;
}

int nl_join(struct nl *nl, const char *family, const char *group)
{
	struct nl_group_ctx ctx = { group, 0 };
	unsigned short id = nl->family;
	int rcvbuf = 4 << 20;
	struct nlmsghdr *nlh;

	nl->family = GENL_ID_CTRL;
	nlh = nl_request(nl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	nl->family = id;
	if (nl_talk(nl, nlh, nl_groups_msg, &ctx) < 0)
		return -1;
	if (!ctx.id) {
		fprintf(stderr, "%s: %s has no group \"%s\"\n", prog_name, family,
			group);
		return -1;
	}
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &ctx.id,
				  sizeof(ctx.id)) < 0)
		return nl_report(errno, NULL);
	/* Room for bursts (a flush releases many blocks at once). */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	return 0;
}

int nl_open(struct nl *nl, const char *family)
{
	struct nlmsghdr *nlh;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->buf = malloc(NL_BUFSZ);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sock) {
		fprintf(stderr, "%s: cannot open a netlink socket: %s\n", prog_name,
			strerror(errno));
		return -1;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "%s: cannot bind a netlink socket: %s\n", prog_name,
			strerror(errno));
		return -1;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = getpid();

	nl->family = GENL_ID_CTRL;
	nlh = nl_request(nl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	nl->family = 0;
	if (nl_talk(nl, nlh, nl_family_msg, &nl->family) < 0 || !nl->family) {
		fprintf(stderr, "%s: the %s module is not loaded (modprobe %s)\n",
			prog_name, family, family);
		return -1;
	}
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
}

struct nlmsghdr *nl_request(struct nl *nl, unsigned char cmd, unsigned short flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

/* The extack message of an NLMSG_ERROR or NLMSG_DONE, if any. */
static const char *nl_extack_msg(const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

static int nl_report(int err, const char *msg)
{
	const char *prefix = "knat: ";

	if (msg && !strncmp(msg, prefix, strlen(prefix)))
		msg += strlen(prefix);
	fprintf(stderr, "%s: %s\n", prog_name, msg && *msg ? msg : strerror(err));
	errno = err;
	return -1;
}

/* 1: done, 0: read more, -1: refused. */
static int nl_handle(const struct nlmsghdr *nlh, nl_msg_cb cb, void *data)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
		size_t off = sizeof(*e);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		if (e->error)
			return nl_report(-e->error, nl_extack_msg(nlh, off));
		return 1;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		const int *err = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*err)) && *err)
			return nl_report(-*err, nl_extack_msg(nlh, sizeof(*err)));
		return 1;
	}
	if (cb && cb(nlh, data) < 0)
		return -1;
	return 0;
}

int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data)
{
	unsigned int seq = req->nlmsg_seq;
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	bool acked = req->nlmsg_flags & NLM_F_ACK;
	int ret;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return nl_report(errno, NULL);
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t got = mnl_socket_recvfrom(nl->sock, nl->buf, NL_BUFSZ);
		int len = got;

		if (got < 0)
			return nl_report(errno, NULL);
		for (nlh = (struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;
			ret = nl_handle(nlh, cb, data);
			if (ret)
				return ret < 0 ? -1 : 0;
			/* A reply without an ack requested ends the exchange. */
			if (!dump && !acked)
				return 0;
		}
	}
}

struct nl_parse_ctx {
	const struct nlattr **tb;
	int max;
};

static int nl_parse_attr(const struct nlattr *attr, void *data)
{
	struct nl_parse_ctx *ctx = data;
	int type = mnl_attr_get_type(attr);

	if (type >= 0 && type <= ctx->max)
		ctx->tb[type] = attr;
	return MNL_CB_OK;
}

void nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, int max)
{
	struct nl_parse_ctx ctx = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), nl_parse_attr, &ctx);
}

void nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		     int max)
{
	struct nl_parse_ctx ctx = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mnl_attr_parse_nested(nest, nl_parse_attr, &ctx);
}

int nl_recv(struct nl *nl, nl_msg_cb cb, void *data)
{
	struct nlmsghdr *nlh;
	ssize_t got = mnl_socket_recvfrom(nl->sock, nl->buf, NL_BUFSZ);
	int len = got;

	if (got < 0 && errno == ENOBUFS)
		return -ENOBUFS;
	if (got < 0)
		return nl_report(errno, NULL);
	for (nlh = (struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type == nl->family && cb(nlh, data) < 0)
			return -1;
	return 0;
}
