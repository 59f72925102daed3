// SPDX-License-Identifier: GPL-2.0
/*
 * knat: ICMP errors (RFC 5508).
 *
 * An error about a translated flow is translated like the flow, in both
 * headers: outbound, the sender (an inside host) becomes the mapping's
 * external address and the quoted packet's destination its external
 * endpoint; inbound, the destination becomes the inside host and the
 * quoted packet's source its inside endpoint.  The error neither creates,
 * refreshes nor removes a mapping or session (RFC 4787 REQ-12, RFC 5508
 * REQ-6, RFC 7857 section 7); an error about nothing knat knows is
 * dropped and counted.  The ICMP checksum is checked before and computed
 * anew after; the quoted headers' checksums are updated in place.
 */
#include <linux/ip.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "knat.h"
#include "alloc.h"
#include "icmp.h"
#include "table.h"
#include "xlate.h"

/* The ICMP message of @skb: from its header to the end of the datagram. */
static unsigned int knat_icmp_len(struct sk_buff *skb,
				  const struct knat_pkt *pkt)
{
	return ntohs(ip_hdr(skb)->tot_len) - pkt->l4off;
}

static bool knat_icmp_csum_ok(struct sk_buff *skb, const struct knat_pkt *pkt)
{
	unsigned int off = skb_network_offset(skb) + pkt->l4off;

	if (skb->ip_summed == CHECKSUM_UNNECESSARY ||
	    skb->ip_summed == CHECKSUM_PARTIAL)
		return true;
	return !csum_fold(skb_checksum(skb, off, knat_icmp_len(skb, pkt), 0));
}

static void knat_icmp_csum_set(struct sk_buff *skb, const struct knat_pkt *pkt)
{
	unsigned int off = skb_network_offset(skb) + pkt->l4off;
	struct icmphdr *ih = (void *)ip_hdr(skb) + pkt->l4off;
	unsigned int len = knat_icmp_len(skb, pkt);

	/* A partial checksum is finished on transmit, over what is there. */
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return;
	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, off, len, 0));
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
}

/*
 * The bytes of @skb an error's translation writes: up to the quoted
 * transport header's checksum (TCP's ends 18 bytes in), where quoted.  The
 * rest of a long error stays as it is, paged or not: skb_checksum() reads
 * it where it lies.
 */
static unsigned int knat_icmp_written(struct sk_buff *skb,
				      const struct knat_pkt *pkt)
{
	const struct iphdr *inner = (void *)ip_hdr(skb) + pkt->inner;
	unsigned int end = pkt->inner + inner->ihl * 4 +
			   offsetofend(struct tcphdr, check);

	return min_t(unsigned int, end, ntohs(ip_hdr(skb)->tot_len));
}

/**
 * knat_icmp_error - translate an ICMP error about a translated flow
 * @kn: the namespace's state
 * @skb: the error; knat_parse() set @pkt->inner
 * @pkt: its parse: the key is that of the quoted packet
 * @s: the session of the quoted packet
 * @outbound: from an inside host, or toward one
 * @outer: translate the outer header too; not for an error a router sent
 *         about a packet translated inbound (knat_icmp_relay())
 *
 * Return: the verdict.
 */
unsigned int knat_icmp_error(struct knat_net *kn, struct sk_buff *skb,
			     const struct knat_pkt *pkt,
			     const struct knat_session *s, bool outbound,
			     bool outer)
{
	struct iphdr *iph, *inner;
	__be32 addr, *outer_addr;
	__be16 port;

	/* RFC 4787 REQ-12b, off by default (REQ-12a): from its remote only. */
	if (!outbound && READ_ONCE(kn->cfg.icmp_filter) &&
	    ip_hdr(skb)->saddr != s->in.raddr)
		return knat_drop(kn, KNAT_STAT_DROP_FILTERED);
	if (!knat_icmp_csum_ok(skb, pkt))
		return knat_drop(kn, KNAT_STAT_DROP_MALFORMED);
	if (skb_ensure_writable(skb, skb_network_offset(skb) +
				     knat_icmp_written(skb, pkt)))
		return knat_drop(kn, KNAT_STAT_DROP_NOMEM);
	addr = outbound ? knat_session_map(s)->paddr->addr : s->in.laddr;
	port = outbound ? s->ext_port : s->in.lport;
	/* The quoted packet's inside end: its destination when the error
	 * goes out (the quoted packet came in), its source when it comes in.
	 */
	inner = (void *)ip_hdr(skb) + pkt->inner;
	knat_manip_quote(inner, knat_icmp_len(skb, pkt) -
			 sizeof(struct icmphdr) - inner->ihl * 4, !outbound,
			 addr, port);
	knat_icmp_csum_set(skb, pkt);
	if (outer) {
		iph = ip_hdr(skb);
		outer_addr = outbound ? &iph->saddr : &iph->daddr;
		csum_replace4(&iph->check, *outer_addr, addr);
		*outer_addr = addr;
	}
	knat_count(kn, KNAT_STAT_XLATE_ICMP_ERR);
	return NF_ACCEPT;
}

/**
 * knat_icmp_relay - an ICMP error toward the outside, from a router
 * @kn: the namespace's state
 * @skb: at POSTROUTING, from an address outside the inside prefixes
 *
 * This router (fragmentation needed toward a smaller inside MTU, time
 * exceeded), or one between it and the subscribers, may answer a packet
 * knat translated inbound: the error quotes the inside endpoint it was
 * sent to.  The quote gets its external endpoint back, so the remote's
 * stack matches the error to its socket (path MTU discovery works) and
 * no inside address leaves; the sender's address stays.  An error quoting
 * an inside endpoint knat has no session of is dropped.
 *
 * Return: the verdict.
 */
unsigned int knat_icmp_relay(struct knat_net *kn, struct sk_buff *skb)
{
	struct knat_session *s;
	struct knat_pkt pkt;

	if (knat_parse(skb, true, &pkt) || !pkt.inner ||
	    !knat_is_inside_addr(kn, pkt.key.laddr))
		return NF_ACCEPT;
	s = knat_session_find_in(kn, &pkt.key);
	if (!s)
		return knat_drop(kn, KNAT_STAT_DROP_NO_MAPPING);
	return knat_icmp_error(kn, skb, &pkt, s, true, false);
}
