// SPDX-License-Identifier: GPL-2.0
/*
 * knat: mappings and sessions, each linked into its indexes.
 *
 * Readers (the packet path, dumps) look objects up under RCU without a
 * lock.  Writers (creation from the packet path, GC, flush, netlink) hold
 * kn->lock, so an object is linked into both of its indexes, or into none,
 * before another writer looks; a failed second insert unlinks the first,
 * and every object is freed after an RCU grace period.
 */
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/inetdevice.h>
#include "knat.h"

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

static struct kmem_cache *knat_xsession_cache __read_mostly;
static struct kmem_cache *knat_osession_cache __read_mostly;
static struct kmem_cache *knat_mapping_cache __read_mostly;

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

/* A session that is not its mapping's own, which goes with the mapping. */
static void knat_session_free(struct knat_session *s)
{
	if (s->flags & KNAT_SESS_OVERLAP)
		kmem_cache_free(knat_osession_cache,
				container_of(s, struct knat_osession, x.s));
	else
		kmem_cache_free(knat_xsession_cache,
				container_of(s, struct knat_xsession, s));
}

/* With room in the graves: free @s after readers. */
static void knat_session_bury(struct knat_net *kn, struct knat_session *s)
{
	lockdep_assert_held(&kn->lock);

	if (s->flags & KNAT_SESS_OVERLAP)
		knat_bury(kn, KNAT_GRAVE_OSESSION,
			  container_of(s, struct knat_osession, x.s));
	else
		knat_bury(kn, KNAT_GRAVE_SESSION,
			  container_of(s, struct knat_xsession, s));
}

/*
 * A mapping's in_node is in map_in for an endpoint-independent mapping,
 * the only one of its inside endpoint, and in map_dep for a dependent
 * one, one of several (its sessions, and knat_perm for ADM, find it).
 */
static int knat_map_index_insert(struct knat_net *kn, struct knat_mapping *m)
{
	struct knat_endpoint in = knat_mapping_in(m), ext = knat_mapping_ext(m);

	if (m->dep)
		return rhashtable_lookup_insert_key(&kn->map_dep, &ext,
						    &m->s.in_node,
						    knat_map_dep_params);
	return rhashtable_lookup_insert_key(&kn->map_in, &in, &m->s.in_node,
					    knat_map_in_params);
}

static void knat_map_index_remove(struct knat_net *kn, struct knat_mapping *m)
{
	if (m->dep)
		rhashtable_remove_fast(&kn->map_dep, &m->s.in_node,
				       knat_map_dep_params);
	else
		rhashtable_remove_fast(&kn->map_in, &m->s.in_node,
				       knat_map_in_params);
}

/*
 * Link a mapping whose endpoints are set into both of its indexes, or into
 * neither.  A shared port takes no unsolicited traffic: only sessions find
 * it, so it stays out of map_out.
 */
static int knat_mapping_link(struct knat_net *kn, struct knat_mapping *m,
			     struct knat_subscriber *sub)
{
	struct knat_endpoint ext = knat_mapping_ext(m);
	int err;

	err = knat_map_index_insert(kn, m);
	if (err)
		return err;
	if (!m->overlap)
		err = rhashtable_lookup_insert_key(&kn->map_out, &ext,
						   &m->out_node,
						   knat_map_out_params);
	if (err) {
		knat_map_index_remove(kn, m);
		return err;
	}
	sub->nmappings++;
	atomic_inc(&kn->nmappings);
	knat_count(kn, KNAT_STAT_MAPPINGS_CREATED);
	return 0;
}

/* The mapping behaviour (enum knat_mapping_mode) of @pool for @proto. */
static u8 knat_pool_mapping(const struct knat_pool *pool, u8 proto)
{
	int i = knat_proto_index(proto);

	if (i < 0 || i >= ARRAY_SIZE(pool->mapping))
		return KNAT_MAPPING_EIM;
	return pool->mapping[i];
}

static void knat_mapping_unlink(struct knat_net *kn, struct knat_mapping *m)
{
	knat_map_index_remove(kn, m);
	if (!m->overlap)
		rhashtable_remove_fast(&kn->map_out, &m->out_node,
				       knat_map_out_params);
}

