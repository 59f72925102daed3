// SPDX-License-Identifier: GPL-2.0
/*
 * knat: the flow indexes (sess_in, sess_out, map_in, map_out, map_dep):
 * their keys and hashes, the lookups of the packet path, their life and
 * the caches of what they hold.
 *
 * Readers (the packet path, dumps) look objects up under RCU without a
 * lock.  Writers (mapping.c, session.c) hold kn->lock, so an object is
 * linked into both of its indexes, or into none, before another writer
 * looks; a failed second insert unlinks the first, and every object is
 * freed after an RCU grace period.
 */
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/inetdevice.h>
#include "knat.h"
#include "filter.h"
#include "grave.h"
#include "session.h"
#include "subscriber.h"
#include "table.h"

/*
 * A flow of one remote costs a mapping; each further remote a session:
 * keep them small (see Documentation/design.rst, memory).
 */
static_assert(sizeof(struct knat_session) == 32);
static_assert(sizeof(struct knat_xsession) <= 40);
static_assert(sizeof(struct knat_mapping) <= 56);
static_assert(offsetof(struct knat_mapping, s) == 0 &&
	      offsetof(struct knat_xsession, s) == 0 &&
	      offsetof(struct knat_osession, x) == 0);

struct kmem_cache *knat_xsession_cache __read_mostly;
struct kmem_cache *knat_osession_cache __read_mostly;
struct kmem_cache *knat_mapping_cache __read_mostly;

/*
 * Tuples are 16 bytes with zeroed padding: compare them as words rather
 * than with memcmp().
 */
static int knat_tuple_cmp(struct rhashtable_compare_arg *arg, const void *obj,
			  size_t off)
{
	const u64 *a = arg->key, *b = obj + off;

	return a[0] != b[0] || a[1] != b[1];
}

static int knat_sess_in_cmp(struct rhashtable_compare_arg *arg,
			    const void *obj)
{
	return knat_tuple_cmp(arg, obj, offsetof(struct knat_xsession, s.in));
}

static int knat_sess_out_cmp(struct rhashtable_compare_arg *arg,
			     const void *obj)
{
	return knat_tuple_cmp(arg, obj, offsetof(struct knat_osession, out));
}

/*
 * A mapping keeps its endpoints in its own session and its address: the
 * mapping indexes hash and compare endpoints built from them, as
 * struct knat_endpoint keys, which are hashed the same way.
 */
static u32 knat_endpoint_hash(const struct knat_endpoint *ep, u32 seed)
{
	return jhash2((const u32 *)ep, sizeof(*ep) / sizeof(u32), seed);
}

static bool knat_endpoint_eq(const struct knat_endpoint *a,
			     const struct knat_endpoint *b)
{
	return a->addr == b->addr && a->port == b->port &&
	       a->proto == b->proto;
}

static u32 knat_endpoint_key_hash(const void *key, u32 len, u32 seed)
{
	return knat_endpoint_hash(key, seed);
}

static u32 knat_map_in_hash(const void *obj, u32 len, u32 seed)
{
	struct knat_endpoint ep = knat_mapping_in(obj);

	return knat_endpoint_hash(&ep, seed);
}

static u32 knat_map_out_hash(const void *obj, u32 len, u32 seed)
{
	struct knat_endpoint ep = knat_mapping_ext(obj);

	return knat_endpoint_hash(&ep, seed);
}

static int knat_map_in_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	struct knat_endpoint ep = knat_mapping_in(obj);

	return !knat_endpoint_eq(arg->key, &ep);
}

static int knat_map_out_cmp(struct rhashtable_compare_arg *arg,
			    const void *obj)
{
	struct knat_endpoint ep = knat_mapping_ext(obj);

	return !knat_endpoint_eq(arg->key, &ep);
}

/*
 * The flow indexes grow with their contents and keep their size, as
 * conntrack's hash table does: shrinking, a mass expiry would rehash each
 * of them several times over while the GC is busiest, and send the GC's
 * walk back to the start at every resize.  An index keeps 8 bytes a
 * bucket, 1.3 to 2.7 buckets for each entry it held at its peak.
 */
