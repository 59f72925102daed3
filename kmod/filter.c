// SPDX-License-Identifier: GPL-2.0
/*
 * knat: filtering of inbound packets (RFC 4787 REQ-8, RFC 5382 REQ-3).
 *
 * Endpoint-independent filtering admits any remote to a mapping;
 * address-and-port-dependent filtering none that has no session (it would
 * have one).  Address-dependent filtering admits a remote whose address a
 * mapping has a session with: kn->perms counts a mapping's sessions per
 * remote address, for the mappings that need it (ADF pools, and
 * address-dependent mappings, which are found through it).
 */
#include <linux/slab.h>
#include "knat.h"
#include "filter.h"

static const struct rhashtable_params knat_perm_params = {
	.head_offset = offsetof(struct knat_perm, node),
	.key_offset = offsetof(struct knat_perm, key),
	.key_len = sizeof(struct knat_perm_key),
	.automatic_shrinking = true,
};

/*
 * The entry of inside endpoint @t to its remote
 * address, of the mapping with external port @eport (0: the ADM one).
 */
static struct knat_perm *knat_perm_lookup(struct knat_net *kn,
					  const struct knat_tuple *t,
					  __be16 eport,
					  struct knat_perm_key *key)
{
	knat_assert_rcu();

	memset(key, 0, sizeof(*key));
	key->laddr = t->laddr;
	key->lport = t->lport;
	key->eport = eport;
	key->proto = t->proto;
	key->raddr = t->raddr;
	return rhashtable_lookup(&kn->perms, key, knat_perm_params);
}

static struct knat_perm *knat_perm_find(struct knat_net *kn,
					const struct knat_mapping *m,
					__be32 raddr, struct knat_perm_key *key)
{
	struct knat_tuple t = {
		.laddr = m->s.in.laddr, .lport = m->s.in.lport,
		.proto = m->s.in.proto, .raddr = raddr,
	};

	return knat_perm_lookup(kn, &t,
				m->dep == KNAT_MAPPING_ADM ? 0 : m->s.ext_port,
				key);
}

/* Count a session of @m with @raddr.  Return: 0 or a drop reason. */
int knat_filter_count(struct knat_net *kn, struct knat_mapping *m,
		      __be32 raddr)
{
	struct knat_perm_key key;
	struct knat_perm *p;

	lockdep_assert_held(&kn->lock);
	if (!knat_filter_counts(m))
		return 0;
	p = knat_perm_find(kn, m, raddr, &key);
	if (p) {
		p->nsessions++;
		return 0;
	}
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return KNAT_STAT_DROP_NOMEM;
	p->key = key;
	p->map = m;
	p->nsessions = 1;
	if (rhashtable_lookup_insert_fast(&kn->perms, &p->node,
					  knat_perm_params)) {
		kfree(p);
		return KNAT_STAT_DROP_INSERT;
	}
	return 0;
}

void __knat_filter_uncount(struct knat_net *kn, const struct knat_mapping *m,
			   __be32 raddr)
{
	struct knat_perm_key key;
	struct knat_perm *p;

	lockdep_assert_held(&kn->lock);
	p = knat_perm_find(kn, m, raddr, &key);
	if (WARN_ON_ONCE(!p) || --p->nsessions)
		return;
	rhashtable_remove_fast(&kn->perms, &p->node, knat_perm_params);
	kfree_rcu(p, rcu);
}

/*
 * May the remote of inbound @t open a session of @m (RFC 4787 REQ-8,
 * RFC 5382 REQ-3)?  Any remote of a forward, or with endpoint-independent
 * filtering; with
 * address-dependent filtering one whose address @m has a session with.
 * With address-and-port-dependent filtering none: the session would exist.
 */
bool knat_filter_admits(struct knat_net *kn, const struct knat_mapping *m,
			const struct knat_tuple *t, int *reason)
{
	struct knat_perm_key key;

	if (m->pinned)
		return true;
	switch (knat_filter(m)) {
	case KNAT_FILTER_EIF:
		return true;
	case KNAT_FILTER_ADF: {
		/* Of this mapping: an ADM one's key names its inside endpoint
		 * and the address, and another ADM mapping of the same
		 * endpoint may hold that address.
		 */
		struct knat_perm *p = knat_perm_find(kn, m, t->raddr, &key);

		if (p && p->map == m)
			return true;
		break;
	}
	}
	*reason = KNAT_STAT_DROP_FILTERED;
	return false;
}

/*
 * The address-dependent mapping of @t's inside endpoint toward @t's remote
 * address, if it has one: ADM mappings alone keep entries with external
 * port 0, so no need to know the pool to look.
 */
struct knat_mapping *knat_filter_adm_mapping(struct knat_net *kn,
					     const struct knat_tuple *t)
{
	struct knat_perm_key key;
	struct knat_perm *p;

	if (!atomic_read(&kn->perms.nelems))
		return NULL;
	p = knat_perm_lookup(kn, t, 0, &key);
	return p ? p->map : NULL;
}

static void knat_free_perm(void *ptr, void *arg)
{
	kfree(ptr);
}

int knat_filter_init(struct knat_net *kn)
{
	return rhashtable_init(&kn->perms, &knat_perm_params);
}

/* No reader or writer may remain. */
void knat_filter_destroy(struct knat_net *kn)
{
	rhashtable_free_and_destroy(&kn->perms, knat_free_perm, NULL);
}
