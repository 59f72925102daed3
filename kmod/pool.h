/* SPDX-License-Identifier: GPL-2.0 */
/* knat: pools and their ranges (pool.c). */
#ifndef _KNAT_POOL_H
#define _KNAT_POOL_H

#include "knat.h"

struct knat_pool *knat_pool_create(u32 id, u16 lo, u16 hi, u16 block_size);
void knat_pool_low(struct knat_pool *pool, u16 size);
void knat_pool_destroy(struct knat_pool *pool);
struct knat_range *knat_range_create(struct knat_pool *pool, __be32 prefix,
				     u8 plen);
void knat_range_destroy(struct knat_range *range);
void knat_range_publish(struct knat_net *kn, struct knat_range *range);
void knat_range_drain(struct knat_net *kn, struct knat_range *range);
void knat_pool_drain(struct knat_net *kn, struct knat_pool *pool);
struct knat_pool *knat_pool_by_id(struct knat_net *kn, u32 id);
struct knat_pool_addr *knat_pool_addr_find(struct knat_net *kn, __be32 addr);
void knat_router_ports(struct knat_net *kn, const struct knat_pool_addr *pa,
		       struct knat_spans *x);
bool knat_pools_reap(struct knat_net *kn);

#endif /* _KNAT_POOL_H */
