// SPDX-License-Identifier: GPL-2.0
/*
 * knat: subscribers, the inside addresses knat translates, and the
 * external endpoints their mappings get.
 *
 * A subscriber is made by its first flow and lives while it has mappings
 * (kn->subs, by inside address).  In a dynamic pool it holds port blocks
 * (block.c), up to its pool's max-blocks, and each new mapping takes a
 * port in one of them; in a deterministic pool its address and ports are
 * computed (det.c).  Limits on blocks and sessions are per subscriber; a
 * refused allocation never evicts a live mapping (RFC 6888 REQ-11).
 *
 * A subscriber is confirmed once it sent on a flow again after an answer
 * from outside (knat_mapping_exchange()); until then it may be an address
 * an inside host made up, and an inside prefix is anyone's to make up.
 * The subscribers not confirmed hold at most the pool's unconfirmed-share
 * of its blocks (a quarter by default).  Beyond it their new blocks are
 * refused (drop-unconfirmed), and the sessions of theirs that idle for the
 * unanswered timeout expire (knat_session_timeout()) to make room.  Their
 * blocks go without cooling: no answer they could have had got through.
 *
 * Forwards ask for a given endpoint: an operator's (reserve) anywhere no
 * other subscriber holds, a subscriber's own (claim) in its blocks.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include "knat.h"
#include "alloc.h"
#include "block.h"
#include "det.h"
#include "events.h"
#include "gc.h"
#include "pool.h"
#include "subscriber.h"
#include "table.h"

static struct kmem_cache *knat_sub_cache __read_mostly;

static const struct rhashtable_params knat_sub_params = {
	.head_offset = offsetof(struct knat_subscriber, node),
	.key_offset = offsetof(struct knat_subscriber, addr),
	.key_len = sizeof(__be32),
	.automatic_shrinking = true,
};

static void knat_sub_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(knat_sub_cache,
			container_of(head, struct knat_subscriber, rcu));
}

struct knat_subscriber *knat_sub_find(struct knat_net *kn, __be32 addr)
{
	return rhashtable_lookup(&kn->subs, &addr, knat_sub_params);
}

/* The subscriber of @m, which has no block: looked up. */
struct knat_subscriber *knat_sub_of(struct knat_net *kn,
				    const struct knat_mapping *m)
{
	struct knat_subscriber *sub;

	rcu_read_lock();
	sub = knat_sub_find(kn, m->s.in.laddr);
	rcu_read_unlock();
	return sub;
}

/* The subscriber of @m. */
struct knat_subscriber *knat_map_sub(struct knat_net *kn,
				     const struct knat_mapping *m)
{
	return knat_block_sub(kn, m, knat_mapping_block(m));
}

struct knat_subscriber *knat_sub_find_or_add(struct knat_net *kn, __be32 addr,
					     int *reason)
{
	struct knat_subscriber *sub;
	struct knat_inside *in;
	struct knat_pool *pool;

	sub = knat_sub_find(kn, addr);
	if (sub)
		return sub;
	in = knat_inside_find(kn, addr);
	pool = in ? knat_pool_by_id(kn, in->pool_id) : NULL;
	*reason = KNAT_STAT_DROP_NO_POOL;
	if (!pool)
		return NULL;
	sub = kmem_cache_zalloc(knat_sub_cache, GFP_ATOMIC);
	if (!sub) {
		*reason = KNAT_STAT_DROP_NOMEM;
		return NULL;
	}
	sub->addr = addr;
	if (knat_sub_attach(kn, sub, pool)) {
		kmem_cache_free(knat_sub_cache, sub);
		return NULL;
	}
	if (rhashtable_lookup_insert_fast(&kn->subs, &sub->node,
					  knat_sub_params)) {
		kmem_cache_free(knat_sub_cache, sub);
		*reason = KNAT_STAT_DROP_INSERT;
		return NULL;
	}
	return sub;
}

/* Drop a subscriber that no mapping uses any more. */
void knat_sub_remove(struct knat_net *kn, struct knat_subscriber *sub)
{
	rhashtable_remove_fast(&kn->subs, &sub->node, knat_sub_params);
	call_rcu(&sub->rcu, knat_sub_free_rcu);
}

static void knat_free_sub(void *ptr, void *arg)
{
	kmem_cache_free(knat_sub_cache, ptr);
}

