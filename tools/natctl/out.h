/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NATCTL_OUT_H
#define NATCTL_OUT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Output in two forms from one description: "key value" text, one object
 * a line, or JSON (-j): an array of objects for lists, one object else.
 */
void out_init(bool json);
bool out_json(void);
void out_list_start(void);
void out_list_end(void);
void out_obj_start(void);
void out_obj_end(void);
/* A field; in text, @key is printed before the value unless it is NULL. */
void out_str(const char *key, const char *text_key, const char *val);
void out_u64(const char *key, const char *text_key, uint64_t val);
/* An address:port pair: one text field, two JSON fields. */
void out_endpoint(const char *key, const char *sep, uint32_t addr_be, uint16_t port);

#endif
