/* SPDX-License-Identifier: GPL-2.0 */
/* knat: attribution events (events.c). */
#ifndef _KNAT_EVENTS_H
#define _KNAT_EVENTS_H

#include "knat.h"

struct knat_event_info {
	u8 type;			/* enum knat_event */
	u8 proto;
	u32 pool_id;
	__be32 sub;
	__be32 ext;
	u16 lo;
	u16 hi;
};

/* Where events go (nl_events.c: the family's multicast group). */
struct knat_event_ops {
	bool (*wanted)(struct knat_net *kn);	/* anyone listening? */
	void (*send)(struct knat_net *kn, const struct knat_event_info *ev);
};

void knat_events_register(const struct knat_event_ops *ops);
void knat_events_unregister(void);
void knat_event_block(struct knat_net *kn, u8 type, const struct knat_block *b,
		      __be32 sub);
void knat_event_refusal(struct knat_net *kn, struct knat_subscriber *sub,
			u8 type, u8 proto);
void knat_event_table_full(struct knat_net *kn, u8 proto);
void knat_interim(struct knat_net *kn, unsigned int budget);
void knat_interim_stop(struct knat_net *kn);

#endif /* _KNAT_EVENTS_H */