const struct rhashtable_params knat_sess_in_params = {
	.head_offset = offsetof(struct knat_xsession, s.in_node),
	.key_offset = offsetof(struct knat_xsession, s.in),
	.key_len = sizeof(struct knat_tuple),
	.obj_cmpfn = knat_sess_in_cmp,
};

const struct rhashtable_params knat_sess_out_params = {
	.head_offset = offsetof(struct knat_osession, out_node),
	.key_offset = offsetof(struct knat_osession, out),
	.key_len = sizeof(struct knat_tuple),
	.obj_cmpfn = knat_sess_out_cmp,
};

const struct rhashtable_params knat_map_in_params = {
	.head_offset = offsetof(struct knat_mapping, s.in_node),
	.key_len = sizeof(struct knat_endpoint),
	.hashfn = knat_endpoint_key_hash,
	.obj_hashfn = knat_map_in_hash,
	.obj_cmpfn = knat_map_in_cmp,
};

const struct rhashtable_params knat_map_out_params = {
	.head_offset = offsetof(struct knat_mapping, out_node),
	.key_len = sizeof(struct knat_endpoint),
	.hashfn = knat_endpoint_key_hash,
	.obj_hashfn = knat_map_out_hash,
	.obj_cmpfn = knat_map_out_cmp,
};

/* Dependent mappings: by external endpoint too, through their in_node. */
const struct rhashtable_params knat_map_dep_params = {
	.head_offset = offsetof(struct knat_mapping, s.in_node),
	.key_len = sizeof(struct knat_endpoint),
	.hashfn = knat_endpoint_key_hash,
	.obj_hashfn = knat_map_out_hash,
	.obj_cmpfn = knat_map_out_cmp,
};

/*
 * rhashtable starts with 4/3 of its u16 nelem_hint, rounded up to a power
 * of two: 131072 buckets at most.
 */
#define KNAT_HASHSIZE_MAX	131072

/*
 * The buckets each of the three indexes every flow is in starts with, in
 * every namespace, as conntrack's hashsize: an operator who knows the
 * flows to expect spares the first ones the rehashing that growth takes
 * (on the CPU that crossed its threshold).  Rounded up to a power of two,
 * at most KNAT_HASHSIZE_MAX.
 */
static unsigned int hashsize;
module_param(hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "initial buckets of each flow index per namespace, at most "
		 __stringify(KNAT_HASHSIZE_MAX) " (0: grow from the smallest)");

static int knat_flow_index_init(struct rhashtable *ht,
				const struct rhashtable_params *params)
{
	struct rhashtable_params p = *params;

	BUILD_BUG_ON(U16_MAX * 4 / 3 > KNAT_HASHSIZE_MAX ||
		     U16_MAX * 4 / 3 <= KNAT_HASHSIZE_MAX / 2);
	p.nelem_hint = min(hashsize / 4 * 3, U16_MAX);
	return rhashtable_init(ht, &p);
}

/* The session of a shared port's external tuple. */
struct knat_session *knat_osession_find(struct knat_net *kn,
					const struct knat_tuple *t)
{
	struct knat_osession *os;

	knat_assert_rcu();
	os = rhashtable_lookup(&kn->sess_out, t, knat_sess_out_params);
	return os ? &os->x.s : NULL;
}

/*
 * Is @m's own session the one toward the remote of @t?  Its
 * inside endpoint is @m's.  Once ended it never starts again, so a reader
 * that saw it live uses at worst a session just ended, as with any other.
 */
bool knat_own_session(const struct knat_mapping *m,
		      const struct knat_tuple *t)
{
	return (READ_ONCE(m->s.flags) & KNAT_SESS_LIVE) &&
	       m->s.in.raddr == t->raddr && m->s.in.rport == t->rport;
}

