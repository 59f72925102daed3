/* SPDX-License-Identifier: GPL-2.0 */
/* knat: port blocks (block.c). */
#ifndef _KNAT_BLOCK_H
#define _KNAT_BLOCK_H

#include "knat.h"

struct knat_pool_addr *knat_block_addr(const struct knat_block *b);
void knat_block_bounds(const struct knat_block *b, u16 *lo, u16 *hi);
bool knat_block_low(const struct knat_block *b);
struct knat_block *knat_block_pick(struct knat_net *kn,
				   struct knat_subscriber *sub, bool low);
void knat_block_take(struct knat_net *kn, struct knat_block *b,
		     struct knat_subscriber *sub);
void knat_block_release(struct knat_net *kn, struct knat_block *b, bool used);
unsigned int knat_cooling_reap(struct knat_net *kn, unsigned int budget);
int knat_parity(const struct knat_pool *pool, const struct knat_tuple *t);
int knat_overlap_pick(struct knat_net *kn, const struct knat_block *b,
		      const struct knat_tuple *t);
int knat_block_use(struct knat_net *kn, struct knat_block *b,
		   const struct knat_tuple *t, bool overlap);
struct knat_block *knat_port_block(const struct knat_pool_addr *pa, u16 port);
struct knat_block *knat_mapping_block(const struct knat_mapping *m);
bool knat_port_router(struct knat_net *kn, const struct knat_pool_addr *pa,
		      u16 port);
void knat_port_assign(struct knat_mapping *m, struct knat_pool_addr *pa,
		      struct knat_portmap *pm, const struct knat_endpoint *ext);
void knat_mapping_account(const struct knat_mapping *m, struct knat_pool *pool);

#endif /* _KNAT_BLOCK_H */
