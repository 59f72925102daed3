/* SPDX-License-Identifier: GPL-2.0 */
/* knat: deterministic pools (RFC 7422) (det.c). */
#ifndef _KNAT_DET_H
#define _KNAT_DET_H

#include "knat.h"

int knat_det_setup(struct knat_pool *pool, __be32 prefix, u8 plen);
void knat_det_range(const struct knat_pool *pool, __be32 inside, u32 *addr_idx,
		    u16 *lo, u16 *hi);
bool knat_det_reverse(const struct knat_pool *pool, u32 addr_idx, u16 port,
		      __be32 *inside);
struct knat_pool_addr *knat_det_addr(struct knat_pool *pool, u32 idx);
struct knat_pool_addr *knat_det_lookup(struct knat_pool *pool, __be32 inside,
				       u16 *lo, u16 *hi);

#endif /* _KNAT_DET_H */