struct knat_session *knat_sess_in_find(struct knat_net *kn,
				       const struct knat_tuple *t)
{
	struct knat_xsession *x;

	x = rhashtable_lookup(&kn->sess_in, t, knat_sess_in_params);
	return x ? &x->s : NULL;
}

/* The own session of the mapping of @t's inside endpoint. */
static struct knat_session *knat_own_find(struct knat_net *kn,
					  const struct knat_tuple *t)
{
	struct knat_endpoint ep = knat_tuple_endpoint(t);
	struct knat_mapping *m;

	knat_assert_rcu();
	m = rhashtable_lookup(&kn->map_in, &ep, knat_map_in_params);
	return m && knat_own_session(m, t) ? &m->s : NULL;
}

/**
 * knat_session_find_in - the session of an outbound packet
 * @kn: namespace state
 * @t: the packet's inside tuple
 *
 * The own session of the inside endpoint's mapping, or one in sess_in:
 * first where more sessions are, so that a packet takes one lookup where
 * most sessions are their mapping's first, and where most are not.
 * Under RCU.  Return: the session, or NULL.
 */
struct knat_session *knat_session_find_in(struct knat_net *kn,
					  const struct knat_tuple *t)
{
	struct knat_session *s;

	knat_assert_rcu();
	if (atomic_read(&kn->sess_in.nelems) >
	    atomic_read(&kn->map_in.nelems)) {
		s = knat_sess_in_find(kn, t);
		return s ?: knat_own_find(kn, t);
	}
	s = knat_own_find(kn, t);
	return s ?: knat_sess_in_find(kn, t);
}

/*
 * The session of mapping @m toward the remote of @t.  Its
 * inside endpoint may have other mappings (dependent mapping, or a forward
 * made while it had some): a session of another is not this mapping's.
 */
static struct knat_session *knat_mapping_session(struct knat_net *kn,
						 const struct knat_mapping *m,
						 const struct knat_tuple *t)
{
	struct knat_tuple in = *t;
	struct knat_session *s;

	knat_assert_rcu();
	if (knat_own_session(m, t))
		return (struct knat_session *)&m->s;
	in.laddr = m->s.in.laddr;
	in.lport = m->s.in.lport;
	s = knat_sess_in_find(kn, &in);
	return s && knat_session_map(s) == m ? s : NULL;
}

static struct knat_mapping *knat_mapping_find_out(struct knat_net *kn,
						  const struct knat_tuple *t)
{
	struct knat_endpoint ep = knat_tuple_endpoint(t);

	return rhashtable_lookup(&kn->map_out, &ep, knat_map_out_params);
}

/**
 * knat_session_lookup_out - the session of an inbound packet, and its mapping
 * @kn: namespace state
 * @t: the packet's external tuple
 * @m: set to the mapping of @t's external endpoint, or NULL when it has
 *     none that takes unsolicited traffic
 *
 * Under RCU.  Return: the session, or NULL.
 */
struct knat_session *knat_session_lookup_out(struct knat_net *kn,
					     const struct knat_tuple *t,
					     struct knat_mapping **m)
{
	knat_assert_rcu();

	*m = knat_mapping_find_out(kn, t);
	return *m ? knat_mapping_session(kn, *m, t) : knat_osession_find(kn, t);
}

struct knat_session *knat_session_find_out(struct knat_net *kn,
					   const struct knat_tuple *t)
{
	struct knat_mapping *m;

	return knat_session_lookup_out(kn, t, &m);
}

static void knat_free_session(void *ptr, void *arg)
{
	knat_session_free(&((struct knat_xsession *)ptr)->s);
}

static void knat_free_mapping(void *ptr, void *arg)
{
	kmem_cache_free(knat_mapping_cache, ptr);
}

