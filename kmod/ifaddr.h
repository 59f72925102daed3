/* SPDX-License-Identifier: GPL-2.0 */
/* knat: pools that follow an interface; the local-address notifier (ifaddr.c). */
#ifndef _KNAT_IFADDR_H
#define _KNAT_IFADDR_H

#include "knat.h"

void knat_if_init(struct knat_net *kn);
void knat_if_stop(struct knat_net *kn);
int knat_if_pool_fill(struct knat_net *kn, struct knat_pool *pool,
		      struct netlink_ext_ack *extack);
int knat_notifier_init(void);
void knat_notifier_exit(void);

#endif /* _KNAT_IFADDR_H */