/**
 * knat_sub_attach - tie a new subscriber to its pool
 * @kn: namespace state
 * @sub: the subscriber, not yet published
 * @pool: the pool of its inside prefix
 *
 * Return: 0, or -ENOENT when the pool cannot serve this address.
 */
int knat_sub_attach(struct knat_net *kn, struct knat_subscriber *sub,
		    struct knat_pool *pool)
{
	if (pool->draining)
		return -ENOENT;
	INIT_LIST_HEAD(&sub->blocks);
	sub->pool = pool;
	if (pool->mode != KNAT_MODE_DETERMINISTIC)
		return 0;
	sub->ext = knat_det_lookup(pool, sub->addr, &sub->det_lo, &sub->det_hi);
	return sub->ext ? 0 : -ENOENT;
}

/* The external address a subscriber's mappings leave from, or 0.  Under
 * kn->lock.
 */
__be32 knat_sub_ext(const struct knat_subscriber *sub)
{
	if (sub->ext)
		return sub->ext->addr;
	if (list_empty(&sub->blocks))
		return 0;
	return knat_block_addr(list_first_entry(&sub->blocks,
						struct knat_block, node))->addr;
}

/* Refuse with @reason, and say so on the event group. */
static int knat_refuse(struct knat_net *kn, struct knat_subscriber *sub,
		       int reason, u8 proto)
{
	u8 ev = KNAT_EVENT_EXHAUSTED;

	if (reason == KNAT_STAT_DROP_LIMIT_BLOCKS)
		ev = KNAT_EVENT_LIMIT_BLOCKS;
	else if (reason == KNAT_STAT_DROP_LIMIT_SESSIONS)
		ev = KNAT_EVENT_LIMIT_SESSIONS;
	knat_event_refusal(kn, sub, ev, proto);
	return reason;
}

/**
 * knat_unconfirmed_full - do the subscribers not confirmed hold their share
 * @pool: a dynamic pool
 *
 * Any context.  Return: true when they hold its unconfirmed-share of its
 * blocks (one block at least); never at 100 percent.
 */
bool knat_unconfirmed_full(const struct knat_pool *pool)
{
	u64 blocks = (u64)READ_ONCE(pool->naddrs) * (pool->nblocks + pool->nlow);
	u8 share = READ_ONCE(pool->unconfirmed_share);

	return share < 100 && READ_ONCE(pool->unconfirmed_blocks) >=
			      max_t(u64, div_u64(blocks * share, 100), 1);
}

/*
 * A subscriber not confirmed may take no block: its pool's share for such
 * is taken.  The collector ends the idle ones' sessions now rather than at
 * its next walk, once a second at most.
 */
static int knat_unconfirmed_refuse(struct knat_net *kn, struct knat_pool *pool)
{
	if (time_after_eq(jiffies, pool->unconfirmed_kick + HZ)) {
		pool->unconfirmed_kick = jiffies;
		knat_gc_kick(kn);
	}
	return -KNAT_STAT_DROP_UNCONFIRMED;
}

/**
 * knat_sub_confirm - @sub is there: it kept up an exchange with outside
 * @kn: namespace state
 * @sub: the subscriber
 *
 * Its blocks no longer count against the share of subscribers not
 * confirmed, and cool when released.  Under kn->lock.
 */
void knat_sub_confirm(struct knat_net *kn, struct knat_subscriber *sub)
{
	lockdep_assert_held(&kn->lock);
	if (sub->confirmed)
		return;
	sub->confirmed = true;
	WRITE_ONCE(sub->pool->unconfirmed_blocks,
		   sub->pool->unconfirmed_blocks - sub->nblocks);
}

/*
 * A port in a block of class @low of @sub, taking a new block when those
 * are full.  Return: the port, or a negative KNAT_STAT_DROP_* reason.
 */
static int knat_block_alloc(struct knat_net *kn, struct knat_subscriber *sub,
			    const struct knat_tuple *t, bool low,
			    struct knat_block **bp)
{
	struct knat_pool *pool = sub->pool;
	struct knat_block *b;
	int port;

