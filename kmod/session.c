// SPDX-License-Identifier: GPL-2.0
/*
 * knat: sessions, the flows of a mapping, each toward one remote endpoint.
 *
 * A mapping's first session is part of it (its own); the others are in
 * sess_in by inside tuple, and, for a shared port (port overlapping), in
 * sess_out by external tuple too.  A new flow is made, under kn->lock,
 * with its mapping if it has none: limits first, then the port, then the
 * two-index insert, each step undone if a later one fails, so that a
 * refused flow leaves nothing behind.  A session an outside host opened
 * counts as unanswered until the inside answers.
 */
#include <linux/slab.h>
#include "knat.h"
#include "block.h"
#include "events.h"
#include "filter.h"
#include "grave.h"
#include "mapping.h"
#include "session.h"
#include "subscriber.h"
#include "table.h"

/*
 * The share of the namespace's max-sessions that sessions outside hosts
 * opened may hold while unanswered: the rest stays for the flows the
 * inside opens, and for those the inside answered.
 */
#define KNAT_UNANSWERED_SHARE	8

/* ... and of a subscriber's max-sessions, where it has one. */
#define KNAT_UNANSWERED_SUB_SHARE	4

/* A session that is not its mapping's own, which goes with the mapping. */
void knat_session_free(struct knat_session *s)
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
		knat_sub_release(kn, sub, m, knat_mapping_block(m), false);
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
	knat_sub_release(kn, sub, m, knat_mapping_block(m), false);
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
static bool knat_session_end(struct knat_net *kn, struct knat_session *s)
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
bool knat_session_unlink(struct knat_net *kn, struct knat_session *s,
			 bool expired)
{
	struct knat_mapping *m = knat_session_map(s);
	struct knat_subscriber *sub;
	struct knat_block *b;

	lockdep_assert_held(&kn->lock);
	if (!knat_session_end(kn, s))
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
