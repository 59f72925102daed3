// SPDX-License-Identifier: GPL-2.0
/*
 * knat: unsolicited inbound SYNs (RFC 5382 REQ-4).
 *
 * A SYN from outside that no mapping admits is dropped at once, but its
 * headers are kept for KNAT_SYN_HOLD: if the inside host sends the SYN of
 * the same connection in that time (a simultaneous open, as in TCP hole
 * punching), the remote's SYN is forgotten silently; otherwise the
 * collector answers it with ICMP port unreachable, from the external
 * address it was sent to.  With syn-unreachable 0, local policy, they are
 * dropped silently (REQ-4a) and nothing is kept.
 *
 * At most KNAT_SYN_MAX are held per namespace (128 bytes each, 128 KiB in
 * all), and a SYN flood beyond that is only dropped: it bounds both the
 * memory and the answers (KNAT_SYN_MAX per KNAT_SYN_HOLD).  A
 * retransmitted SYN does not restart the wait of the first.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/slab.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include "knat.h"
#include "alloc.h"
#include "syn.h"
#include "table.h"
#include "xlate.h"

#define KNAT_SYN_HOLD		(6 * HZ)
#define KNAT_SYN_QUOTE		(60 + KNAT_ICMP_QUOTE)	/* IP with options */

struct knat_syn {
	struct rhash_head node;
	struct knat_tuple key;		/* as outside: l = external endpoint */
	struct list_head list;		/* kn->syn.list, oldest first */
	unsigned long expires;		/* jiffies */
	u8 len;
	u8 quote[KNAT_SYN_QUOTE];	/* the SYN's IP header and 8 bytes */
};

static const struct rhashtable_params knat_syn_params = {
	.head_offset = offsetof(struct knat_syn, node),
	.key_offset = offsetof(struct knat_syn, key),
	.key_len = sizeof(struct knat_tuple),
	.automatic_shrinking = true,
};

int knat_syn_init(struct knat_net *kn)
{
	spin_lock_init(&kn->syn.lock);
	INIT_LIST_HEAD(&kn->syn.list);
	atomic_set(&kn->syn.n, 0);
	return rhashtable_init(&kn->syn.table, &knat_syn_params);
}

static void knat_syn_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* Nothing can reach the table any more. */
void knat_syn_destroy(struct knat_net *kn)
{
	rhashtable_free_and_destroy(&kn->syn.table, knat_syn_free, NULL);
}

/*
 * Under kn->syn.lock.  Every lookup is made under the lock too, so the
 * caller may free @syn as soon as it is unlinked.
 */
static void knat_syn_unlink(struct knat_net *kn, struct knat_syn *syn)
{
	lockdep_assert_held(&kn->syn.lock);

	rhashtable_remove_fast(&kn->syn.table, &syn->node, knat_syn_params);
	list_del(&syn->list);
	atomic_dec(&kn->syn.n);
}

/**
 * knat_syn_hold - remember an unsolicited SYN that is being dropped
 * @kn: the namespace's state
 * @skb: the SYN, its IP and TCP headers pulled (knat_parse())
 * @key: its tuple, as the outside sees it
 */
void knat_syn_hold(struct knat_net *kn, const struct sk_buff *skb,
		   const struct knat_tuple *key)
{
	unsigned int len = ip_hdrlen(skb) + KNAT_ICMP_QUOTE;
	struct knat_syn *syn;

	if (!READ_ONCE(kn->cfg.syn_unreach) ||
	    atomic_read(&kn->syn.n) >= KNAT_SYN_MAX)
		return;
	syn = kmalloc(sizeof(*syn), GFP_ATOMIC);
	if (!syn)
		return;
	syn->key = *key;
	syn->expires = jiffies + KNAT_SYN_HOLD;
	syn->len = len;
	memcpy(syn->quote, ip_hdr(skb), len);

	spin_lock_bh(&kn->syn.lock);
	if (atomic_read(&kn->syn.n) >= KNAT_SYN_MAX ||
	    rhashtable_lookup_insert_fast(&kn->syn.table, &syn->node,
					  knat_syn_params)) {
		spin_unlock_bh(&kn->syn.lock);
		kfree(syn);	/* full, a retransmission, or no memory */
		return;
	}
	list_add_tail(&syn->list, &kn->syn.list);
	atomic_inc(&kn->syn.n);
	spin_unlock_bh(&kn->syn.lock);
	knat_count(kn, KNAT_STAT_SYN_HELD);
}

