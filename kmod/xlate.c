// SPDX-License-Identifier: GPL-2.0
/*
 * knat: packet translation.
 *
 * Parse a packet into the tuple its side of the NAT sees, find (or make)
 * its session, and rewrite one address and one port (or ICMP query id)
 * with incremental checksum updates that keep CHECKSUM_PARTIAL and
 * CHECKSUM_COMPLETE skbs right and leave a zero UDP checksum alone.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/netfilter.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>
#include "knat.h"
#include "hooks.h"
#include "icmp.h"
#include "mapping.h"
#include "session.h"
#include "syn.h"
#include "table.h"
#include "xlate.h"

static unsigned int knat_l4_hdrlen(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		return sizeof(struct udphdr);
	default:
		return sizeof(struct icmphdr);
	}
}

/*
 * The ports (or echo query id) of a transport header that travels in
 * direction @outbound.  Only its first 8 bytes are read: all an ICMP error
 * is sure to quote.
 */
static int knat_l4_ports(u8 proto, const void *l4, bool outbound,
			 __be16 *sport, __be16 *dport)
{
	const struct icmphdr *ih = l4;
	const struct udphdr *uh = l4;	/* TCP's ports are at the same place */

	if (proto != IPPROTO_ICMP) {
		*sport = uh->source;
		*dport = uh->dest;
		return 0;
	}
	if (ih->type != (outbound ? ICMP_ECHO : ICMP_ECHOREPLY))
		return -EPROTONOSUPPORT;
	*sport = ih->un.echo.id;
	*dport = ih->un.echo.id;
	return 0;
}

/* The tuple as the @outbound side sees a packet (l: the inside end). */
static void knat_key(struct knat_tuple *k, const struct iphdr *iph,
		     __be16 sport, __be16 dport, bool outbound)
{
	memset(k, 0, sizeof(*k));
	k->proto = iph->protocol;
	if (outbound) {
		k->laddr = iph->saddr;
		k->raddr = iph->daddr;
		k->lport = sport;
		k->rport = dport;
	} else {
		k->laddr = iph->daddr;
		k->raddr = iph->saddr;
		k->lport = dport;
		k->rport = sport;
	}
	/* An echo query is identified by its id alone. */
	if (k->proto == IPPROTO_ICMP)
		k->rport = 0;
}

/*
 * An ICMP error quotes a packet that went the other way: its key is the
 * quoted packet's, seen from this side (RFC 5508).  A quote knat cannot
 * read, or of a packet it never translates, makes the error malformed.
 */
static int knat_parse_inner(struct sk_buff *skb, bool outbound,
			    struct knat_pkt *pkt)
{
	unsigned int off = pkt->l4off + sizeof(struct icmphdr);
	const struct iphdr *inner;
	__be16 sport, dport;
	unsigned int ihl;
	const void *l4;

	if (!pskb_may_pull(skb, skb_network_offset(skb) + off + sizeof(*inner)))
		return -EINVAL;
	inner = (void *)ip_hdr(skb) + off;
	ihl = inner->ihl * 4;
	if (inner->version != 4 || ihl < sizeof(*inner) ||
	    knat_proto_index(inner->protocol) < 0 ||
	    (inner->frag_off & htons(IP_OFFSET)))
		return -EINVAL;
	if (!pskb_may_pull(skb, skb_network_offset(skb) + off + ihl +
				KNAT_ICMP_QUOTE))
		return -EINVAL;
	inner = (void *)ip_hdr(skb) + off;
	if (ip_fast_csum(inner, inner->ihl))
		return -EINVAL;
	l4 = (void *)inner + ihl;
	if (inner->protocol == IPPROTO_ICMP &&
	    icmp_is_err(((const struct icmphdr *)l4)->type))
		return -EINVAL;		/* never an error about an error */
	if (knat_l4_ports(inner->protocol, l4, !outbound, &sport, &dport))
		return -EINVAL;
	knat_key(&pkt->key, inner, sport, dport, !outbound);
	pkt->inner = off;
	return 0;
}

