/* SPDX-License-Identifier: GPL-2.0 */
/* knat: graves, where what writers unlink waits out its readers (grave.c). */
#ifndef _KNAT_GRAVE_H
#define _KNAT_GRAVE_H

#include "knat.h"

int knat_graves_init(struct knat_net *kn, struct kmem_cache *const *caches);
void knat_graves_destroy(struct knat_net *kn, int n);
bool knat_grave_room(struct knat_net *kn, unsigned int need);
void knat_bury(struct knat_net *kn, enum knat_grave_kind kind, void *obj);
void knat_graves_prepare(struct knat_net *kn, unsigned int need);
void knat_graves_close(struct knat_net *kn);

#endif /* _KNAT_GRAVE_H */
