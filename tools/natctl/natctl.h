/* SPDX-License-Identifier: GPL-2.0 */
/* natctl: what the files of each object share. */
#ifndef NATCTL_H
#define NATCTL_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"
#include "out.h"
#include "parse.h"

/* Arguments a request may have: more than any command takes, few enough
 * that their attributes fit the request buffer whatever they are.
 */
#define MAX_ARGS 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* req.c: the program's socket to knat, its requests and their replies */
extern struct nl nl;
int knat_open(const char *netns, bool json);
int talk(struct nlmsghdr *nlh, nl_msg_cb cb, void *data);
int dump(uint8_t cmd, nl_msg_cb cb);
uint32_t attr_u32(const struct nlattr *a);
uint16_t attr_u16(const struct nlattr *a);
uint8_t attr_u8(const struct nlattr *a);
const char *addr_str(uint32_t be, char *buf);
int put_prefix(struct nlmsghdr *nlh, int addr_attr, int len_attr,
	       const char *arg);
int put_pool_id(struct nlmsghdr *nlh, const char *arg);
/* A nest of KNAT_A_RANGE, KNAT_A_BLOCK or KNAT_A_PORTS entries as "a,b,c". */
void items(const struct nlattr *nest, int type,
	   void (*fmt)(const struct nlattr **, char *, size_t),
	   char *buf, size_t size);

/* knat's protocol numbers as text; an ADDR and PREFIXLEN as a prefix field. */
const char *proto_name(uint8_t proto);
void out_prefix(const struct nlattr **tb);

/* One file per object: OBJECT COMMAND [ARGS] */
int do_pool(int argc, char **argv);		/* pool.c */
int do_inside(int argc, char **argv);		/* prefix.c */
int do_exempt(int argc, char **argv);
int do_forward(int argc, char **argv);		/* forward.c */
void forward_fmt(const struct nlattr **tb, char *out, size_t size);
int do_subscriber(int argc, char **argv);	/* subscriber.c */
int do_whois(int argc, char **argv);
int do_mapping(int argc, char **argv);		/* flow.c */
int do_session(int argc, char **argv);
int do_flush(int argc, char **argv);
int do_config(int argc, char **argv);		/* config.c */
int do_stats(int argc, char **argv);		/* stats.c */
int do_monitor(int argc, char **argv);		/* monitor.c */

#endif
