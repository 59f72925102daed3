/* SPDX-License-Identifier: GPL-2.0 */
/* natctl: what the files of each object share. */
#ifndef NATCTL_H
#define NATCTL_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"
#include "out.h"

#define EXIT_USAGE 2
/* Arguments a request may have: more than any command takes, few enough
 * that their attributes fit the request buffer whatever they are.
 */
#define MAX_ARGS 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern struct nl nl;

int usage_error(const char *fmt, const char *arg);
bool matches(const char *arg, const char *word);
bool is_show(const char *arg);
int parse_prefix(const char *arg, uint32_t *addr, uint8_t *plen);
int parse_u32(const char *arg, uint32_t max, uint32_t *val);
int parse_range(const char *arg, uint16_t *lo, uint16_t *hi);
int talk(struct nlmsghdr *nlh, nl_msg_cb cb, void *data);
int dump(uint8_t cmd, nl_msg_cb cb);
const char *proto_name(uint8_t proto);
uint32_t attr_u32(const struct nlattr *a);
uint16_t attr_u16(const struct nlattr *a);
uint8_t attr_u8(const struct nlattr *a);
void out_prefix(const struct nlattr **tb);

/* pool.c */
int do_pool(int argc, char **argv);
int do_inside(int argc, char **argv);
int do_exempt(int argc, char **argv);
int do_forward(int argc, char **argv);
int do_subscriber(int argc, char **argv);
int do_whois(int argc, char **argv);
int do_flush(int argc, char **argv);

/* monitor.c */
int do_monitor(int argc, char **argv);

/* pcp.c */
int do_pcp(int argc, char **argv);

#endif
