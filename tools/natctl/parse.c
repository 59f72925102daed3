// SPDX-License-Identifier: GPL-2.0
/* natctl and knat-pcpd: parsing arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <getopt.h>
#include "parse.h"

const char *prog_name = "natctl";

int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog_name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see %s --help)\n", prog_name);
	return EXIT_USAGE;
}

bool matches(const char *arg, const char *word)
{
	return arg && !strcmp(arg, word);
}

bool is_show(const char *arg)
{
	return !arg || matches(arg, "show") || matches(arg, "list") ||
	       matches(arg, "ls");
}

/* Decimal digits only: strtoul() would take spaces, a sign, and more. */
static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int parse_prefix(const char *arg, uint32_t *addr, uint8_t *plen)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	unsigned long n = 32;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (!is_digits(slash + 1))
			return -1;
		errno = 0;
		n = strtoul(slash + 1, &end, 10);
		if (errno || *end || n > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*addr = a.s_addr;
	*plen = n;
	return 0;
}

int parse_u32(const char *arg, uint32_t max, uint32_t *val)
{
	unsigned long n;
	char *end;

	if (!arg || !is_digits(arg))
		return -1;
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*val = n;
	return 0;
}

int parse_range(const char *arg, uint16_t *lo, uint16_t *hi)
{
	char buf[16], *dash;
	uint32_t a, b;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (!dash)
		return -1;
	*dash = '\0';
	if (parse_u32(buf, 65535, &a) || parse_u32(dash + 1, 65535, &b))
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

int parse_addr(const char *arg, uint32_t *addr)
{
	struct in_addr a;

	if (!arg || inet_pton(AF_INET, arg, &a) != 1)
		return -1;
	*addr = a.s_addr;
	return 0;
}

/*
 * ADDR or ADDR:PORT: 0 with *port set to -1 when there is no port (and
 * @need_port is false), -1 when @arg is neither.
 */
int parse_endpoint(const char *arg, bool need_port, uint32_t *addr,
		   int32_t *port)
{
	char buf[32], *colon;
	uint32_t p;

	if (!arg || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_addr(buf, addr) || (need_port && !colon) ||
	    (colon && (parse_u32(colon + 1, 65535, &p) || !p)))
		return -1;
	*port = colon ? (int32_t)p : -1;
	return 0;
}

/* P or P-Q, ports 1-65535. */
int parse_ports(const char *arg, uint16_t *lo, uint16_t *hi)
{
	uint32_t port;

	if (!parse_u32(arg, 65535, &port) && port) {
		*lo = port;
		*hi = port;
		return 0;
	}
	return parse_range(arg, lo, hi) || !*lo ? -1 : 0;
}

/**
 * parse_options - the options natctl and knat-pcpd share
 * @argc: main()'s
 * @argv: main()'s
 * @usage: the program's usage text, for -h and a bad option
 * @json: set by -j
 * @netns: set by -n NETNS
 *
 * Return: the index of the first argument after the options, or -1 - the
 * status to exit with (-1: 0, after -h; -3: EXIT_USAGE).
 */
int parse_options(int argc, char **argv, const char *usage, bool *json,
		  const char **netns)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+jn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'n':
			*netns = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			fputs(usage, stderr);
			return -1 - EXIT_USAGE;
		}
	}
	return optind;
}
