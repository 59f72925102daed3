// SPDX-License-Identifier: GPL-2.0
/*
 * knat: the sweep, a resumable walk over the sessions that removes those a
 * predicate dooms (struct knat_sweep), and what is made of it: the GC's
 * expiry (gc.c), flushes, and the retirement of a draining pool or range.
 *
 * The walk goes through the bucket tables of the flow indexes under RCU,
 * without a lock, and removes what it noted a batch at a time under
 * kn->lock (knat_sessions_unlink()).
 */
#include <linux/inetdevice.h>
#include "knat.h"
#include "grave.h"
#include "session.h"
#include "sweep.h"

/*
 * Remove the sessions @sw noted, in the walk's RCU section, and add those
 * removed to @removed.  Return: false, having removed none, when the
 * graves have no room and none is had without sleeping.
 */
static bool knat_sweep_remove(struct knat_net *kn, struct knat_sweep *sw,
			      knat_doomed_fn doomed, void *arg, bool expired,
			      unsigned int *removed)
{
	if (!sw->ndoomed)
		return true;
	spin_lock_bh(&kn->lock);
	if (!knat_grave_room(kn, sw->ndoomed)) {
		spin_unlock_bh(&kn->lock);
		return false;
	}
	*removed += knat_sessions_unlink(kn, sw->doomed, sw->ndoomed, doomed,
					 arg, expired);
	spin_unlock_bh(&kn->lock);
	sw->ndoomed = 0;
	return true;
}

/* The index @sw walks: sess_in, then map_in for own sessions. */
static struct rhashtable *knat_sweep_index(struct knat_net *kn,
					   const struct knat_sweep *sw)
{
	return sw->own ? &kn->map_in : &kn->sess_in;
}

/* Walk @tbl from its first bucket on. */
static struct bucket_table *knat_sweep_begin(struct knat_sweep *sw,
					     struct bucket_table *tbl)
{
	sw->tbl = (unsigned long)tbl;
	sw->rnd = tbl->hash_rnd;
	sw->slot = 0;
	return tbl;
}

/*
 * The bucket table @sw walks.  While an index is rehashed, its
 * entries are in its table or in the future one, which the walk goes
 * through next.  Once the table walked is replaced (the rehash done), the
 * walk begins again on the current one, as an rhashtable walker does: it
 * may meet an entry twice, and meets every one.
 */
static struct bucket_table *knat_sweep_table(struct knat_net *kn,
					     struct knat_sweep *sw)
{
	struct rhashtable *ht = knat_sweep_index(kn, sw);
	struct bucket_table *tbl = rht_dereference_rcu(ht->tbl, ht), *t;

	knat_assert_rcu();
	for (t = tbl; t; t = rht_dereference_rcu(t->future_tbl, ht))
		if ((unsigned long)t == sw->tbl && t->hash_rnd == sw->rnd)
			return t;
	return knat_sweep_begin(sw, tbl);
}

/*
 * The table after the one @sw finished, or NULL at the end of
 * the index.
 */
static struct bucket_table *knat_sweep_next(struct knat_net *kn,
					    struct knat_sweep *sw,
					    struct bucket_table *tbl)
{
	struct rhashtable *ht = knat_sweep_index(kn, sw);
	struct bucket_table *next = rht_dereference_rcu(tbl->future_tbl, ht);

	knat_assert_rcu();
	return next ? knat_sweep_begin(sw, next) : NULL;
}

/* The session of index node @pos, if a sweep is to look at it. */
static struct knat_session *knat_sweep_session(const struct knat_sweep *sw,
					       struct rhash_head *pos)
{
	struct knat_session *s = container_of(pos, struct knat_session,
					      in_node);

	if (sw->own && !(READ_ONCE(s->flags) & KNAT_SESS_LIVE))
		return NULL;
	return s;
}

/**
 * knat_sweep - examine sessions, removing the doomed ones
 * @kn: namespace state
 * @sw: the walk; resumes at the bucket where the previous call stopped
 * @budget: entries to examine; KNAT_SWEEP_SPAN empty buckets cost one
 * @doomed: predicate, called under RCU, and again under kn->lock, where
 *          the session may have been unlinked by another writer since
 * @arg: passed to @doomed
 * @expired: count removals as expiries rather than flushes
 * @done: set when the walk has covered every session
 *
 * The walk goes through the buckets of sess_in, then those of map_in for
 * mappings' own sessions, a whole bucket at a time.  It holds no lock, and
 * its budget bounds the buckets it crosses as well as the entries:
 * an index that emptied, which keeps its size, costs a bounded share.
 * Removals hold kn->lock, bottom halves off, for KNAT_SWEEP_BATCH sessions
 * at most: new flows wait no longer than one batch.  The sessions noted
 * are removed through the pointers the walk found, in the same RCU
 * section.  Should the graves have no room for a batch, and none be had
 * without sleeping, the call ends, and the next one, which waits for
 * memory first, goes back to the bucket of the first session not removed.
 * Process context.
 * Return: sessions removed.
 */
