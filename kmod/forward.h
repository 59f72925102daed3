/* SPDX-License-Identifier: GPL-2.0 */
/* knat: port forwards (forward.c). */
#ifndef _KNAT_FORWARD_H
#define _KNAT_FORWARD_H

#include "knat.h"

#define KNAT_NO_PREFIX		33	/* a prefix length that matches nothing */
int knat_forward_add(struct knat_net *kn, const struct knat_endpoint *in,
		     const struct knat_endpoint *ext,
		     struct netlink_ext_ack *extack);
int knat_forward_map(struct knat_net *kn, const struct knat_endpoint *in,
		     struct knat_endpoint *ext, bool exact, u32 lifetime,
		     const u8 *nonce, struct netlink_ext_ack *extack);
int knat_forward_del(struct knat_net *kn, const struct knat_endpoint *ext);
void knat_forwards_expire(struct knat_net *kn, unsigned long now);
void knat_forwards_retire(struct knat_net *kn, const struct knat_range *range,
			  __be32 prefix, u8 plen);
void knat_forwards_free(struct knat_net *kn);

#endif /* _KNAT_FORWARD_H */
