/* SPDX-License-Identifier: GPL-2.0 */
/* knat: inbound filtering (filter.c). */
#ifndef _KNAT_FILTER_H
#define _KNAT_FILTER_H

#include "knat.h"

/*
 * The filtering of @m: its pool's for its protocol, or the stricter one
 * its dependent mapping implies (the enums line up).  A forward takes
 * anyone, but keeps counting as its pool's would: its pin may end while
 * its sessions live on.
 */
static inline u8 knat_filter(const struct knat_mapping *m)
{
	int i = knat_proto_index(m->s.in.proto);

	BUILD_BUG_ON((int)KNAT_FILTER_ADF != (int)KNAT_MAPPING_ADM ||
		     (int)KNAT_FILTER_APDF != (int)KNAT_MAPPING_APDM);
	if (i < 0 || i >= ARRAY_SIZE(m->paddr->range->pool->filter))
		return KNAT_FILTER_EIF;
	return max(m->paddr->range->pool->filter[i], m->dep);
}

/* Does @m count its sessions per remote address in kn->perms? */
static inline bool knat_filter_counts(const struct knat_mapping *m)
{
	return knat_filter(m) == KNAT_FILTER_ADF || m->dep == KNAT_MAPPING_ADM;
}

int knat_filter_init(struct knat_net *kn);
void knat_filter_destroy(struct knat_net *kn);
int knat_filter_count(struct knat_net *kn, struct knat_mapping *m,
		      __be32 raddr);
void __knat_filter_uncount(struct knat_net *kn, const struct knat_mapping *m,
			   __be32 raddr);
bool knat_filter_admits(struct knat_net *kn, const struct knat_mapping *m,
			const struct knat_tuple *t, int *reason);
struct knat_mapping *knat_filter_adm_mapping(struct knat_net *kn,
					     const struct knat_tuple *t);

/* A session of @m with @raddr is gone: uncount it, where @m counts. */
static inline void knat_filter_uncount(struct knat_net *kn,
				       const struct knat_mapping *m,
				       __be32 raddr)
{
	if (knat_filter_counts(m))
		__knat_filter_uncount(kn, m, raddr);
}

#endif /* _KNAT_FILTER_H */