unsigned int knat_sweep(struct knat_net *kn, struct knat_sweep *sw,
			unsigned int budget, knat_doomed_fn doomed, void *arg,
			bool expired, bool *done)
{
	unsigned int removed = 0, cost = 0, from = 0;
	struct bucket_table *tbl;
	struct rhash_head *pos;
	struct knat_session *s;

	knat_graves_prepare(kn, KNAT_SWEEP_BATCH);
	*done = false;
	rcu_read_lock();
	tbl = knat_sweep_table(kn, sw);
	while (cost < budget * KNAT_SWEEP_SPAN) {
		if (sw->slot >= tbl->size) {
			/* What is noted is removed on the table it was on. */
			if (!knat_sweep_remove(kn, sw, doomed, arg, expired,
					       &removed))
				goto stop;
			tbl = knat_sweep_next(kn, sw, tbl);
			if (tbl)
				continue;
			if (sw->own) {
				*done = true;
				break;
			}
			sw->own = true;
			sw->tbl = 0;
			tbl = knat_sweep_table(kn, sw);
			continue;
		}
		cost++;
		rht_for_each_rcu(pos, tbl, sw->slot) {
			cost += KNAT_SWEEP_SPAN;
			s = knat_sweep_session(sw, pos);
			if (!s || !doomed(kn, s, arg))
				continue;
			if (sw->ndoomed == KNAT_SWEEP_BATCH &&
			    !knat_sweep_remove(kn, sw, doomed, arg, expired,
					       &removed))
				goto stop;
			if (!sw->ndoomed)
				from = sw->slot;
			sw->doomed[sw->ndoomed++] = s;
		}
		sw->slot++;
	}
	if (!knat_sweep_remove(kn, sw, doomed, arg, expired, &removed))
		goto stop;
	rcu_read_unlock();
	if (*done)
		knat_sweep_end(sw);
	return removed;

stop:
	rcu_read_unlock();
	sw->slot = from;
	sw->ndoomed = 0;
	return removed;
}

void knat_sweep_end(struct knat_sweep *sw)
{
	memset(sw, 0, sizeof(*sw));
}

/* The cost of a whole walk, in entries: the sessions, and their buckets. */
u64 knat_sweep_size(struct knat_net *kn)
{
	u64 buckets;

	rcu_read_lock();
	buckets = rht_dereference_rcu(kn->sess_in.tbl, &kn->sess_in)->size +
		  rht_dereference_rcu(kn->map_in.tbl, &kn->map_in)->size;
	rcu_read_unlock();
	return atomic_read(&kn->nsessions) + buckets / KNAT_SWEEP_SPAN;
}

static bool knat_on_pool(struct knat_net *kn, const struct knat_session *s,
			 void *pool)
{
	return !pool || knat_session_map(s)->paddr->range->pool == pool;
}

static bool knat_on_range(struct knat_net *kn, const struct knat_session *s,
			  void *range)
{
	return knat_session_map(s)->paddr->range == range;
}

/* Remove every session @doomed picks.  Process context; yields. */
unsigned int knat_sweep_all(struct knat_net *kn, knat_doomed_fn doomed,
			    void *arg)
{
	struct knat_sweep sw = {};
	unsigned int n = 0;
	bool done = false;

	while (!done) {
		n += knat_sweep(kn, &sw, 256, doomed, arg, false, &done);
		cond_resched();
	}
	knat_graves_close(kn);
	return n;
}

/**
 * knat_flush - remove sessions and mappings
 * @kn: namespace state
 * @pool: only those on this pool's addresses, or NULL for all
 *
 * Static mappings stay, without sessions.  Process context; yields between
 * batches.  Return: sessions removed.
 */
unsigned int knat_flush(struct knat_net *kn, const struct knat_pool *pool)
{
	return knat_sweep_all(kn, knat_on_pool, (void *)pool);
}

struct knat_prefix {
	__be32 prefix;
	__be32 mask;
};

static bool knat_in_prefix(struct knat_net *kn, const struct knat_session *s,
			   void *arg)
{
	const struct knat_prefix *p = arg;

	return (s->in.laddr & p->mask) == p->prefix;
}

/**
 * knat_flush_inside - remove the sessions of an inside prefix
 * @kn: namespace state
 * @prefix: the prefix
 * @plen: its length
 *
 * Forwards stay, without sessions.  Process context; yields between
 * batches.  Return: sessions removed.
 */
unsigned int knat_flush_inside(struct knat_net *kn, __be32 prefix, u8 plen)
{
	struct knat_prefix p = {
		.prefix = prefix, .mask = inet_make_mask(plen),
	};

	return knat_sweep_all(kn, knat_in_prefix, &p);
}

/**
 * knat_retire - remove the mappings of a draining range, or pool, now
 * @kn: namespace state
 * @pool: the pool, when @range is NULL: all its ranges at once
 * @range: the range, or NULL
 *
 * A sweep misses sessions that existing mappings made behind it, so it
 * runs again while mappings are left, a few times at most; any left after
 * that expire as usual.  A whole pool costs as many sweeps as a range.
 * Process context.
 */
void knat_retire(struct knat_net *kn, struct knat_pool *pool,
		 struct knat_range *range)
{
	atomic_t *left = range ? &range->nmappings : &pool->nmappings;
	int pass;

	for (pass = 0; pass < 4 && atomic_read(left); pass++) {
		if (range)
			knat_sweep_all(kn, knat_on_range, range);
		else
			knat_sweep_all(kn, knat_on_pool, pool);
	}
}
