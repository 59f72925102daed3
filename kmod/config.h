/* SPDX-License-Identifier: GPL-2.0 */
/* knat: the configuration operations below netlink (config.c). */
#ifndef _KNAT_CONFIG_H
#define _KNAT_CONFIG_H

#include "knat.h"

int knat_pool_add_range(struct knat_net *kn, struct knat_pool *pool,
			__be32 prefix, u8 plen, struct netlink_ext_ack *extack);
void knat_pool_cfg_init(struct knat_pool_cfg *c, u32 id);
int knat_pool_add(struct knat_net *kn, const struct knat_pool_cfg *c,
		  struct netlink_ext_ack *extack);
int knat_pool_del(struct knat_net *kn, u32 id, bool now,
		  struct netlink_ext_ack *extack);
int knat_range_add(struct knat_net *kn, u32 id, __be32 prefix, u8 plen,
		   struct netlink_ext_ack *extack);
int knat_range_del(struct knat_net *kn, u32 id, __be32 prefix, u8 plen,
		   bool now, struct netlink_ext_ack *extack);
int knat_inside_add(struct knat_net *kn, __be32 prefix, u8 plen, u32 pool_id,
		    struct netlink_ext_ack *extack);
int knat_inside_del(struct knat_net *kn, __be32 prefix, u8 plen,
		    struct netlink_ext_ack *extack);
int knat_exempt_add(struct knat_net *kn, __be32 prefix, u8 plen,
		    struct netlink_ext_ack *extack);
int knat_exempt_del(struct knat_net *kn, __be32 prefix, u8 plen,
		    struct netlink_ext_ack *extack);
int knat_flush_pool(struct knat_net *kn, u32 id,
		    struct netlink_ext_ack *extack);

#endif /* _KNAT_CONFIG_H */
