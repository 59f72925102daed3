/* SPDX-License-Identifier: GPL-2.0 */
/* knat: expiry and the GC work (gc.c). */
#ifndef _KNAT_GC_H
#define _KNAT_GC_H

#include "knat.h"

unsigned long knat_session_timeout(const struct knat_net *kn,
				   const struct knat_session *s);
bool knat_session_expired(const struct knat_net *kn,
			  const struct knat_session *s, unsigned long now);
unsigned int knat_gc_batch(struct knat_net *kn, unsigned int budget,
			   bool *done);
void knat_gc_init(struct knat_net *kn);
void knat_gc_start(struct knat_net *kn);
void knat_gc_kick(struct knat_net *kn);
void knat_gc_stop(struct knat_net *kn);

#endif /* _KNAT_GC_H */