/*
 * Free an unlinked mapping's port and its hold on its subscriber @sub;
 * @b is the block it counts in (knat_mapping_block()).
 */
static void knat_mapping_free(struct knat_net *kn, struct knat_mapping *m,
			      struct knat_subscriber *sub, struct knat_block *b,
			      bool expired)
{
	knat_sub_free(kn, sub, m, b);
	atomic_dec(&kn->nmappings);
	sub->nmappings--;
	knat_sub_prune(kn, sub);
	knat_count(kn, expired ? KNAT_STAT_MAPPINGS_EXPIRED :
				 KNAT_STAT_MAPPINGS_FLUSHED);
	knat_bury(kn, KNAT_GRAVE_MAPPING, m);
}

static void knat_mapping_release(struct knat_net *kn, struct knat_mapping *m,
				 struct knat_subscriber *sub,
				 struct knat_block *b, bool expired)
{
	knat_mapping_unlink(kn, m);
	knat_mapping_free(kn, m, sub, b, expired);
}

/*
 * Is @sub below its pool's session limit (RFC 6888
 * REQ-5)?  Return: 0, or KNAT_STAT_DROP_LIMIT_SESSIONS, said as an event.
 */
static int knat_session_limit(struct knat_net *kn,
			      struct knat_subscriber *sub, u8 proto)
{
	u32 max = READ_ONCE(sub->pool->max_sessions);

	lockdep_assert_held(&kn->lock);
	if (!max || sub->nsessions < max)
		return 0;
	knat_event_refusal(kn, sub, KNAT_EVENT_LIMIT_SESSIONS, proto);
	return KNAT_STAT_DROP_LIMIT_SESSIONS;
}

/*
 * May @sub have a new session of @m toward the remote of
 * @t?  Not beyond its pool's session limit (RFC 6888 REQ-5); and @m counts
 * it per remote address if its filtering needs that.  Return: 0, or a
 * drop reason.
 */
static int knat_session_admit(struct knat_net *kn, struct knat_mapping *m,
			      struct knat_subscriber *sub,
			      const struct knat_tuple *t)
{
	int reason = knat_session_limit(kn, sub, m->s.in.proto);

	lockdep_assert_held(&kn->lock);
	return reason ?: knat_filter_count(kn, m, t->raddr);
}

/* Count a new session of @m, linked. */
static void knat_session_count(struct knat_net *kn, struct knat_mapping *m,
			       struct knat_subscriber *sub)
{
	lockdep_assert_held(&kn->lock);

	m->nsessions++;
	sub->nsessions++;
	atomic_inc(&kn->nsessions);
	knat_count(kn, KNAT_STAT_SESSIONS_CREATED);
}

static struct knat_session *knat_session_alloc(bool overlap)
{
	struct knat_osession *os;
	struct knat_xsession *x;

	if (!overlap) {
		x = kmem_cache_zalloc(knat_xsession_cache, GFP_ATOMIC);
		return x ? &x->s : NULL;
	}
	os = kmem_cache_zalloc(knat_osession_cache, GFP_ATOMIC);
	if (!os)
		return NULL;
	os->x.s.flags = KNAT_SESS_OVERLAP;
	return &os->x.s;
}

