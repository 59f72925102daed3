/* SPDX-License-Identifier: GPL-2.0 */
/* knat: inbound filtering (filter.c). */
#ifndef _KNAT_FILTER_H
#define _KNAT_FILTER_H

#include "knat.h"

int knat_filter_init(struct knat_net *kn);
void knat_filter_destroy(struct knat_net *kn);
int knat_filter_count(struct knat_net *kn, struct knat_mapping *m,
		      __be32 raddr);
void knat_filter_uncount(struct knat_net *kn, const struct knat_mapping *m,
			 __be32 raddr);
bool knat_filter_admits(struct knat_net *kn, const struct knat_mapping *m,
			const struct knat_tuple *t, int *reason);
struct knat_mapping *knat_filter_adm_mapping(struct knat_net *kn,
					     const struct knat_tuple *t);

#endif /* _KNAT_FILTER_H */
