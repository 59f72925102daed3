// SPDX-License-Identifier: GPL-2.0
/*
 * knat: netfilter entry points.
 *
 * Inbound translation (destination: pool address -> inside address) runs
 * at PREROUTING with priority KNAT_PRI_IN, after defragmentation (-400) and
 * the raw table (-300) but before conntrack (-200): a conntrack-based
 * firewall on the same router sees the inside tuple of a flow in both
 * directions.  Outbound translation (source: inside -> pool) runs at
 * POSTROUTING with priority KNAT_PRI_OUT, after the filter chains and
 * nf_nat's own SNAT (100), so they too see inside addresses, and before
 * the conntrack helpers and confirmation (300 and up), which do not parse
 * the packet again.  Without conntrack, the same order holds.
 *
 * A hairpinned packet (inside to a pool address) is translated both ways
 * at PREROUTING, so it is routed, filtered and seen by conntrack with the
 * sender's external endpoint as source: strict reverse-path filtering
 * (rp_filter=1) on inside interfaces would drop it.
 *
 * Which side a packet came from is decided by the route back to its
 * source, as strict reverse-path filtering does (inside-rpf, on by
 * default): a packet with an inside source is inside traffic only if the
 * route to that source leaves through the interface it arrived on.  The
 * check runs where knat would take a packet's word for it: before a flow
 * of an inside address makes state, and on every hairpinned packet.  A
 * packet from outside that claims an inside source is dropped there
 * (drop-spoofed): it never makes a subscriber, a block or a mapping, nor
 * reaches another subscriber as hairpinned traffic.  The router's own
 * packets are inside traffic.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/ip.h>
#include <net/ip_fib.h>
#include <net/route.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include "knat.h"
#include "alloc.h"
#include "gc.h"
#include "hooks.h"
#include "icmp.h"
#include "xlate.h"

#define KNAT_PRI_IN	(NF_IP_PRI_RAW + 50)		/* -250 */
#define KNAT_PRI_OUT	(NF_IP_PRI_NAT_SRC + 150)	/* 250 */

/**
 * knat_from_inside - did a packet with an inside source come from the inside?
 * @kn: namespace state
 * @skb: an IPv4 packet, at PREROUTING or POSTROUTING
 *
 * It did if the router sent it, or if the route back to its source leaves
 * through the interface it arrived on (any of a multipath route's), or if
 * the operator turned the check off (inside-rpf 0).  Under RCU.
 */
bool knat_from_inside(struct knat_net *kn, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.flowi4_iif = LOOPBACK_IFINDEX,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		.flowi4_tos = iph->tos & IPTOS_RT_MASK,
		.flowi4_mark = skb->mark,
	};
	struct net_device *dev;
	struct fib_result res;

	knat_assert_rcu();
	if (!skb->skb_iif || !READ_ONCE(kn->cfg.inside_rpf))
		return true;
	dev = dev_get_by_index_rcu(kn->net, skb->skb_iif);
	if (!dev || fib_lookup(kn->net, &fl4, &res, FIB_LOOKUP_IGNORE_LINKSTATE))
		return false;
	return res.type == RTN_UNICAST && fib_info_nh_uses_dev(res.fi, dev);
}

static unsigned int knat_prerouting(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);

	if (!knat_is_pool_addr(kn, iph->daddr))
		return NF_ACCEPT;
	if (!knat_is_inside_addr(kn, iph->saddr))
		return knat_inbound(kn, skb, false);
	if (!knat_from_inside(kn, skb))
		return knat_drop(kn, KNAT_STAT_DROP_SPOOFED);
	return knat_hairpin(kn, skb);
}

static unsigned int knat_postrouting(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);

	/* A group or the limited broadcast has no mapping to give: the
	 * router's own VRRP, OSPF or DHCP on the inside links stay as sent.
	 */
	if (!READ_ONCE(kn->ninsides) || knat_is_inside_addr(kn, iph->daddr) ||
	    ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr))
		return NF_ACCEPT;
	if (!knat_is_inside_addr(kn, iph->saddr))
		return iph->protocol == IPPROTO_ICMP ? knat_icmp_relay(kn, skb) :
						      NF_ACCEPT;
	if (knat_is_exempt(kn, iph->daddr)) {
		knat_count(kn, KNAT_STAT_EXEMPT);
		return NF_ACCEPT;
	}
	return knat_outbound(kn, skb);
}

static const struct nf_hook_ops knat_hook_ops[] = {
	{
		.hook = knat_prerouting,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = KNAT_PRI_IN,
	},
	{
		.hook = knat_postrouting,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = KNAT_PRI_OUT,
	},
};

/*
 * A namespace pays for knat only once it has a pool: the first pool added
 * attaches the hooks, starts the collector and turns on IPv4 reassembly
 * (translation needs whole datagrams, so they are reassembled before
 * PREROUTING, at -400, as conntrack does; forwarding refragments).  Until
 * then its traffic, including locally sent fragments, is left alone.
 * Called under cfg_lock.
 */
int knat_attach(struct knat_net *kn)
{
	int err;

	lockdep_assert_held(&kn->cfg_lock);
	/* The namespace-less state of the KUnit suites has nothing to hook. */
	if (kn->attached || !kn->net)
		return 0;
	err = nf_defrag_ipv4_enable(kn->net);
	if (err)
		return err;
	err = nf_register_net_hooks(kn->net, knat_hook_ops,
				    ARRAY_SIZE(knat_hook_ops));
	if (err) {
		nf_defrag_ipv4_disable(kn->net);
		return err;
	}
	WRITE_ONCE(kn->attached, true);
	knat_gc_start(kn);
	return 0;
}

/* At namespace exit: no configuration request can run any more. */
void knat_detach(struct knat_net *kn)
{
	if (!kn->attached)
		return;
	nf_unregister_net_hooks(kn->net, knat_hook_ops,
				ARRAY_SIZE(knat_hook_ops));
	nf_defrag_ipv4_disable(kn->net);
	WRITE_ONCE(kn->attached, false);
}
