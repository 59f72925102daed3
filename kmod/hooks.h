/* SPDX-License-Identifier: GPL-2.0 */
/* knat: netfilter entry points; attaching a namespace (hooks.c). */
#ifndef _KNAT_HOOKS_H
#define _KNAT_HOOKS_H

#include "knat.h"

bool knat_from_inside(struct knat_net *kn, const struct sk_buff *skb);
int knat_attach(struct knat_net *kn);
void knat_detach(struct knat_net *kn);

#endif /* _KNAT_HOOKS_H */