/**
 * knat_syn_matched - an outbound SYN was translated
 * @kn: the namespace's state
 * @s: its session
 *
 * A SYN held for the same connection is dropped silently.  O(1), and
 * nothing but a load when no SYN is held.
 */
void knat_syn_matched(struct knat_net *kn, const struct knat_session *s)
{
	struct knat_tuple out;
	struct knat_syn *syn;

	if (!atomic_read(&kn->syn.n))
		return;
	knat_session_out(s, &out);
	spin_lock_bh(&kn->syn.lock);
	syn = rhashtable_lookup_fast(&kn->syn.table, &out, knat_syn_params);
	if (syn)
		knat_syn_unlink(kn, syn);
	spin_unlock_bh(&kn->syn.lock);
	kfree(syn);
}

/*
 * ICMP port unreachable quoting the SYN, from the address it was sent to:
 * a pool address the router need not own, hence FLOWI_FLAG_ANYSRC, as
 * nf_reject does for foreign sources.  Process context.
 */
static int knat_syn_answer(struct knat_net *kn, const struct knat_syn *syn)
{
	const struct iphdr *q = (const void *)syn->quote;
	struct flowi4 fl4 = {
		.daddr = q->saddr,
		.saddr = q->daddr,
		.flowi4_proto = IPPROTO_ICMP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct icmphdr *ih;
	struct sk_buff *skb;
	struct iphdr *iph;
	struct rtable *rt;
	unsigned int hh;
	int err;

	rt = ip_route_output_key(kn->net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	hh = LL_RESERVED_SPACE(rt->dst.dev);
	skb = alloc_skb(hh + sizeof(*iph) + sizeof(*ih) + syn->len, GFP_KERNEL);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	skb_reserve(skb, hh);
	skb_dst_set(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = (q->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	ip_select_ident(kn->net, skb, NULL);
	skb_set_transport_header(skb, sizeof(*iph));
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = ICMP_DEST_UNREACH;
	ih->code = ICMP_PORT_UNREACH;
	skb_put_data(skb, syn->quote, syn->len);
	ih->checksum = ip_compute_csum(ih, sizeof(*ih) + syn->len);
	/* ip_local_out() sets the length and the header checksum. */
	err = ip_local_out(kn->net, NULL, skb);
	return net_xmit_eval(err);
}

/**
 * knat_syn_expire - answer the SYNs held for KNAT_SYN_HOLD
 * @kn: the namespace's state
 * @now: jiffies
 * @budget: at most this many
 *
 * A SYN whose address left the pools meanwhile is dropped silently.
 * Process context (the collector).
 * Return: true if the budget ran out before the expired SYNs did.
 */
bool knat_syn_expire(struct knat_net *kn, unsigned long now,
		     unsigned int budget)
{
	struct knat_syn *syn;
	bool live;

	for (; budget; budget--) {
		spin_lock_bh(&kn->syn.lock);
		syn = list_first_entry_or_null(&kn->syn.list, struct knat_syn,
					       list);
		if (syn && time_before(now, syn->expires))
			syn = NULL;
		if (syn)
			knat_syn_unlink(kn, syn);
		spin_unlock_bh(&kn->syn.lock);
		if (!syn)
			return false;
		rcu_read_lock();
		live = knat_is_pool_addr(kn, syn->key.laddr);
		rcu_read_unlock();
		if (live && kn->net && !knat_syn_answer(kn, syn))
			knat_count(kn, KNAT_STAT_SYN_UNREACH);
		kfree(syn);
	}
	return true;
}