	list_for_each_entry(b, &sub->blocks, node) {
		if (b->range->draining || knat_block_low(b) != low)
			continue;
		port = knat_block_use(kn, b, t, pool->overlap);
		if (port >= 0)
			goto found;
	}
	if (sub->nblocks >= pool->max_blocks)
		return -KNAT_STAT_DROP_LIMIT_BLOCKS;
	if (!sub->confirmed && knat_unconfirmed_full(pool))
		return knat_unconfirmed_refuse(kn, pool);
	b = knat_block_pick(kn, sub, low);
	if (!b)
		return -KNAT_STAT_DROP_EXHAUSTED;
	knat_block_take(kn, b, sub);
	port = knat_block_use(kn, b, t, pool->overlap);
	if (port < 0) {
		/* Only a host port range covering the block gets here. */
		knat_block_release(kn, b, false);
		return -KNAT_STAT_DROP_EXHAUSTED;
	}
found:
	*bp = b;
	return port;
}

/*
 * A port for @t in a block of @sub.  An inside port below 1024 gets one
 * below 1024 where the pool has low blocks and one is to be had (RFC 4787
 * REQ-3a, a SHOULD), else an ordinary one: never a refused flow for it.
 */
static int knat_sub_alloc_block(struct knat_net *kn,
				struct knat_subscriber *sub,
				const struct knat_tuple *t,
				struct knat_mapping *m)
{
	struct knat_pool *pool = sub->pool;
	struct knat_block *b;
	int port = -1;

	if (pool->nlow && t->proto != IPPROTO_ICMP && ntohs(t->lport) < 1024)
		port = knat_block_alloc(kn, sub, t, true, &b);
	if (port < 0)
		port = knat_block_alloc(kn, sub, t, false, &b);
	if (port == -KNAT_STAT_DROP_UNCONFIRMED)
		return KNAT_STAT_DROP_UNCONFIRMED;	/* no event: made up? */
	if (port < 0)
		return knat_refuse(kn, sub, -port, t->proto);
	b->nmappings++;
	m->blocked = true;
	m->paddr = knat_block_addr(b);
	m->s.ext_port = htons(port);
	m->overlap = pool->overlap;
	return 0;
}

static int knat_sub_alloc_det(struct knat_net *kn, struct knat_subscriber *sub,
			      const struct knat_tuple *t,
			      struct knat_mapping *m)
{
	struct knat_pool_addr *pa = sub->ext;
	struct knat_portmap *pm = pa->ports[knat_proto_index(t->proto)];
	struct knat_spans x;
	int port;

	/* A draining pool or range makes no new mapping, for anyone. */
	if (sub->pool->draining || pa->range->draining)
		return KNAT_STAT_DROP_NO_POOL;
	knat_router_ports(kn, pa, &x);
	port = knat_bits_search(pm->full, pm->used, sub->det_lo, sub->det_hi,
				sub->det_lo + get_random_u32_below(sub->det_hi -
								   sub->det_lo + 1),
				&x);
	if (port < 0)
		return knat_refuse(kn, sub, KNAT_STAT_DROP_EXHAUSTED, t->proto);
	if (knat_parity(sub->pool, t) != KNAT_PARITY_ANY)
		port = knat_bits_parity(pm->full, pm->used, sub->det_lo,
					sub->det_hi, port, &x,
					knat_parity(sub->pool, t));
	knat_bits_take(pm->full, pm->used, port);
	pm->nused++;
	m->paddr = pa;
	m->s.ext_port = htons(port);
	return 0;
}

/**
 * knat_sub_alloc - choose the external endpoint of a new mapping
 * @kn: namespace state
 * @sub: its subscriber
 * @t: the inside tuple of the flow that makes it
 * @m: the mapping: ext, paddr, blocked and overlap are set
 *
 * Return: 0, or a KNAT_STAT_DROP_* reason.
 */
int knat_sub_alloc(struct knat_net *kn, struct knat_subscriber *sub,
		   const struct knat_tuple *t, struct knat_mapping *m)
{
	struct knat_pool *pool = sub->pool;
	int err;

	if (pool->mode == KNAT_MODE_DETERMINISTIC)
		err = knat_sub_alloc_det(kn, sub, t, m);
	else
		err = knat_sub_alloc_block(kn, sub, t, m);
	if (err)
		return err;
	knat_mapping_account(m, pool);
	return 0;
}

/*
 * May a static mapping of @sub take @port of @pa?  Not in a block another
 * subscriber holds or held lately, whose attribution logs would not show
 * it; in a deterministic pool, only in @sub's own range.  With port
 * overlapping, only in a free block: sessions of a shared port are not
 * in the port bitmap.
 */
