// SPDX-License-Identifier: GPL-2.0
/* natctl: text and JSON output. */
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include "out.h"

static bool json;
static bool in_list;
static int fields;	/* fields printed in the current object */
static int objects;	/* objects printed in the current list */

void out_init(bool j)
{
	json = j;
}

bool out_json(void)
{
	return json;
}

void out_list_start(void)
{
	in_list = true;
	objects = 0;
	if (json)
		putchar('[');
}

void out_list_end(void)
{
	in_list = false;
	if (json)
		puts("]");
}

void out_obj_start(void)
{
	fields = 0;
	if (json)
		printf("%s{", in_list && objects ? "," : "");
	objects++;
}

void out_obj_end(void)
{
	if (json)
		printf(in_list ? "}" : "}\n");
	else
		putchar('\n');
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void field_start(const char *key, const char *text_key)
{
	if (json) {
		printf("%s", fields ? "," : "");
		json_string(key);
		putchar(':');
	} else {
		printf("%s", fields ? " " : "");
		if (text_key)
			printf("%s ", text_key);
	}
	fields++;
}

void out_str(const char *key, const char *text_key, const char *val)
{
	field_start(key, text_key);
	if (json)
		json_string(val);
	else
		fputs(val, stdout);
}

void out_u64(const char *key, const char *text_key, uint64_t val)
{
	field_start(key, text_key);
	printf("%llu", (unsigned long long)val);
}

void out_endpoint(const char *key, const char *sep, uint32_t addr_be, uint16_t port)
{
	char addr[INET_ADDRSTRLEN], name[64];
	struct in_addr a = { .s_addr = addr_be };

	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	if (json) {
		snprintf(name, sizeof(name), "%s-addr", key);
		out_str(name, NULL, addr);
		snprintf(name, sizeof(name), "%s-port", key);
		out_u64(name, NULL, port);
		return;
	}
	field_start(key, sep);
	printf("%s:%u", addr, port);
}
