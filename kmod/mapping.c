// SPDX-License-Identifier: GPL-2.0
/*
 * knat: mappings, each an inside endpoint's external endpoint, in map_in
 * (or map_dep, for a dependent one) and map_out.
 *
 * A mapping is made with its first session (session.c) and lives while it
 * has sessions, or while a forward pins it.  It is linked into both its
 * indexes, or into none, under kn->lock; unlinked, its port goes back to
 * its subscriber and it waits out its readers in a grave.
 */
#include <linux/slab.h>
#include "knat.h"
#include "block.h"
#include "filter.h"
#include "grave.h"
#include "mapping.h"
#include "session.h"
#include "subscriber.h"
#include "sweep.h"
#include "table.h"

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
int knat_mapping_link(struct knat_net *kn, struct knat_mapping *m,
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
u8 knat_pool_mapping(const struct knat_pool *pool, u8 proto)
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
	knat_sub_release(kn, sub, m, b, true);
	atomic_dec(&kn->nmappings);
	sub->nmappings--;
	knat_sub_prune(kn, sub);
	knat_count(kn, expired ? KNAT_STAT_MAPPINGS_EXPIRED :
				 KNAT_STAT_MAPPINGS_FLUSHED);
	knat_bury(kn, KNAT_GRAVE_MAPPING, m);
}

/*
 * The last session of @m is gone.  Flattened, as the sweep's batch of
 * removals is (knat_sessions_unlink()): each index removal is compiled for
 * its index, calling its hash function directly, not through a pointer in
 * one out-of-line copy for all indexes.
 */
__flatten void
knat_mapping_release(struct knat_net *kn, struct knat_mapping *m,
		     struct knat_subscriber *sub, struct knat_block *b,
		     bool expired)
{
	knat_mapping_unlink(kn, m);
	knat_mapping_free(kn, m, sub, b, expired);
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
 * The mapping a new flow of @t uses, if it has one: the
 * inside endpoint's (EIM, in map_in), or the one toward the flow's remote
 * address (ADM), whose perms entries alone have external port 0: no need
 * to know the pool to look.  APDM makes a mapping per session.  A mapping
 * unlinked from map_in (a forward being removed) is found by neither.
 */
struct knat_mapping *knat_mapping_of(struct knat_net *kn,
				     const struct knat_tuple *t)
{
	struct knat_endpoint ep = knat_tuple_endpoint(t);
	struct knat_mapping *m;

	lockdep_assert_held(&kn->lock);
	m = rhashtable_lookup(&kn->map_in, &ep, knat_map_in_params);
	return m ?: knat_filter_adm_mapping(kn, t);
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
		knat_sub_release(kn, sub, m, knat_mapping_block(m), false);
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
