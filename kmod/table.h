/* SPDX-License-Identifier: GPL-2.0 */
/* knat: the flow indexes: keys, lookups, caches (table.c). */
#ifndef _KNAT_TABLE_H
#define _KNAT_TABLE_H

#include "knat.h"

extern const struct rhashtable_params knat_sess_in_params;
extern const struct rhashtable_params knat_sess_out_params;
extern const struct rhashtable_params knat_map_in_params;
extern const struct rhashtable_params knat_map_out_params;
extern const struct rhashtable_params knat_map_dep_params;
extern struct kmem_cache *knat_xsession_cache;
extern struct kmem_cache *knat_osession_cache;
extern struct kmem_cache *knat_mapping_cache;
int knat_tables_init(struct knat_net *kn);
void knat_tables_destroy(struct knat_net *kn);
u64 knat_index_buckets(struct knat_net *kn);
int knat_caches_init(void);
void knat_caches_destroy(void);
bool knat_own_session(const struct knat_mapping *m,
		      const struct knat_tuple *t);
struct knat_session *knat_sess_in_find(struct knat_net *kn,
				       const struct knat_tuple *t);
struct knat_session *knat_session_find_in(struct knat_net *kn,
					  const struct knat_tuple *t);
struct knat_session *knat_session_find_out(struct knat_net *kn,
					   const struct knat_tuple *t);
struct knat_session *knat_session_lookup_out(struct knat_net *kn,
					     const struct knat_tuple *t,
					     struct knat_mapping **m);
struct knat_session *knat_osession_find(struct knat_net *kn,
					const struct knat_tuple *t);

/* The session as the outside sees it. */
static inline void knat_session_out(const struct knat_session *s,
				    struct knat_tuple *out)
{
	*out = s->in;
	out->laddr = knat_session_map(s)->paddr->addr;
	out->lport = s->ext_port;
}

#endif /* _KNAT_TABLE_H */