static int knat_osession_insert(struct knat_net *kn, struct knat_session *s)
{
	struct knat_osession *os = container_of(s, struct knat_osession, x.s);

	knat_session_out(s, &os->out);
	return rhashtable_lookup_insert_fast(&kn->sess_out, &os->out_node,
					     knat_sess_out_params);
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
static bool knat_own_session(const struct knat_mapping *m,
			     const struct knat_tuple *t)
{
	return (READ_ONCE(m->s.flags) & KNAT_SESS_LIVE) &&
	       m->s.in.raddr == t->raddr && m->s.in.rport == t->rport;
}

static struct knat_session *knat_sess_in_find(struct knat_net *kn,
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

/*
 * The share of the namespace's max-sessions that sessions outside hosts
 * opened may hold while unanswered: the rest stays for the flows the
 * inside opens, and for those the inside answered.
 */
#define KNAT_UNANSWERED_SHARE	8

/* ... and of a subscriber's max-sessions, where it has one. */
#define KNAT_UNANSWERED_SUB_SHARE	4

/*
 * May an outside host open one more unanswered session of
 * @m, of subscriber @sub?  Not beyond its pool's limits per mapping and
 * per subscriber, a quarter of the subscriber's max-sessions, nor an
 * eighth of the namespace's.
 */
static bool knat_unanswered_room(const struct knat_net *kn,
				 const struct knat_mapping *m,
				 const struct knat_subscriber *sub)
{
	const struct knat_pool *pool = sub->pool;
	/* 0: any, as many as a mapping counts */
	u32 per_map = READ_ONCE(pool->inbound_limit) ?: U16_MAX;
	u32 per_sub = READ_ONCE(pool->inbound_sub_limit) ?: U32_MAX;
	u32 max = READ_ONCE(pool->max_sessions);

	lockdep_assert_held(&kn->lock);
	if (max)
		per_sub = min(per_sub, max / KNAT_UNANSWERED_SUB_SHARE);
	return m->nunanswered < per_map && sub->nunanswered < per_sub &&
	       kn->nunanswered < READ_ONCE(kn->cfg.max_sessions) /
				 KNAT_UNANSWERED_SHARE;
}

/* Count @s of @m and @sub as unanswered, or no more. */
static void knat_unanswered_add(struct knat_net *kn, struct knat_mapping *m,
				struct knat_subscriber *sub, int n)
{
	lockdep_assert_held(&kn->lock);

	m->nunanswered += n;
	sub->nunanswered += n;
	WRITE_ONCE(kn->nunanswered, kn->nunanswered + n);
}

static void knat_unanswered_end(struct knat_net *kn, struct knat_session *s,
				struct knat_mapping *m,
				struct knat_subscriber *sub)
{
	WRITE_ONCE(s->flags, s->flags & ~KNAT_SESS_UNANSWERED);
	knat_unanswered_add(kn, m, sub, -1);
}

/**
 * knat_session_answered - the inside answered a session an outside host
 *                         opened
 * @kn: namespace state
 * @s: a session found under RCU with KNAT_SESS_UNANSWERED
 *
 * It counts as established from now on (as conntrack's ASSURED): no
 * longer against the limits on unanswered sessions, and with its
 * protocol's timeout.  Once a session's life.
 */
void knat_session_answered(struct knat_net *kn, struct knat_session *s)
{
	struct knat_mapping *m = knat_session_map(s);
	struct knat_subscriber *sub;

	spin_lock_bh(&kn->lock);
	/* Cleared when it was answered or removed meanwhile. */
	if (s->flags & KNAT_SESS_UNANSWERED) {
		sub = knat_map_sub(kn, m);
		knat_unanswered_end(kn, s, m, sub);
		/* An exchange: the subscriber is there. */
		knat_sub_confirm(kn, sub);
		WRITE_ONCE(m->s.flags, m->s.flags | KNAT_SESS_CONFIRMED);
	}
	spin_unlock_bh(&kn->lock);
}

/**
 * knat_mapping_exchange - a step of the first exchange on a mapping of a
 *                         subscriber not confirmed yet
 * @kn: namespace state
 * @m: the mapping, found under RCU
 * @outbound: the inside sent on @m after it was KNAT_SESS_REPLIED; else an
 *            outside host answered a flow the inside opened on @m
 *
 * A subscriber that sends again once an answer came is confirmed (as
 * conntrack assures a UDP flow seen both ways): it holds its blocks as its
 * own from now on (knat_sub_confirm()), and its mappings' sessions live
 * their full time.  A made-up source gets no answers, and a flood of them
 * sends once from each.  Once or twice a mapping's life.
 */
void knat_mapping_exchange(struct knat_net *kn, struct knat_mapping *m,
			   bool outbound)
{
	spin_lock_bh(&kn->lock);
	/* Unless it was released meanwhile: it kept no session. */
	if (!m->nsessions || (m->s.flags & KNAT_SESS_CONFIRMED))
		goto unlock;
	if (!outbound) {
		WRITE_ONCE(m->s.flags, m->s.flags | KNAT_SESS_REPLIED);
		goto unlock;
	}
	knat_sub_confirm(kn, knat_map_sub(kn, m));
	WRITE_ONCE(m->s.flags, m->s.flags | KNAT_SESS_CONFIRMED);
unlock:
	spin_unlock_bh(&kn->lock);
}

/*
 * A new session of existing mapping @m toward the remote
 * of @t, in sess_in (and sess_out for a shared port).  Return: it, the
 * one another writer made first, or NULL with @reason set.
 */
static struct knat_session *knat_session_link(struct knat_net *kn,
					      struct knat_mapping *m,
					      struct knat_subscriber *sub,
					      const struct knat_tuple *t,
					      u8 tcp, bool inbound, int *reason)
{
	__be16 ext_port = m->s.ext_port;
	struct knat_session *s;

	lockdep_assert_held(&kn->lock);
	if (knat_own_session(m, t))
		return &m->s;
	if (m->overlap) {
		*reason = knat_overlap_port(kn, m, sub, t, &ext_port);
		if (*reason)
			return NULL;
	}
	*reason = knat_session_admit(kn, m, sub, t);
	if (*reason)
		return NULL;
	s = knat_session_alloc(m->overlap);
	if (!s) {
		*reason = KNAT_STAT_DROP_NOMEM;
		goto put_perm;
	}
	s->in.laddr = m->s.in.laddr;
	s->in.lport = m->s.in.lport;
	s->in.raddr = t->raddr;
	s->in.rport = t->rport;
	s->in.proto = m->s.in.proto;
	container_of(s, struct knat_xsession, s)->map = m;
	s->ext_port = ext_port;
	s->tcp = tcp;
	s->last_used = knat_stamp(jiffies);
	if (inbound)
		s->flags |= KNAT_SESS_UNANSWERED;

	if (rhashtable_lookup_insert_fast(&kn->sess_in, &s->in_node,
					  knat_sess_in_params)) {
		knat_session_free(s);
		*reason = KNAT_STAT_DROP_INSERT;
		goto put_perm;
	}
	if ((s->flags & KNAT_SESS_OVERLAP) && knat_osession_insert(kn, s)) {
		rhashtable_remove_fast(&kn->sess_in, &s->in_node,
				       knat_sess_in_params);
		knat_session_bury(kn, s);
		*reason = KNAT_STAT_DROP_INSERT;
		goto put_perm;
	}
	knat_session_count(kn, m, sub);
	if (inbound)
		knat_unanswered_add(kn, m, sub, 1);
	return s;

put_perm:
	knat_filter_uncount(kn, m, t->raddr);
	return NULL;
}

/*
 * May not a new session be made?  Not beyond max_sessions,
 * nor without room in the graves for what a failure on the way buries: a
 * session and a mapping at most.
 */
static bool knat_table_full(struct knat_net *kn, u8 proto, int *reason)
{
	lockdep_assert_held(&kn->lock);

	if (atomic_read(&kn->nsessions) >= READ_ONCE(kn->cfg.max_sessions)) {
		knat_event_table_full(kn, proto);
		*reason = KNAT_STAT_DROP_TABLE_FULL;
		return true;
	}
	if (!knat_grave_room(kn, 1)) {
		*reason = KNAT_STAT_DROP_NOMEM;
		return true;
	}
	return false;
}

/*
 * The mapping a new flow of @t uses, if it has one: the
 * inside endpoint's (EIM, in map_in), or the one toward the flow's remote
 * address (ADM), whose perms entries alone have external port 0: no need
 * to know the pool to look.  APDM makes a mapping per session.  A mapping
 * unlinked from map_in (a forward being removed) is found by neither.
 */
static struct knat_mapping *knat_mapping_of(struct knat_net *kn,
					    const struct knat_tuple *t)
{
	struct knat_endpoint ep = knat_tuple_endpoint(t);
	struct knat_mapping *m;

	lockdep_assert_held(&kn->lock);
	m = rhashtable_lookup(&kn->map_in, &ep, knat_map_in_params);
	return m ?: knat_filter_adm_mapping(kn, t);
}

/*
 * May the first session of new mapping @m be its own?
 * Not that of a dependent mapping, which is in no index by its inside
 * endpoint, nor of a shared port, whose sessions need their external
 * tuples indexed; nor one whose tuple a session of another mapping of
 * the inside endpoint has (kept unique, as sess_in keeps its own).
 */
static bool knat_own_ok(struct knat_net *kn, const struct knat_mapping *m,
			const struct knat_tuple *t)
{
	lockdep_assert_held(&kn->lock);

	if (m->dep || m->overlap)
		return false;
	return !atomic_read(&kn->sess_in.nelems) || !knat_sess_in_find(kn, t);
}

/*
 * A new mapping for the inside endpoint of @t, and its
 * first session toward the remote of @t, its own where it can be.
 * Return: the session, or NULL with @reason set.
 */
static struct knat_session *knat_flow_create(struct knat_net *kn,
					     const struct knat_tuple *t,
					     u8 tcp, int *reason)
{
	struct knat_subscriber *sub;
	struct knat_session *s;
	struct knat_mapping *m;
	bool own;

	lockdep_assert_held(&kn->lock);
	sub = knat_sub_find_or_add(kn, t->laddr, reason);
	if (!sub)
		return NULL;
	/* Refused before anything is taken: a refused flow takes no block. */
	*reason = knat_session_limit(kn, sub, t->proto);
	if (*reason)
		goto put_sub;
	m = kmem_cache_zalloc(knat_mapping_cache, GFP_ATOMIC);
	if (!m) {
		*reason = KNAT_STAT_DROP_NOMEM;
		goto put_sub;
	}
	m->s.in = *t;
	m->s.tcp = tcp;
	m->s.last_used = knat_stamp(jiffies);
	m->s.flags = KNAT_SESS_OWN | (sub->confirmed ? KNAT_SESS_CONFIRMED : 0);
	m->dep = knat_pool_mapping(sub->pool, t->proto);
	*reason = knat_sub_alloc(kn, sub, t, m);
	if (*reason)
		goto free;
	own = knat_own_ok(kn, m, t);
	if (own) {
		*reason = knat_filter_count(kn, m, t->raddr);
		if (*reason)
			goto free_port;
	}
	if (knat_mapping_link(kn, m, sub)) {
		if (own)
			knat_filter_uncount(kn, m, t->raddr);
		knat_sub_unalloc(kn, sub, m);
		/* Readers may have found it in the first index already. */
		knat_bury(kn, KNAT_GRAVE_MAPPING, m);
		*reason = KNAT_STAT_DROP_INSERT;
		goto put_sub;
	}
	if (own) {
		/* Live only once linked: a sweep never ends a session that
		 * was not counted (readers that find the mapping before wait
		 * for kn->lock and find it then).
		 */
		WRITE_ONCE(m->s.flags, m->s.flags | KNAT_SESS_LIVE);
		knat_session_count(kn, m, sub);
		return &m->s;
	}
	s = knat_session_link(kn, m, sub, t, tcp, false, reason);
	if (!s)
		knat_mapping_release(kn, m, sub, knat_mapping_block(m), false);
	return s;

free_port:
	knat_sub_unalloc(kn, sub, m);
free:
	kmem_cache_free(knat_mapping_cache, m);
put_sub:
	knat_sub_prune(kn, sub);
	return NULL;
}

/**
 * knat_session_create_out - find or make the session of an outbound flow
 * @kn: namespace state
 * @in: the flow's inside tuple
 * @tcp: initial KNAT_TCPF_* observations
 * @reason: set to a KNAT_STAT_DROP_* counter on failure
 *
 * Makes the flow's mapping too when the inside endpoint has none.
 * Under RCU.  Return: the session, or NULL.
 */
struct knat_session *knat_session_create_out(struct knat_net *kn,
					     const struct knat_tuple *in,
					     u8 tcp, int *reason)
{
	struct knat_mapping *m;
	struct knat_session *s;

	knat_assert_rcu();
	spin_lock_bh(&kn->lock);
	if (knat_table_full(kn, in->proto, reason))
		goto refused;
	m = knat_mapping_of(kn, in);
	if (m)
		s = knat_session_link(kn, m, knat_map_sub(kn, m), in, tcp,
				      false, reason);
	else
		s = knat_flow_create(kn, in, tcp, reason);
	if (s)
		goto unlock;
refused:
	/*
	 * Unless the flow's session was made since the caller looked
	 * (knat_session_link() refuses a second one): then it is the answer.
	 * Looking for it here rather than first spares new flows a lookup.
	 */
	s = knat_session_find_in(kn, in);
unlock:
	spin_unlock_bh(&kn->lock);
	return s;
}

/**
 * knat_session_create_in - make the session of an inbound flow
 * @kn: namespace state
 * @out: the flow's external tuple
 * @tcp: initial KNAT_TCPF_* observations
 * @reason: set to a KNAT_STAT_DROP_* counter on failure, or to
 *          KNAT_STAT_INBOUND_UNTRACKED: the filter admits the remote, but
 *          the mapping, its subscriber or the namespace holds as many
 *          unanswered sessions as it may
 *
 * The mapping's pool's filtering says which remotes may reach it.  The
 * session is unanswered until the inside sends on it
 * (knat_session_answered()).  Under RCU.  Return: the session, or NULL.
 */
struct knat_session *knat_session_create_in(struct knat_net *kn,
					    const struct knat_tuple *out,
					    u8 tcp, int *reason)
{
	struct knat_subscriber *sub;
	struct knat_mapping *m;
	struct knat_session *s;

	knat_assert_rcu();
	spin_lock_bh(&kn->lock);
	s = knat_session_lookup_out(kn, out, &m);
	if (s)
		goto unlock;
	*reason = KNAT_STAT_DROP_NO_MAPPING;
	if (!m || !knat_filter_admits(kn, m, out, reason))
		goto unlock;
	sub = knat_map_sub(kn, m);
	*reason = knat_session_limit(kn, sub, out->proto);
	if (*reason)
		goto unlock;
	if (!knat_unanswered_room(kn, m, sub)) {
		*reason = KNAT_STAT_INBOUND_UNTRACKED;
		goto unlock;
	}
	if (!knat_table_full(kn, out->proto, reason))
		s = knat_session_link(kn, m, sub, out, tcp, true, reason);
unlock:
	spin_unlock_bh(&kn->lock);
	return s;
}

/*
 * Take @s out of its indexes, or end it if it is its
 * mapping's own.  Return: false when another writer did first.
 */
static bool knat_session_take(struct knat_net *kn, struct knat_session *s)
{
	lockdep_assert_held(&kn->lock);

	if (s->flags & KNAT_SESS_OWN) {
		if (!(s->flags & KNAT_SESS_LIVE))
			return false;
		WRITE_ONCE(s->flags, s->flags & ~KNAT_SESS_LIVE);
		return true;
	}
	if (rhashtable_remove_fast(&kn->sess_in, &s->in_node,
				   knat_sess_in_params))
		return false;
	if (s->flags & KNAT_SESS_OVERLAP)
		rhashtable_remove_fast(&kn->sess_out,
				       &container_of(s, struct knat_osession, x.s)->out_node,
				       knat_sess_out_params);
	knat_session_bury(kn, s);
	return true;
}

/*
 * Unlink @s, and its mapping if it was the last.
 * Return: false when another writer did first.
 */
static bool knat_session_unlink(struct knat_net *kn, struct knat_session *s,
				bool expired)
{
	struct knat_mapping *m = knat_session_map(s);
	struct knat_subscriber *sub;
	struct knat_block *b;

	lockdep_assert_held(&kn->lock);
	if (!knat_session_take(kn, s))
		return false;
	b = knat_mapping_block(m);
	sub = knat_block_sub(kn, m, b);
	if (s->flags & KNAT_SESS_UNANSWERED)
		knat_unanswered_end(kn, s, m, sub);
	atomic_dec(&kn->nsessions);
	sub->nsessions--;
	knat_filter_uncount(kn, m, s->in.raddr);
	if (expired)
		knat_count(kn, KNAT_STAT_SESSIONS_EXPIRED);
	if (!--m->nsessions && !m->pinned)
		knat_mapping_release(kn, m, sub, b, expired);
	return true;
}

/**
 * knat_session_remove - unlink a session, and its mapping if it was the last
 * @kn: namespace state
 * @s: a session found under RCU; nothing happens if another writer
 *     removed it first
 * @expired: count the removal as an expiry rather than a flush
 *
 * Does not sleep.  Without memory to free it safely later, the session
 * stays, for the GC.
 */
void knat_session_remove(struct knat_net *kn, struct knat_session *s,
			 bool expired)
{
	spin_lock_bh(&kn->lock);
	if (knat_grave_room(kn, 1))
		knat_session_unlink(kn, s, expired);
	spin_unlock_bh(&kn->lock);
}

/**
 * knat_sessions_unlink - unlink those of @n sessions still doomed
 * @kn: namespace state, its kn->lock held with room in the graves for @n
 * @doomed: @n sessions found under RCU, in the caller's read section
 * @n: how many
 * @fn: asked again of each, now under the lock
 * @arg: passed to @fn
 * @expired: count removals as expiries rather than flushes
 *
 * A sweep's critical section.  Flattened: each index removal is compiled
 * for its index, calling its hash function directly, not through a
 * pointer in one out-of-line copy for all indexes.
 *
 * Return: sessions unlinked.
 */
noinline __flatten unsigned int
knat_sessions_unlink(struct knat_net *kn, struct knat_session **doomed,
		     unsigned int n, knat_doomed_fn fn, void *arg, bool expired)
{
	unsigned int i, removed = 0;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < n; i++)
		if (fn(kn, doomed[i], arg) &&
		    knat_session_unlink(kn, doomed[i], expired))
			removed++;
	return removed;
}

/*
 * May a forward a subscriber asks for take @old, the
 * mapping its inside endpoint has?  Not a shared port, nor, with @exact,
 * another external endpoint than @ext.
 */
static int knat_mapping_adopt(struct knat_net *kn, struct knat_mapping *old,
			      const struct knat_endpoint *ext, bool exact,
			      struct netlink_ext_ack *extack)
{
	int err = knat_claim_ok(knat_map_sub(kn, old), extack);

	lockdep_assert_held(&kn->lock);
	if (err)
		return err;
	if (exact && ext->port && (ext->port != old->s.ext_port ||
				   (ext->addr &&
				    ext->addr != old->paddr->addr))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the inside endpoint's mapping has another external endpoint");
		return -EADDRINUSE;
	}
	old->pinned = true;
	old->claimed = true;
	WRITE_ONCE(old->s.flags, old->s.flags | KNAT_SESS_CONFIRMED);
	return 0;
}

/* Give new pinned mapping @m its subscriber and endpoint. */
static int knat_mapping_pin_new(struct knat_net *kn, struct knat_mapping *m,
				const struct knat_endpoint *ext,
				unsigned int how,
				struct netlink_ext_ack *extack)
{
	struct knat_subscriber *sub;
	int err, reason;

	lockdep_assert_held(&kn->lock);
	sub = knat_sub_find_or_add(kn, m->s.in.laddr, &reason);
	if (!sub) {
		NL_SET_ERR_MSG_MOD(extack,
				   "inside address is not in an inside prefix with a live pool");
		return reason == KNAT_STAT_DROP_NOMEM ? -ENOMEM : -ENOENT;
	}
	if (how == KNAT_PIN_STATIC)
		err = knat_sub_reserve(kn, sub, ext, m, extack);
	else
		err = knat_sub_claim(kn, sub, ext, how == KNAT_PIN_EXACT, m,
				     extack);
	if (err) {
		knat_sub_prune(kn, sub);
		return err;
	}
	err = knat_mapping_link(kn, m, sub);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the external endpoint has a mapping");
		knat_sub_unalloc(kn, sub, m);
		knat_sub_prune(kn, sub);
	}
	return err;
}