static bool knat_reserve_ok(struct knat_net *kn,
			    const struct knat_subscriber *sub,
			    const struct knat_pool_addr *pa, u16 port,
			    struct netlink_ext_ack *extack)
{
	struct knat_block *b = knat_port_block(pa, port);

	if (pa->range->pool != sub->pool || pa->range->draining) {
		NL_SET_ERR_MSG_MOD(extack,
				   "external address is not live in the pool of the inside address");
		return false;
	}
	if (sub->ext && (pa != sub->ext || port < sub->det_lo ||
			 port > sub->det_hi)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "deterministic pool: the port is not the inside address's");
		return false;
	}
	if (b && b->state != KNAT_BLOCK_FREE &&
	    (b->owner != sub || sub->pool->overlap)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "external port is in a block another subscriber holds");
		return false;
	}
	if (knat_port_router(kn, pa, port)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "external port is the router's: in the host's local port range or the pool's router-ports");
		return false;
	}
	return true;
}

/**
 * knat_sub_reserve - give a static mapping the external endpoint asked for
 * @kn: namespace state
 * @sub: its subscriber
 * @ext: the external endpoint
 * @m: the mapping: ext and paddr are set
 * @extack: the reason of a refusal
 *
 * Return: 0, -EADDRNOTAVAIL when @ext may not be used, or -EADDRINUSE.
 */
int knat_sub_reserve(struct knat_net *kn, struct knat_subscriber *sub,
		     const struct knat_endpoint *ext, struct knat_mapping *m,
		     struct netlink_ext_ack *extack)
{
	struct knat_pool_addr *pa = knat_pool_addr_find(kn, ext->addr);
	struct knat_portmap *pm;
	u16 port = ntohs(ext->port);

	if (!pa) {
		NL_SET_ERR_MSG_MOD(extack, "external address is not in a pool");
		return -EADDRNOTAVAIL;
	}
	if (!knat_reserve_ok(kn, sub, pa, port, extack))
		return -EADDRNOTAVAIL;
	pm = pa->ports[knat_proto_index(ext->proto)];
	if (knat_portmap_test(pm, port)) {
		NL_SET_ERR_MSG_MOD(extack, "external port is in use");
		return -EADDRINUSE;
	}
	knat_port_assign(m, pa, pm, ext);
	return 0;
}

/* May @sub's pool forward a port a subscriber asks for?  Not a shared one. */
int knat_claim_ok(const struct knat_subscriber *sub,
		  struct netlink_ext_ack *extack)
{
	if (!sub->pool->overlap)
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "a port-overlapping pool forwards no port it shares");
	return -EOPNOTSUPP;
}

/*
 * Take the port @ext asks for, if it is free in one of @sub's blocks (in
 * its range, in a deterministic pool) and not one of the host's.
 */
static bool knat_sub_take(struct knat_net *kn, struct knat_subscriber *sub,
			  const struct knat_endpoint *ext,
			  struct knat_mapping *m)
{
	__be32 addr = ext->addr ?: knat_sub_ext(sub);
	struct knat_pool_addr *pa = addr ? knat_pool_addr_find(kn, addr) : NULL;
	u16 port = ntohs(ext->port);
	struct knat_block *b = NULL;
	struct knat_portmap *pm;

	if (!pa || pa->range->pool != sub->pool || pa->range->draining)
		return false;
	if (sub->ext) {
		if (pa != sub->ext || port < sub->det_lo || port > sub->det_hi)
			return false;
	} else {
		b = knat_port_block(pa, port);
		if (!b || b->state != KNAT_BLOCK_ACTIVE || b->owner != sub)
			return false;
	}
	pm = pa->ports[knat_proto_index(ext->proto)];
	if (knat_port_router(kn, pa, port) || knat_portmap_test(pm, port))
		return false;
	knat_port_assign(m, pa, pm, ext);
	if (b) {
		b->nmappings++;
		m->blocked = true;
	}
	return true;
}

/**
 * knat_sub_claim - the external endpoint of a forward a subscriber asks for
 * @kn: namespace state
 * @sub: the subscriber
 * @ext: the endpoint it would like (port 0: none; address 0: its own)
 * @exact: that one or none
 * @m: the new mapping: ext, paddr and blocked are set
 * @extack: the reason of a refusal
 *
 * @ext if it is free in one of @sub's blocks, else a port as a new flow
 * of the inside endpoint would get one: in its blocks, its attribution
 * logged as theirs.  Return: 0, or -errno.
 */