/*
 * The flag combinations a TCP segment may carry (as conntrack's
 * tcp_valid_flags): SYN, SYN-ACK, RST, RST-ACK, FIN-ACK and ACK, each
 * with or without URG; PSH, ECE and CWR go with any of them.  Null, SYN
 * with FIN or RST, FIN without ACK ("Xmas") are scans, not connections.
 */
static bool knat_tcp_flags_valid(u8 flags)
{
	switch (flags & ~(TCPHDR_PSH | TCPHDR_ECE | TCPHDR_CWR | TCPHDR_URG)) {
	case TCPHDR_SYN:
	case TCPHDR_SYN | TCPHDR_ACK:
	case TCPHDR_RST:
	case TCPHDR_RST | TCPHDR_ACK:
	case TCPHDR_FIN | TCPHDR_ACK:
	case TCPHDR_ACK:
		return true;
	}
	return false;
}

/*
 * A source no packet can come from: 0.0.0.0, loopback, multicast or the
 * limited broadcast.  Routing drops such packets after PREROUTING, where
 * knat would already have made a session for them.  Outbound, the hook
 * leaves multicast and broadcast destinations alone.
 */
static bool knat_martian(__be32 addr)
{
	return ipv4_is_zeronet(addr) || ipv4_is_loopback(addr) ||
	       ipv4_is_multicast(addr) || ipv4_is_lbcast(addr);
}

/**
 * knat_parse - the tuple of a packet as this side of the NAT sees it
 * @skb: an IPv4 packet, network header set, IP header validated
 * @outbound: leaving the inside (l = source) or arriving (l = destination)
 * @pkt: filled in; for an ICMP error, @pkt->inner is set and the key is
 *       that of the packet it quotes
 *
 * Return: 0; -EPROTONOSUPPORT for what knat does not translate (other
 * protocols, ICMP other than errors and the echo query of this direction);
 * -EINVAL for a fragment, a truncated or malformed header, TCP flags no
 * connection sends, or a martian remote end.
 */
int knat_parse(struct sk_buff *skb, bool outbound, struct knat_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = iph->ihl * 4;
	u8 proto = iph->protocol;
	__be16 sport, dport;
	const void *l4;
	int err;

	if (knat_proto_index(proto) < 0)
		return -EPROTONOSUPPORT;
	if (ip_is_fragment(iph))
		return -EINVAL;
	if (!pskb_may_pull(skb, skb_network_offset(skb) + ihl +
				knat_l4_hdrlen(proto)))
		return -EINVAL;
	iph = ip_hdr(skb);
	l4 = (void *)iph + ihl;
	pkt->l4off = ihl;
	pkt->inner = 0;
	pkt->tcp_flags = 0;

	if (proto == IPPROTO_TCP) {
		const struct tcphdr *th = l4;

		/* The data offset stays within the segment (ip_rcv() trimmed
		 * the skb to the datagram's length).
		 */
		if (th->doff < sizeof(*th) / 4 ||
		    th->doff * 4 > skb->len - skb_network_offset(skb) - ihl)
			return -EINVAL;
		pkt->tcp_flags = tcp_flag_byte(th);
		if (!knat_tcp_flags_valid(pkt->tcp_flags))
			return -EINVAL;
	} else if (proto == IPPROTO_UDP) {
		unsigned int ulen = ntohs(((const struct udphdr *)l4)->len);

		/* The length covers the header, and no more than there is. */
		if (ulen < sizeof(struct udphdr) ||
		    ulen > skb->len - skb_network_offset(skb) - ihl)
			return -EINVAL;
	} else if (proto == IPPROTO_ICMP &&
		   icmp_is_err(((const struct icmphdr *)l4)->type)) {
		return knat_parse_inner(skb, outbound, pkt);
	}
	if (!outbound && knat_martian(iph->saddr))
		return -EINVAL;
	err = knat_l4_ports(proto, l4, outbound, &sport, &dport);
	if (err)
		return err;
	knat_key(&pkt->key, iph, sport, dport, outbound);
	return 0;
}

