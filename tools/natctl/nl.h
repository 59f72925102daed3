/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NATCTL_NL_H
#define NATCTL_NL_H

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	unsigned short family;
	char *buf;
};

/* Called for each reply message; return MNL_CB_OK, or MNL_CB_ERROR to stop. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

int nl_open(struct nl *nl, const char *family);
void nl_close(struct nl *nl);
struct nlmsghdr *nl_request(struct nl *nl, unsigned char cmd, unsigned short flags);
/* Sends the request and reads replies up to the ack or the end of the dump.
 * On a refusal prints "natctl: MESSAGE" (the kernel's extack text, or
 * strerror) on stderr and returns -1.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data);
/* Attributes of a generic netlink message, indexed by type (tb[max + 1]). */
void nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, int max);
void nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		     int max);
/* Join a multicast group of a family, then read what arrives with nl_recv:
 * 0, -1 on an error (reported), or -ENOBUFS when messages were lost.
 */
int nl_join(struct nl *nl, const char *family, const char *group);
int nl_recv(struct nl *nl, nl_msg_cb cb, void *data);

#endif
