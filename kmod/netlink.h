/* SPDX-License-Identifier: GPL-2.0 */
/* knat: helpers and handlers shared by the files of the netlink family. */
#ifndef _KNAT_NETLINK_H
#define _KNAT_NETLINK_H

#include <net/genetlink.h>

struct knat_net;

extern struct genl_family knat_genl_family;
extern const struct knat_event_ops knat_nl_event_ops;	/* nl_events.c */
int knat_genl_init(void);
void knat_genl_exit(void);

void *knat_msg_start(struct sk_buff *skb, struct genl_info *info,
		     struct netlink_callback *cb, u8 cmd);
int knat_get_prefix(struct genl_info *info, int addr_attr, int len_attr,
		    __be32 *prefix, u8 *plen);
int knat_dump_check(struct netlink_callback *cb);
int knat_walk_start(struct netlink_callback *cb, struct rhashtable *ht,
		    struct rhashtable *then);
int knat_walk_done(struct netlink_callback *cb);
int knat_dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		  int (*fill)(struct sk_buff *, const void *), const void *obj);
int knat_list_dump(struct sk_buff *skb, struct netlink_callback *cb,
		   struct list_head *head, u8 cmd,
		   int (*fill)(struct sk_buff *, const void *),
		   unsigned long (*seq)(const struct list_head *));
int knat_walk_dump(struct sk_buff *skb, struct netlink_callback *cb,
		   int (*fill)(struct sk_buff *, struct netlink_callback *,
			       const void *));

/* nl_pool.c */
int knat_nl_pool_add(struct sk_buff *skb, struct genl_info *info);
int knat_nl_pool_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_range_add(struct sk_buff *skb, struct genl_info *info);
int knat_nl_range_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_inside_add(struct sk_buff *skb, struct genl_info *info);
int knat_nl_inside_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_inside_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_exempt_add(struct sk_buff *skb, struct genl_info *info);
int knat_nl_exempt_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_exempt_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_flush(struct sk_buff *skb, struct genl_info *info);
int knat_nl_sub_get(struct sk_buff *skb, struct genl_info *info);
int knat_nl_sub_start(struct netlink_callback *cb);
int knat_nl_sub_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_whois(struct sk_buff *skb, struct genl_info *info);

/* nl_forward.c */
int knat_nl_forward_add(struct sk_buff *skb, struct genl_info *info);
int knat_nl_forward_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_forward_map(struct sk_buff *skb, struct genl_info *info);
u32 knat_epoch(const struct knat_net *kn);
int knat_nl_forward_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_forwards_fill(struct sk_buff *skb, struct knat_net *kn, __be32 addr,
		       u16 port);

#endif /* _KNAT_NETLINK_H */
