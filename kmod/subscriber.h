/* SPDX-License-Identifier: GPL-2.0 */
/* knat: subscribers and their ports (subscriber.c). */
#ifndef _KNAT_SUBSCRIBER_H
#define _KNAT_SUBSCRIBER_H

#include "knat.h"

int knat_subs_init(struct knat_net *kn);
void knat_subs_destroy(struct knat_net *kn);
int knat_sub_cache_create(void);
void knat_sub_cache_destroy(void);
struct knat_subscriber *knat_sub_find(struct knat_net *kn, __be32 addr);
struct knat_subscriber *knat_sub_find_or_add(struct knat_net *kn, __be32 addr,
					     int *reason);
void knat_sub_remove(struct knat_net *kn, struct knat_subscriber *sub);

/* Remove @sub if no mapping uses it any more. */
static inline void knat_sub_prune(struct knat_net *kn,
				  struct knat_subscriber *sub)
{
	if (!sub->nmappings)
		knat_sub_remove(kn, sub);
}

struct knat_subscriber *knat_sub_of(struct knat_net *kn,
				    const struct knat_mapping *m);

/*
 * The subscriber of @m, which lives while @m does, given @b, the block @m
 * counts in (knat_mapping_block()).  That block stays its subscriber's
 * while @m does: reading its owner spares an expiry a hash lookup.
 */
static inline struct knat_subscriber *
knat_block_sub(struct knat_net *kn, const struct knat_mapping *m,
	       const struct knat_block *b)
{
	lockdep_assert_held(&kn->lock);
	return b ? b->owner : knat_sub_of(kn, m);
}

struct knat_subscriber *knat_map_sub(struct knat_net *kn,
				     const struct knat_mapping *m);
int knat_sub_attach(struct knat_net *kn, struct knat_subscriber *sub,
		    struct knat_pool *pool);
__be32 knat_sub_ext(const struct knat_subscriber *sub);
bool knat_unconfirmed_full(const struct knat_pool *pool);
void knat_sub_confirm(struct knat_net *kn, struct knat_subscriber *sub);
int knat_sub_alloc(struct knat_net *kn, struct knat_subscriber *sub,
		   const struct knat_tuple *t, struct knat_mapping *m);
void knat_sub_release(struct knat_net *kn, struct knat_subscriber *sub,
		      struct knat_mapping *m, struct knat_block *b, bool used);
int knat_sub_reserve(struct knat_net *kn, struct knat_subscriber *sub,
		     const struct knat_endpoint *ext, struct knat_mapping *m,
		     struct netlink_ext_ack *extack);
int knat_claim_ok(const struct knat_subscriber *sub,
		  struct netlink_ext_ack *extack);
int knat_sub_claim(struct knat_net *kn, struct knat_subscriber *sub,
		   const struct knat_endpoint *ext, bool exact,
		   struct knat_mapping *m, struct netlink_ext_ack *extack);
int knat_overlap_port(struct knat_net *kn, const struct knat_mapping *m,
		      struct knat_subscriber *sub, const struct knat_tuple *t,
		      __be16 *port);

#endif /* _KNAT_SUBSCRIBER_H */