/* Process context: take kn->lock with room in the graves for a mapping. */
static void knat_lock_room(struct knat_net *kn)
	__acquires(&kn->lock)
{
	for (;;) {
		knat_graves_prepare(kn, 1);
		spin_lock_bh(&kn->lock);
		if (knat_grave_room(kn, 1))
			return;
		spin_unlock_bh(&kn->lock);
	}
}

/**
 * knat_mapping_pin - the mapping of a forward, kept without sessions
 * @kn: namespace state
 * @in: its inside endpoint
 * @ext: its external endpoint: the one of a static forward, or the one a
 *       subscriber would like
 * @how: KNAT_PIN_STATIC: exactly @ext, outside the subscriber's blocks, on
 *       an inside endpoint without a mapping; KNAT_PIN_CLAIM: the inside
 *       endpoint's mapping, or a new one in its subscriber's blocks, on
 *       @ext if it can; KNAT_PIN_EXACT: the same, on @ext or not at all
 * @extack: the reason of a refusal
 *
 * The mapping lives, with or without sessions, until knat_mapping_unpin()
 * or knat_mapping_unclaim().  Process context.  Return: the mapping, or an
 * ERR_PTR().
 */
struct knat_mapping *knat_mapping_pin(struct knat_net *kn,
				      const struct knat_endpoint *in,
				      const struct knat_endpoint *ext,
				      unsigned int how,
				      struct netlink_ext_ack *extack)
{
	struct knat_mapping *m, *old;
	int err;