int knat_sub_claim(struct knat_net *kn, struct knat_subscriber *sub,
		   const struct knat_endpoint *ext, bool exact,
		   struct knat_mapping *m, struct netlink_ext_ack *extack)
{
	struct knat_tuple t = {
		.laddr = m->s.in.laddr, .lport = m->s.in.lport,
		.proto = m->s.in.proto,
	};
	int err = knat_claim_ok(sub, extack);

	if (err)
		return err;
	if (ext->port && knat_sub_take(kn, sub, ext, m))
		return 0;
	if (exact && ext->port) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the external endpoint asked for is not free in the subscriber's blocks");
		return -EADDRINUSE;
	}
	switch (knat_sub_alloc(kn, sub, &t, m)) {
	case 0:
		return 0;
	case KNAT_STAT_DROP_NOMEM:
		return -ENOMEM;
	case KNAT_STAT_DROP_LIMIT_BLOCKS:
		NL_SET_ERR_MSG_MOD(extack,
				   "the subscriber holds its pool's max-blocks, all full");
		return -EDQUOT;
	case KNAT_STAT_DROP_UNCONFIRMED:
		NL_SET_ERR_MSG_MOD(extack,
				   "subscribers not confirmed yet hold their share of the pool");
		return -ENOSPC;
	default:
		NL_SET_ERR_MSG_MOD(extack, "no port left for the subscriber");
		return -ENOSPC;
	}
}

/**
 * knat_sub_release - give back the external endpoint knat_sub_alloc() chose
 * @kn: namespace state
 * @sub: the subscriber of @m
 * @m: the mapping
 * @b: the block @m counts in (knat_mapping_block()), or NULL
 * @used: @m was linked, so a packet may have left from its port: its block,
 *        released with its last mapping, cools.  One never linked leaves
 *        nothing behind: a block taken for it alone is free again at once,
 *        and refused flows cannot park an address's free blocks in cooling
 *        one after another.
 */
void knat_sub_release(struct knat_net *kn, struct knat_subscriber *sub,
		      struct knat_mapping *m, struct knat_block *b, bool used)
{
	lockdep_assert_held(&kn->lock);
	if (!m->overlap)
		knat_portmap_free(m->paddr->ports[knat_proto_index(m->s.in.proto)],
				  ntohs(m->s.ext_port));
	atomic_dec(&m->paddr->range->nmappings);
	atomic_dec(&sub->pool->nmappings);
	if (b && !--b->nmappings)
		knat_block_release(kn, b, used);
}

/**
 * knat_overlap_port - the external port of a new session of a shared mapping
 * @kn: namespace state
 * @m: the mapping, of a pool with port overlapping
 * @sub: its subscriber
 * @t: the session's inside tuple
 * @port: set to the mapping's port, or another of its block when a session
 *        of another mapping holds that one toward the same remote
 *
 * Return: 0, or KNAT_STAT_DROP_EXHAUSTED.
 */
int knat_overlap_port(struct knat_net *kn, const struct knat_mapping *m,
		      struct knat_subscriber *sub, const struct knat_tuple *t,
		      __be16 *port)
{
	struct knat_tuple key = *t;
	int p;

	key.laddr = m->paddr->addr;
	key.lport = m->s.ext_port;
	if (!knat_osession_find(kn, &key)) {
		*port = m->s.ext_port;
		return 0;
	}
	p = knat_overlap_pick(kn, knat_mapping_block(m), t);
	if (p < 0)
		return knat_refuse(kn, sub, KNAT_STAT_DROP_EXHAUSTED,
				   t->proto);
	*port = htons(p);
	return 0;
}

int knat_subs_init(struct knat_net *kn)
{
	return rhashtable_init(&kn->subs, &knat_sub_params);
}

/* No reader or writer may remain. */
void knat_subs_destroy(struct knat_net *kn)
{
	rhashtable_free_and_destroy(&kn->subs, knat_free_sub, NULL);
}

int knat_sub_cache_create(void)
{
	knat_sub_cache = KMEM_CACHE(knat_subscriber, 0);
	return knat_sub_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): subscribers are freed with call_rcu(). */
void knat_sub_cache_destroy(void)
{
	kmem_cache_destroy(knat_sub_cache);
}