/*
 * A checksum update for an address or port.  A packet's own transport
 * header (@skb given) follows the skb's checksum state, and an address is
 * in its pseudo-header; a header an ICMP error quotes (@skb NULL) holds a
 * plain checksum, and the error's own is computed anew afterwards.
 */
static __always_inline void knat_csum4(__sum16 *sum, struct sk_buff *skb,
				       __be32 from, __be32 to)
{
	if (skb)
		inet_proto_csum_replace4(sum, skb, from, to, true);
	else
		csum_replace4(sum, from, to);
}

static __always_inline void knat_csum2(__sum16 *sum, struct sk_buff *skb,
				       __be16 from, __be16 to)
{
	if (skb)
		inet_proto_csum_replace2(sum, skb, from, to, false);
	else
		csum_replace2(sum, from, to);
}

/*
 * knat_manip - replace one end's address and port of an IPv4 header
 * @skb: the packet whose own header @iph is; NULL for a header an ICMP
 *       error quotes
 * @iph: the IP header, writable along with its transport header's first
 *       @l4len bytes
 * @l4len: how much of the transport header there is (a quote may be cut
 *         short: a TCP checksum beyond it stays as it is)
 * @src: the source end, or the destination
 * @addr: the new address
 * @port: the new port, or ICMP query id
 *
 * The transport checksum follows, where there is one: a UDP datagram sent
 * without one keeps none.  The one routine for both headers, as nf_nat's
 * l4proto_manip_pkt() serves the packet and the quote alike.  Inlined in
 * each of its two uses, where @skb's test folds away: the packet path's
 * translation pays for no call and no test.
 */
