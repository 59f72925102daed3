/* SPDX-License-Identifier: GPL-2.0 */
/* knat: ICMP errors (icmp.c). */
#ifndef _KNAT_ICMP_H
#define _KNAT_ICMP_H

#include "knat.h"
#include "xlate.h"

unsigned int knat_icmp_error(struct knat_net *kn, struct sk_buff *skb,
			     const struct knat_pkt *pkt,
			     const struct knat_session *s, bool outbound,
			     bool outer);
unsigned int knat_icmp_relay(struct knat_net *kn, struct sk_buff *skb);

#endif /* _KNAT_ICMP_H */
