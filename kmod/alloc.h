/* SPDX-License-Identifier: GPL-2.0 */
/* knat: bounded bitmap search, port maps, address classification (alloc.c). */
#ifndef _KNAT_ALLOC_H
#define _KNAT_ALLOC_H

#include "knat.h"

void knat_spans_add(struct knat_spans *x, u32 lo, u32 hi);
bool knat_spans_has(const struct knat_spans *x, u32 bit);
int knat_bits_search(const unsigned long *full, const unsigned long *used,
		     u32 lo, u32 hi, u32 start, const struct knat_spans *x);
void knat_bits_take(unsigned long *full, unsigned long *used, u32 bit);
void knat_bits_clear(unsigned long *full, unsigned long *used, u32 bit);
#define KNAT_PARITY_ANY		(-1)
#define KNAT_PARITY_TRIES	8
int knat_bits_parity(const unsigned long *full, const unsigned long *used,
		     u32 lo, u32 hi, int bit, const struct knat_spans *x,
		     int parity);
int knat_portmap_alloc(struct knat_portmap *pm, u16 lo, u16 hi, u16 want,
		       int parity, const struct knat_spans *x);
void knat_portmap_free(struct knat_portmap *pm, u16 port);
bool knat_portmap_test(const struct knat_portmap *pm, u16 port);
/* kn->pool_span with no address in it: its lowest above its highest. */
#define KNAT_SPAN_EMPTY		0xffffffff00000000ULL
bool knat_is_pool_addr(struct knat_net *kn, __be32 addr);
struct knat_inside *knat_prefix_find(const struct list_head *list,
				     __be32 addr);
bool knat_is_inside_addr(struct knat_net *kn, __be32 addr);
struct knat_inside *knat_inside_find(struct knat_net *kn, __be32 addr);
bool knat_is_exempt(struct knat_net *kn, __be32 daddr);
#ifdef KNAT_KUNIT
extern u64 knat_alloc_work;		/* words examined, for KUnit */
#endif

#endif /* _KNAT_ALLOC_H */