static __always_inline void knat_manip(struct sk_buff *skb, struct iphdr *iph,
				       unsigned int l4len, bool src,
				       __be32 addr, __be16 port)
{
	void *l4 = (void *)iph + iph->ihl * 4;
	__be32 *addrp = src ? &iph->saddr : &iph->daddr;
	__sum16 *check = NULL;
	__be16 *portp;

	switch (iph->protocol) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		portp = src ? &th->source : &th->dest;
		if (l4len >= offsetofend(struct tcphdr, check))
			check = &th->check;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		portp = src ? &uh->source : &uh->dest;
		if (uh->check || (skb && skb->ip_summed == CHECKSUM_PARTIAL))
			check = &uh->check;
		break;
	}
	default: {
		struct icmphdr *ih = l4;

		/* The ICMP checksum has no pseudo-header: only the id. */
		portp = &ih->un.echo.id;
		knat_csum2(&ih->checksum, skb, *portp, port);
		break;
	}
	}
	if (check) {
		knat_csum4(check, skb, *addrp, addr);
		knat_csum2(check, skb, *portp, port);
		if (iph->protocol == IPPROTO_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*portp = port;
	csum_replace4(&iph->check, *addrp, addr);
	*addrp = addr;
}

/**
 * knat_manip_quote - replace one end's address and port of a quoted header
 * @iph: the IP header an ICMP error quotes, writable along with its
 *       transport header's first @l4len bytes
 * @l4len: how much of the transport header the quote holds
 * @src: the source end, or the destination
 * @addr: the new address
 * @port: the new port, or ICMP query id
 *
 * The quote's own checksums follow; the error's is the caller's to compute.
 */
void knat_manip_quote(struct iphdr *iph, unsigned int l4len, bool src,
		      __be32 addr, __be16 port)
{
	knat_manip(NULL, iph, l4len, src, addr, port);
}

/**
 * knat_rewrite - replace this side's address and port of a packet
 * @skb: the packet knat_parse() read
 * @pkt: its parse
 * @outbound: rewrite the source (outbound) or the destination (inbound)
 * @addr: new address
 * @port: new port, or ICMP query id
 *
 * Return: 0, or -ENOMEM when the headers could not be made writable.
 */
int knat_rewrite(struct sk_buff *skb, const struct knat_pkt *pkt,
		 bool outbound, __be32 addr, __be16 port)
{
	unsigned int l4len = knat_l4_hdrlen(pkt->key.proto);

	if (skb_ensure_writable(skb, skb_network_offset(skb) + pkt->l4off +
				     l4len))
		return -ENOMEM;
	knat_manip(skb, ip_hdr(skb), l4len, outbound, addr, port);
	return 0;
}

/* A SYN opening a connection: not the SYN-ACK answering one. */
static bool knat_tcp_opening(u8 flags)
{
	return (flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN;
}

static void knat_tcp_observe(struct knat_session *s, u8 flags, bool outbound)
{
	u8 add = outbound ? KNAT_TCPF_SEEN_OUT : KNAT_TCPF_SEEN_IN;
	u8 old = READ_ONCE(s->tcp);
	u8 new;

	if (flags & TCPHDR_SYN)
		add |= outbound ? KNAT_TCPF_SYN_OUT : KNAT_TCPF_SYN_IN;
	if (flags & TCPHDR_FIN)
		add |= outbound ? KNAT_TCPF_FIN_OUT : KNAT_TCPF_FIN_IN;
	if (flags & TCPHDR_RST)
		add |= KNAT_TCPF_RST;
	do {
		new = old | add;
		/* A fresh SYN on a closed or closing session starts over. */
		if (knat_tcp_opening(flags) &&
		    (old & (KNAT_TCPF_FIN | KNAT_TCPF_RST)))
			new = add;
		/* Anything but a RST after one: it did not end the
		 * connection (RFC 6146 TRANS state, RFC 7857 section 2.2).
		 */
		else if (!(flags & TCPHDR_RST))
			new &= ~KNAT_TCPF_RST;
		if (new == old)
			return;
	} while (!try_cmpxchg(&s->tcp, &old, new));
}

/*
 * A packet of @s: refresh it (outbound always, inbound when @refresh,
 * RFC 4787 REQ-6) and follow the TCP state.
 */
void knat_session_touch(struct knat_session *s, u8 tcp_flags, bool outbound,
			bool refresh)
{
	u32 now = knat_stamp(jiffies);

	/* Only write when the tick changed: keeps the line clean. */
	if (refresh && READ_ONCE(s->last_used) != now)
		WRITE_ONCE(s->last_used, now);
	if (s->in.proto == IPPROTO_TCP)
		knat_tcp_observe(s, tcp_flags, outbound);
}

/*
 * An allocation refused for lack of ports or at a subscriber's limit: tell
 * the sender, "communication administratively prohibited" (RFC 6888
 * REQ-11 and RFC 5508); icmp_send() rate-limits per destination.
 */
static unsigned int knat_drop_refused(struct knat_net *kn,
				      struct sk_buff *skb,
				      enum knat_stat reason)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (reason != KNAT_STAT_DROP_EXHAUSTED &&
	    reason != KNAT_STAT_DROP_LIMIT_BLOCKS &&
	    reason != KNAT_STAT_DROP_LIMIT_SESSIONS)
		return knat_drop(kn, reason);
	/* A hairpinned packet, at PREROUTING, has no route to answer by. */
	if (skb_dst(skb) ||
	    !ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos,
				  skb->dev))
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, 0);
	return knat_drop(kn, reason);
}

static enum knat_stat knat_parse_error(int err)
{
	return err == -EPROTONOSUPPORT ? KNAT_STAT_DROP_UNSUPPORTED :
					 KNAT_STAT_DROP_MALFORMED;
}

