/* SPDX-License-Identifier: GPL-2.0 */
/* knat: the sweep over the sessions; flushes and retirement (sweep.c). */
#ifndef _KNAT_SWEEP_H
#define _KNAT_SWEEP_H

#include "knat.h"

unsigned int knat_sweep(struct knat_net *kn, struct knat_sweep *sw,
			unsigned int budget, knat_doomed_fn doomed, void *arg,
			bool expired, bool *done);
void knat_sweep_end(struct knat_sweep *sw);
unsigned int knat_sweep_all(struct knat_net *kn, knat_doomed_fn doomed,
			    void *arg);
u64 knat_sweep_size(struct knat_net *kn);
unsigned int knat_flush(struct knat_net *kn, const struct knat_pool *pool);
unsigned int knat_flush_inside(struct knat_net *kn, __be32 prefix, u8 plen);
void knat_retire(struct knat_net *kn, struct knat_pool *pool,
		 struct knat_range *range);

#endif /* _KNAT_SWEEP_H */