	m = kmem_cache_zalloc(knat_mapping_cache, GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->s.in.laddr = in->addr;
	m->s.in.lport = in->port;
	m->s.in.proto = in->proto;
	m->s.flags = KNAT_SESS_OWN | KNAT_SESS_CONFIRMED;
	m->pinned = true;
	m->claimed = how != KNAT_PIN_STATIC;
	knat_lock_room(kn);
	rcu_read_lock();
	old = rhashtable_lookup(&kn->map_in, in, knat_map_in_params);
	if (!old) {
		err = knat_mapping_pin_new(kn, m, ext, how, extack);
	} else if (old->pinned) {
		NL_SET_ERR_MSG_MOD(extack, "the inside endpoint is forwarded");
		err = how == KNAT_PIN_STATIC ? -EBUSY : -EPERM;
	} else if (how == KNAT_PIN_STATIC) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the inside endpoint has a mapping: flush it first");
		err = -EBUSY;
	} else {
		err = knat_mapping_adopt(kn, old, ext, how == KNAT_PIN_EXACT,
					 extack);
	}
	/* Readers may have found it in the first index already. */
	if (err)
		knat_bury(kn, KNAT_GRAVE_MAPPING, m);
	rcu_read_unlock();
	spin_unlock_bh(&kn->lock);
	if (err)
		return ERR_PTR(err);
	if (old) {
		kmem_cache_free(knat_mapping_cache, m);
		return old;
	}
	return m;
}