/* Translate a packet from an inside address leaving toward the outside. */
unsigned int knat_outbound(struct knat_net *kn, struct sk_buff *skb)
{
	struct knat_mapping *m;
	struct knat_session *s;
	struct knat_pkt pkt;
	int err, reason;

	err = knat_parse(skb, true, &pkt);
	if (err)
		return knat_drop(kn, knat_parse_error(err));
	/* An error from the inside is about its sender's own flows: one
	 * subscriber cannot speak for another's (lower its path MTU, end
	 * its connections).
	 */
	if (pkt.inner && ip_hdr(skb)->saddr != pkt.key.laddr)
		return knat_drop(kn, KNAT_STAT_DROP_FILTERED);
	s = knat_session_find_in(kn, &pkt.key);
	if (!s) {
		/* A lone RST has nothing to reset outside, an error nothing
		 * to report: neither makes a mapping.
		 */
		if ((pkt.tcp_flags & TCPHDR_RST) || pkt.inner)
			return knat_drop(kn, KNAT_STAT_DROP_NO_MAPPING);
		/* Nor does a packet from outside that claims to be inside. */
		if (!knat_from_inside(kn, skb))
			return knat_drop(kn, KNAT_STAT_DROP_SPOOFED);
		s = knat_session_create_out(kn, &pkt.key, 0, &reason);
		if (!s)
			return knat_drop_refused(kn, skb, reason);
	}
	if (pkt.inner)
		return knat_icmp_error(kn, skb, &pkt, s, true, true);
	if (unlikely(READ_ONCE(s->flags) & KNAT_SESS_UNANSWERED))
		knat_session_answered(kn, s);
	m = knat_session_map(s);
	/* Sending again after an answer confirms the subscriber. */
	if (unlikely((READ_ONCE(m->s.flags) & (KNAT_SESS_REPLIED |
					       KNAT_SESS_CONFIRMED)) ==
		     KNAT_SESS_REPLIED))
		knat_mapping_exchange(kn, m, true);
	knat_session_touch(s, pkt.tcp_flags, true, true);
	if (knat_rewrite(skb, &pkt, true, m->paddr->addr, s->ext_port))
		return knat_drop(kn, KNAT_STAT_DROP_NOMEM);
	if (knat_tcp_opening(pkt.tcp_flags))
		knat_syn_matched(kn, s);
	knat_count(kn, KNAT_STAT_XLATE_OUT);
	return NF_ACCEPT;
}

/* Traffic for the router's own address is the router's business. */
static bool knat_for_host(struct knat_net *kn, struct sk_buff *skb)
{
	return inet_addr_type(kn->net, ip_hdr(skb)->daddr) == RTN_LOCAL;
}

/*
 * An inbound packet no session admits.  A SYN from outside may yet be
 * answered (RFC 5382 REQ-4, see syn.c); not one a hairpinned packet
 * brought, whose sender is inside.
 */
static unsigned int knat_inbound_refused(struct knat_net *kn,
					 struct sk_buff *skb,
					 const struct knat_pkt *pkt,
					 enum knat_stat reason, bool hairpin)
{
	if (reason == KNAT_STAT_DROP_NO_MAPPING && knat_for_host(kn, skb))
		return NF_ACCEPT;
	if (!hairpin && knat_tcp_opening(pkt->tcp_flags) &&
	    (reason == KNAT_STAT_DROP_NO_MAPPING ||
	     reason == KNAT_STAT_DROP_FILTERED))
		knat_syn_hold(kn, skb, &pkt->key);
	return knat_drop(kn, reason);
}

/*
 * A packet the filter admits to mapping @m (found under RCU) from a remote
 * it has no session with, while @m, its subscriber or the namespace holds
 * as many unanswered sessions as it may: delivered, and not remembered.
 * The inside's answer makes the session (an established one), so a flood
 * of new remotes at a mapping never locks its real peers out, and costs
 * no memory beyond the limits.
 */
static unsigned int knat_inbound_untracked(struct knat_net *kn,
					   struct sk_buff *skb,
					   const struct knat_pkt *pkt,
					   const struct knat_mapping *m)
{
	if (knat_rewrite(skb, pkt, false, m->s.in.laddr, m->s.in.lport))
		return knat_drop(kn, KNAT_STAT_DROP_NOMEM);
	knat_count(kn, KNAT_STAT_INBOUND_UNTRACKED);
	knat_count(kn, KNAT_STAT_XLATE_IN);
	return NF_ACCEPT;
}

