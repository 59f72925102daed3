/* SPDX-License-Identifier: GPL-2.0 */
/* knat: sessions (session.c). */
#ifndef _KNAT_SESSION_H
#define _KNAT_SESSION_H

#include "knat.h"

void knat_session_free(struct knat_session *s);
struct knat_session *knat_session_create_out(struct knat_net *kn,
					     const struct knat_tuple *in,
					     u8 tcp, int *drop_reason);
struct knat_session *knat_session_create_in(struct knat_net *kn,
					    const struct knat_tuple *out,
					    u8 tcp, int *drop_reason);
bool knat_session_unlink(struct knat_net *kn, struct knat_session *s,
			 bool expired);
void knat_session_remove(struct knat_net *kn, struct knat_session *s,
			 bool expired);
void knat_session_answered(struct knat_net *kn, struct knat_session *s);
unsigned int knat_sessions_unlink(struct knat_net *kn,
				  struct knat_session **doomed, unsigned int n,
				  knat_doomed_fn fn, void *arg, bool expired);

#endif /* _KNAT_SESSION_H */
