// SPDX-License-Identifier: GPL-2.0
/*
 * knat: attribution events (events.c) as messages of the family's
 * "events" multicast group, built only when someone listens.
 */
#include <linux/ktime.h>
#include <net/genetlink.h>
#include "knat.h"
#include "events.h"
#include "netlink.h"

static bool knat_nl_events_wanted(struct knat_net *kn)
{
	return kn->net && genl_has_listeners(&knat_genl_family, kn->net, 0);
}

static int knat_nl_event_fill(struct sk_buff *skb,
			      const struct knat_event_info *ev)
{
	if (nla_put_u8(skb, KNAT_A_EVENT, ev->type) ||
	    nla_put_u64_64bit(skb, KNAT_A_TIME, ktime_get_real_ns(),
			      KNAT_A_PAD))
		return -EMSGSIZE;
	if (ev->pool_id && nla_put_u32(skb, KNAT_A_POOL_ID, ev->pool_id))
		return -EMSGSIZE;
	if (ev->sub && nla_put_be32(skb, KNAT_A_IN_ADDR, ev->sub))
		return -EMSGSIZE;
	if (ev->ext && nla_put_be32(skb, KNAT_A_EXT_ADDR, ev->ext))
		return -EMSGSIZE;
	if (ev->hi && (nla_put_u16(skb, KNAT_A_PORT_MIN, ev->lo) ||
		       nla_put_u16(skb, KNAT_A_PORT_MAX, ev->hi)))
		return -EMSGSIZE;
	if (ev->proto && nla_put_u8(skb, KNAT_A_PROTO, ev->proto))
		return -EMSGSIZE;
	return 0;
}

/* Any context, under RCU; callers may hold kn->lock. */
static void knat_nl_event_send(struct knat_net *kn,
			       const struct knat_event_info *ev)
{
	struct sk_buff *skb;
	void *hdr;

	if (!knat_nl_events_wanted(kn))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE / 16, GFP_ATOMIC);
	if (!skb)
		goto lost;
	hdr = genlmsg_put(skb, 0, 0, &knat_genl_family, 0, KNAT_CMD_EVENT);
	if (!hdr || knat_nl_event_fill(skb, ev)) {
		nlmsg_free(skb);
		goto lost;
	}
	genlmsg_end(skb, hdr);
	/* -ESRCH: the last listener left meanwhile; nothing is lost. */
	if (genlmsg_multicast_netns(&knat_genl_family, kn->net, skb, 0, 0,
				    GFP_ATOMIC) == -ENOBUFS)
		goto lost;
	return;
lost:
	knat_count(kn, KNAT_STAT_EVENTS_LOST);
}

const struct knat_event_ops knat_nl_event_ops = {
	.wanted = knat_nl_events_wanted,
	.send = knat_nl_event_send,
};