int knat_tables_init(struct knat_net *kn)
{
	int err;

	spin_lock_init(&kn->lock);
	mutex_init(&kn->cfg_lock);
	atomic_set(&kn->nsessions, 0);
	atomic_set(&kn->nmappings, 0);
	err = knat_flow_index_init(&kn->sess_in, &knat_sess_in_params);
	if (err)
		return err;
	err = rhashtable_init(&kn->sess_out, &knat_sess_out_params);
	if (err)
		goto sess_in;
	err = knat_flow_index_init(&kn->map_in, &knat_map_in_params);
	if (err)
		goto sess_out;
	err = knat_flow_index_init(&kn->map_out, &knat_map_out_params);
	if (err)
		goto map_in;
	err = knat_subs_init(kn);
	if (err)
		goto map_out;
	err = knat_filter_init(kn);
	if (err)
		goto subs;
	err = rhashtable_init(&kn->map_dep, &knat_map_dep_params);
	if (err)
		goto perms;
	err = knat_graves_init(kn, (struct kmem_cache *[]){
		[KNAT_GRAVE_SESSION] = knat_xsession_cache,
		[KNAT_GRAVE_OSESSION] = knat_osession_cache,
		[KNAT_GRAVE_MAPPING] = knat_mapping_cache,
	});
	if (err)
		goto map_dep;
	return 0;

map_dep:
	rhashtable_destroy(&kn->map_dep);
perms:
	knat_filter_destroy(kn);
subs:
	knat_subs_destroy(kn);
map_out:
	rhashtable_destroy(&kn->map_out);
map_in:
	rhashtable_destroy(&kn->map_in);
sess_out:
	rhashtable_destroy(&kn->sess_out);
sess_in:
	rhashtable_destroy(&kn->sess_in);
	return err;
}

/* No reader or writer may remain: the hooks, GC and netlink are gone. */
void knat_tables_destroy(struct knat_net *kn)
{
	rhashtable_free_and_destroy(&kn->sess_out, NULL, NULL);
	rhashtable_free_and_destroy(&kn->sess_in, knat_free_session, NULL);
	rhashtable_free_and_destroy(&kn->map_out, NULL, NULL);
	rhashtable_free_and_destroy(&kn->map_in, knat_free_mapping, NULL);
	rhashtable_free_and_destroy(&kn->map_dep, knat_free_mapping, NULL);
	knat_subs_destroy(kn);
	knat_filter_destroy(kn);
	knat_graves_destroy(kn, __KNAT_GRAVE_MAX);
}

/*
 * The buckets of the namespace's indexes, 8 bytes each: the memory they
 * hold apart from their entries, which the flow indexes keep when their
 * entries go.  While an index is resized, the table being replaced is the
 * one counted.
 */
u64 knat_index_buckets(struct knat_net *kn)
{
	struct rhashtable *all[] = {
		&kn->sess_in, &kn->sess_out, &kn->map_in, &kn->map_out,
		&kn->map_dep, &kn->subs, &kn->perms,
	};
	u64 n = 0;
	int i;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(all); i++)
		n += rht_dereference_rcu(all[i]->tbl, all[i])->size;
	rcu_read_unlock();
	return n;
}

/* Users: the module, and KUnit suites, which run before module init. */
static unsigned int knat_cache_users;

int knat_caches_init(void)
{
	if (knat_cache_users++)
		return 0;
	knat_xsession_cache = KMEM_CACHE(knat_xsession, 0);
	knat_osession_cache = KMEM_CACHE(knat_osession, 0);
	knat_mapping_cache = KMEM_CACHE(knat_mapping, 0);
	if (knat_xsession_cache && knat_osession_cache && knat_mapping_cache &&
	    !knat_sub_cache_create())
		return 0;
	knat_caches_destroy();
	return -ENOMEM;
}

void knat_caches_destroy(void)
{
	if (--knat_cache_users)
		return;
	/* Objects freed with call_rcu(), and graves, must be gone first. */
	rcu_barrier();
	knat_sub_cache_destroy();
	kmem_cache_destroy(knat_mapping_cache);
	kmem_cache_destroy(knat_osession_cache);
	kmem_cache_destroy(knat_xsession_cache);
}
