/* SPDX-License-Identifier: GPL-2.0 */
/* natctl and knat-pcpd: parsing arguments. */
#ifndef NATCTL_PARSE_H
#define NATCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define EXIT_USAGE 2

/* The program's name, for its messages. */
extern const char *prog_name;

/* "PROG: MESSAGE (see PROG --help)" on stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);
bool matches(const char *arg, const char *word);
bool is_show(const char *arg);
int parse_prefix(const char *arg, uint32_t *addr, uint8_t *plen);
int parse_u32(const char *arg, uint32_t max, uint32_t *val);
int parse_range(const char *arg, uint16_t *lo, uint16_t *hi);
int parse_ports(const char *arg, uint16_t *lo, uint16_t *hi);
int parse_addr(const char *arg, uint32_t *addr);
/*
 * ADDR or ADDR:PORT: 0 with *port set to -1 when there is no port (and
 * @need_port is false), -1 when @arg is neither.
 */
int parse_endpoint(const char *arg, bool need_port, uint32_t *addr,
		   int32_t *port);

/* -j, -n NETNS, -h: the first argument's index, or -1 - an exit status. */
int parse_options(int argc, char **argv, const char *usage, bool *json,
		  const char **netns);

#endif