/*
 * Is this packet from outside the first answer to a flow the inside opened
 * on @m, of a subscriber not yet confirmed (knat_mapping_exchange())?  Not
 * a RST: a refusal answers any source.
 */
static bool knat_first_answer(const struct knat_session *s,
			      const struct knat_mapping *m, u8 tcp_flags)
{
	return !(READ_ONCE(m->s.flags) &
		 (KNAT_SESS_REPLIED | KNAT_SESS_CONFIRMED)) &&
	       !(READ_ONCE(s->flags) & KNAT_SESS_UNANSWERED) &&
	       !(tcp_flags & TCPHDR_RST);
}

/**
 * knat_inbound - translate a packet arriving for a pool address
 * @kn: the namespace's state
 * @skb: at PREROUTING
 * @hairpin: its source was an inside endpoint, already translated
 *
 * Return: the verdict.
 */
unsigned int knat_inbound(struct knat_net *kn, struct sk_buff *skb,
			  bool hairpin)
{
	struct knat_mapping *m;
	struct knat_session *s;
	struct knat_pkt pkt;
	int err, reason;

	err = knat_parse(skb, false, &pkt);
	if (err) {
		if (err == -EPROTONOSUPPORT && knat_for_host(kn, skb))
			return NF_ACCEPT;
		return knat_drop(kn, knat_parse_error(err));
	}
	s = knat_session_lookup_out(kn, &pkt.key, &m);
	if (!s) {
		/* The pool's filtering may admit a new remote to a TCP or
		 * UDP mapping; an echo reply must answer a query.  Without
		 * a mapping there is nothing to lock for.
		 */
		reason = KNAT_STAT_DROP_NO_MAPPING;
		if (m && pkt.key.proto != IPPROTO_ICMP && !pkt.inner &&
		    !(pkt.tcp_flags & TCPHDR_RST))
			s = knat_session_create_in(kn, &pkt.key, 0, &reason);
		if (!s && reason == KNAT_STAT_INBOUND_UNTRACKED)
			return knat_inbound_untracked(kn, skb, &pkt, m);
		if (!s)
			return knat_inbound_refused(kn, skb, &pkt, reason,
						    hairpin);
	}
	if (pkt.inner)
		return knat_icmp_error(kn, skb, &pkt, s, false, true);
	m = knat_session_map(s);
	if (unlikely(!hairpin && knat_first_answer(s, m, pkt.tcp_flags)))
		knat_mapping_exchange(kn, m, false);
	knat_session_touch(s, pkt.tcp_flags, false,
			   READ_ONCE(kn->cfg.inbound_refresh));
	if (knat_rewrite(skb, &pkt, false, s->in.laddr, s->in.lport))
		return knat_drop(kn, KNAT_STAT_DROP_NOMEM);
	knat_count(kn, KNAT_STAT_XLATE_IN);
	return NF_ACCEPT;
}

/**
 * knat_hairpin - an inside host sending to a pool address
 * @kn: the namespace's state
 * @skb: at PREROUTING, from an inside address to a pool address
 *
 * The packet leaves and comes back in one pass, before routing: its source
 * becomes the sender's external endpoint, then its destination the inside
 * endpoint behind the pool address, so the receiver sees the sender as
 * anyone outside would (RFC 4787 REQ-9/9a, RFC 5382 REQ-9, RFC 5508
 * REQ-7).  The same holds for ICMP errors about hairpinned flows.
 *
 * Return: the verdict.
 */
unsigned int knat_hairpin(struct knat_net *kn, struct sk_buff *skb)
{
	unsigned int verdict = knat_outbound(kn, skb);

	if (verdict != NF_ACCEPT)
		return verdict;
	verdict = knat_inbound(kn, skb, true);
	if (verdict == NF_ACCEPT)
		knat_count(kn, KNAT_STAT_HAIRPIN);
	return verdict;
}
