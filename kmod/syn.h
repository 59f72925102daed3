/* SPDX-License-Identifier: GPL-2.0 */
/* knat: unsolicited inbound SYNs (syn.c). */
#ifndef _KNAT_SYN_H
#define _KNAT_SYN_H

#include "knat.h"

#define KNAT_SYN_MAX		1024	/* SYNs held per namespace */
int knat_syn_init(struct knat_net *kn);
void knat_syn_destroy(struct knat_net *kn);
void knat_syn_hold(struct knat_net *kn, const struct sk_buff *skb,
		   const struct knat_tuple *key);
void knat_syn_matched(struct knat_net *kn, const struct knat_session *s);
bool knat_syn_expire(struct knat_net *kn, unsigned long now,
		     unsigned int budget);

#endif /* _KNAT_SYN_H */
