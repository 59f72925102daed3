/* SPDX-License-Identifier: GPL-2.0 */
/* knat: parsing and translation of packets (xlate.c). */
#ifndef _KNAT_XLATE_H
#define _KNAT_XLATE_H

#include "knat.h"

struct knat_pkt {
	struct knat_tuple key;		/* as seen on the wire, this side */
	unsigned int l4off;
	unsigned int inner;		/* ICMP error: offset of the quote */
	u8 tcp_flags;			/* TCPHDR_* of a TCP packet */
};

/* What an ICMP error is sure to quote of the transport header (RFC 792). */
#define KNAT_ICMP_QUOTE		8

int knat_parse(struct sk_buff *skb, bool outbound, struct knat_pkt *pkt);
void knat_manip_quote(struct iphdr *iph, unsigned int l4len, bool src,
		      __be32 addr, __be16 port);
int knat_rewrite(struct sk_buff *skb, const struct knat_pkt *pkt,
		 bool outbound, __be32 addr, __be16 port);
void knat_session_touch(struct knat_session *s, u8 tcp_flags, bool outbound,
			bool refresh);
unsigned int knat_outbound(struct knat_net *kn, struct sk_buff *skb);
unsigned int knat_inbound(struct knat_net *kn, struct sk_buff *skb,
			  bool hairpin);
unsigned int knat_hairpin(struct knat_net *kn, struct sk_buff *skb);

#endif /* _KNAT_XLATE_H */
