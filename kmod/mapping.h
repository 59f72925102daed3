/* SPDX-License-Identifier: GPL-2.0 */
/* knat: mappings (mapping.c). */
#ifndef _KNAT_MAPPING_H
#define _KNAT_MAPPING_H

#include "knat.h"

enum {
	KNAT_PIN_STATIC,		/* an operator's forward */
	KNAT_PIN_CLAIM,			/* a subscriber's */
	KNAT_PIN_EXACT,			/* a subscriber's, on its choice */
};

int knat_mapping_link(struct knat_net *kn, struct knat_mapping *m,
		      struct knat_subscriber *sub);
void knat_mapping_release(struct knat_net *kn, struct knat_mapping *m,
			  struct knat_subscriber *sub, struct knat_block *b,
			  bool expired);
u8 knat_pool_mapping(const struct knat_pool *pool, u8 proto);
struct knat_mapping *knat_mapping_of(struct knat_net *kn,
				     const struct knat_tuple *t);
void knat_mapping_exchange(struct knat_net *kn, struct knat_mapping *m,
			   bool outbound);
struct knat_mapping *knat_mapping_pin(struct knat_net *kn,
				      const struct knat_endpoint *in,
				      const struct knat_endpoint *ext,
				      unsigned int how,
				      struct netlink_ext_ack *extack);
void knat_mapping_unpin(struct knat_net *kn, struct knat_mapping *m);
void knat_mapping_unclaim(struct knat_net *kn, struct knat_mapping *m);

#endif /* _KNAT_MAPPING_H */