/**
 * knat_mapping_unclaim - end the pin of knat_mapping_pin(KNAT_PIN_CLAIM)
 * @kn: namespace state
 * @m: the mapping
 *
 * Its sessions, if any, live on and keep it.  Process context.
 */
void knat_mapping_unclaim(struct knat_net *kn, struct knat_mapping *m)
{
	knat_lock_room(kn);
	m->pinned = false;
	m->claimed = false;
	if (!m->nsessions)
		knat_mapping_release(kn, m, knat_map_sub(kn, m),
				     knat_mapping_block(m), true);
	spin_unlock_bh(&kn->lock);
}

static bool knat_of_mapping(struct knat_net *kn, const struct knat_session *s,
			    void *m)
{
	return knat_session_map(s) == m;
}

/**
 * knat_mapping_unpin - remove a static mapping and its sessions
 * @kn: namespace state
 * @m: a mapping from knat_mapping_pin()
 *
 * Unlinked first, @m takes no new session; pinned until its sessions are
 * gone, it stays allocated while the sweep compares sessions with it.
 * Process context, under kn->cfg_lock.
 */
void knat_mapping_unpin(struct knat_net *kn, struct knat_mapping *m)
{
	lockdep_assert_held(&kn->cfg_lock);
	spin_lock_bh(&kn->lock);
	/* No sweep finds the own session of a mapping out of map_in. */
	knat_session_unlink(kn, &m->s, false);
	knat_mapping_unlink(kn, m);
	spin_unlock_bh(&kn->lock);
	while (READ_ONCE(m->nsessions))
		knat_sweep_all(kn, knat_of_mapping, m);
	knat_lock_room(kn);
	knat_mapping_free(kn, m, knat_map_sub(kn, m), knat_mapping_block(m),
			  false);
	spin_unlock_bh(&kn->lock);
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
