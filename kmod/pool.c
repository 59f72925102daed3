// SPDX-License-Identifier: GPL-2.0
/*
 * knat: pools, their address ranges, port blocks, and the subscribers that
 * hold them.
 *
 * A dynamic pool cuts the port range of each of its addresses into blocks.
 * A subscriber takes a block the first time it needs a port, a random free
 * one on a random address; later blocks come from the same address, so all
 * its mappings, whatever the protocol, share one external address (paired
 * pooling, RFC 6888 REQ-2).  Ports are random inside a block (RFC 6056).
 * A block whose last mapping expires cools for the pool's cooling time
 * before anyone may take it again (RFC 6888 REQ-8): free -> active ->
 * cooling -> free.  Limits on blocks and sessions are per subscriber; a
 * refused allocation never evicts a live mapping (REQ-11).
 *
 * When the port range starts above 1023, ports below 1024 form low blocks
 * of their own, after the others in a range's block array, for inside
 * ports below 1024 (RFC 4787 REQ-3a): a subscriber takes one on its paired
 * address when it needs one, and it lives, cools and is logged as any
 * block.  An address the host uses has none: its services listen there.
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
 * A deterministic pool (RFC 7422) gives the i-th address of its inside
 * prefix a fixed port range of a fixed external address: both directions
 * of the relation are arithmetic, and nothing needs logging.
 *
 * Everything here that changes state runs under kn->lock.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/inetdevice.h>
#include <net/ip.h>
#include "knat.h"

#define KNAT_OVERLAP_TRIES	8

struct knat_pool *knat_pool_create(u32 id, u16 lo, u16 hi, u16 block_size)
{
	struct knat_pool *pool = kzalloc(sizeof(*pool), GFP_KERNEL);

	if (!pool)
		return NULL;
	INIT_LIST_HEAD(&pool->ranges);
	INIT_LIST_HEAD(&pool->cooling);
	pool->id = id;
	pool->port_min = lo;
	pool->port_max = hi;
	pool->block_size = block_size;
	pool->nblocks = ((u32)hi - lo + 1) / block_size;
	pool->max_blocks = 8;
	pool->inbound_limit = 64;
	pool->inbound_sub_limit = 1024;
	pool->cooling_secs = 120;
	pool->unconfirmed_share = 25;
	atomic_set(&pool->nmappings, 0);
	return pool;
}

/* Low blocks of @size ports, ending at port 1023; 0: none.  Before ranges. */
void knat_pool_low(struct knat_pool *pool, u16 size)
{
	pool->low_block = size;
	pool->nlow = size ? 1023 / size : 0;
	pool->low_min = 1024 - pool->nlow * size;
}

void knat_pool_destroy(struct knat_pool *pool)
{
	struct knat_range *range, *tmp;

	list_for_each_entry_safe(range, tmp, &pool->ranges, list)
		knat_range_destroy(range);
	kfree(pool);
}

static int knat_bitmap_init(struct knat_bitmap *bm, u32 nbits)
{
	u32 words = BITS_TO_LONGS(nbits);

	bm->nbits = nbits;
	bm->used = kvcalloc(words, sizeof(long), GFP_KERNEL);
	bm->full = kvcalloc(BITS_TO_LONGS(words), sizeof(long), GFP_KERNEL);
	return bm->used && bm->full ? 0 : -ENOMEM;
}

struct knat_range *knat_range_create(struct knat_pool *pool, __be32 prefix,
				     u8 plen)
{
	u32 n = 1U << (32 - plen), nb = n * (pool->nblocks + pool->nlow), i, p;
	struct knat_range *range;

	range = kzalloc(struct_size(range, addrs, n), GFP_KERNEL);
	if (!range)
		return NULL;
	range->pool = pool;
	range->prefix = prefix;
	range->plen = plen;
	range->naddrs = n;
	atomic_set(&range->nmappings, 0);
	if (pool->mode == KNAT_MODE_DYNAMIC) {
		range->blocks = kvcalloc(nb, sizeof(*range->blocks), GFP_KERNEL);
		if (!range->blocks || knat_bitmap_init(&range->bmap, nb))
			goto fail;
		for (i = 0; i < nb; i++) {
			INIT_LIST_HEAD(&range->blocks[i].node);
			range->blocks[i].range = range;
			range->blocks[i].index = i;
		}
	}
	for (i = 0; i < n; i++) {
		struct knat_pool_addr *pa = &range->addrs[i];

		pa->addr = htonl(ntohl(prefix) + i);
		pa->range = range;
		for (p = 0; p < KNAT_NPROTO; p++) {
			pa->ports[p] = kvzalloc(sizeof(*pa->ports[p]), GFP_KERNEL);
			if (!pa->ports[p])
				goto fail;
		}
	}
	return range;

fail:
	knat_range_destroy(range);
	return NULL;
}

void knat_range_destroy(struct knat_range *range)
{
	u32 i, p;

	for (i = 0; i < range->naddrs; i++)
		for (p = 0; p < KNAT_NPROTO; p++)
			kvfree(range->addrs[i].ports[p]);
	kvfree(range->bmap.used);
	kvfree(range->bmap.full);
	kvfree(range->blocks);
	kfree(range);
}

/* The lowest and highest address of @range, host order, as kn->pool_span. */
static u64 knat_range_span(const struct knat_range *range)
{
	u32 mask = ntohl(inet_make_mask(range->plen));
	u32 lo = ntohl(range->prefix) & mask;

	return (u64)lo << 32 | (lo | ~mask);
}

static u64 knat_span_join(u64 a, u64 b)
{
	return min(a >> 32, b >> 32) << 32 | max_t(u32, a, b);
}

/**
 * knat_pool_span - bring kn->pool_span to the addresses of @kn's pools
 * @kn: namespace state, its kn->lock held
 * @range: a range about to be published (its pool may not be yet), or NULL
 *
 * A span that covers more than the pools do costs only a list walk for
 * the addresses between them; one that covers less would hide a pool
 * address.  So a range widens it before it is published, and the span
 * narrows only after ranges are gone, to the ones left.
 */
static void knat_pool_span(struct knat_net *kn, const struct knat_range *range)
{
	const struct knat_pool *pool;
	const struct knat_range *r;
	u64 span = KNAT_SPAN_EMPTY;

	lockdep_assert_held(&kn->lock);
	if (range) {
		span = knat_span_join(kn->pool_span, knat_range_span(range));
	} else {
		list_for_each_entry(pool, &kn->pools, list)
			list_for_each_entry(r, &pool->ranges, list)
				span = knat_span_join(span, knat_range_span(r));
	}
	WRITE_ONCE(kn->pool_span, span);
}

/* Configuration writers hold kn->cfg_lock; kn->lock orders them against
 * the packet path.
 */
void knat_range_publish(struct knat_net *kn, struct knat_range *range)
{
	struct knat_pool *pool = range->pool;
	u32 i;

	for (i = 0; kn->net && i < range->naddrs; i++)
		range->addrs[i].local = inet_addr_type(kn->net,
						       range->addrs[i].addr) ==
					RTN_LOCAL;
	spin_lock_bh(&kn->lock);
	knat_pool_span(kn, range);
	range->first = pool->naddrs;
	list_add_tail_rcu(&range->list, &pool->ranges);
	pool->naddrs += range->naddrs;
	WRITE_ONCE(kn->npool_addrs, kn->npool_addrs + range->naddrs);
	spin_unlock_bh(&kn->lock);
}

/*
 * No new block or mapping on @range; live ones stay until they expire,
 * but its forwards go at once: they never expire.  Under kn->cfg_lock.
 */
void knat_range_drain(struct knat_net *kn, struct knat_range *range)
{
	lockdep_assert_held(&kn->cfg_lock);

	spin_lock_bh(&kn->lock);
	if (!range->draining) {
		range->draining = true;
		range->pool->naddrs -= range->naddrs;
	}
	spin_unlock_bh(&kn->lock);
	knat_forwards_retire(kn, range, 0, KNAT_NO_PREFIX);
}

void knat_pool_drain(struct knat_net *kn, struct knat_pool *pool)
{
	struct knat_range *range;

	list_for_each_entry(range, &pool->ranges, list)
		knat_range_drain(kn, range);
	spin_lock_bh(&kn->lock);
	pool->draining = true;
	spin_unlock_bh(&kn->lock);
}

struct knat_pool *knat_pool_by_id(struct knat_net *kn, u32 id)
{
	struct knat_pool *pool;

	list_for_each_entry_rcu(pool, &kn->pools, list)
		if (pool->id == id)
			return pool;
	return NULL;
}

struct knat_pool_addr *knat_pool_addr_find(struct knat_net *kn, __be32 addr)
{
	struct knat_range *range;
	struct knat_pool *pool;
	u32 off;

	list_for_each_entry_rcu(pool, &kn->pools, list) {
		list_for_each_entry_rcu(range, &pool->ranges, list) {
			off = ntohl(addr) - ntohl(range->prefix);
			if (off < range->naddrs)
				return &range->addrs[off];
		}
	}
	return NULL;
}

/*
 * The blocks of one class in a range's array: address a's are the @per
 * from base + a * per.  Ordinary blocks come first, then the low ones.
 */
struct knat_bclass {
	u32 base;
	u32 per;
};

static struct knat_bclass knat_bclass(const struct knat_range *range,
				      bool low)
{
	const struct knat_pool *pool = range->pool;
	struct knat_bclass c = { .per = pool->nblocks };

	if (low) {
		c.base = range->naddrs * pool->nblocks;
		c.per = pool->nlow;
	}
	return c;
}

static bool knat_block_low(const struct knat_block *b)
{
	return b->index >= b->range->naddrs * b->range->pool->nblocks;
}

/* The index in its range of the address of @b, and of @b on it. */
static u32 knat_block_where(const struct knat_block *b, u32 *nth)
{
	struct knat_bclass c = knat_bclass(b->range, knat_block_low(b));

	*nth = (b->index - c.base) % c.per;
	return (b->index - c.base) / c.per;
}

struct knat_pool_addr *knat_block_addr(const struct knat_block *b)
{
	u32 nth;

	return &b->range->addrs[knat_block_where(b, &nth)];
}

void knat_block_bounds(const struct knat_block *b, u16 *lo, u16 *hi)
{
	const struct knat_pool *pool = b->range->pool;
	u32 nth;

	knat_block_where(b, &nth);
	if (knat_block_low(b)) {
		*lo = pool->low_min + nth * pool->low_block;
		*hi = *lo + pool->low_block - 1;
		return;
	}
	*lo = pool->port_min + nth * pool->block_size;
	*hi = *lo + pool->block_size - 1;
}

/*
 * The router's ports on @pa, if the router has that address: its pool's
 * router-ports and the host's local port range (read each time: a sysctl
 * changes it without notice).  Else none.
 */
static void knat_router_ports(struct knat_net *kn,
			      const struct knat_pool_addr *pa,
			      struct knat_spans *x)
{
	const struct knat_pool *pool = pa->range->pool;
	int l, h;
	u8 i;

	x->n = 0;
	if (!READ_ONCE(pa->local))
		return;
	if (kn->net) {
		inet_get_local_port_range(kn->net, &l, &h);
		knat_spans_add(x, l, h);
	}
	for (i = 0; i < pool->nrouter_ports; i++)
		knat_spans_add(x, pool->router_ports[i].lo,
			       pool->router_ports[i].hi);
}

/* The blocks of address @a of @range that hold router ports, as indexes. */
static void knat_router_blocks(struct knat_net *kn, struct knat_range *range,
			       u32 a, struct knat_spans *x)
{
	struct knat_pool *pool = range->pool;
	u32 last = pool->port_min + pool->nblocks * pool->block_size - 1;
	u32 first = a * pool->nblocks, lo, hi;
	struct knat_spans ports;
	u8 i;

	knat_router_ports(kn, &range->addrs[a], &ports);
	x->n = 0;
	for (i = 0; i < ports.n; i++) {
		lo = max_t(u32, ports.s[i].lo, pool->port_min);
		hi = min(ports.s[i].hi, last);
		if (lo <= hi)
			knat_spans_add(x, first + (lo - pool->port_min) /
					  pool->block_size,
				       first + (hi - pool->port_min) /
					  pool->block_size);
	}
}

/*
 * A free block of class @low on address @a of @range, from a random start.
 * An address of the router's own has no low blocks, and no ordinary block
 * that holds one of its ports.
 */
static int knat_block_find_on(struct knat_net *kn, struct knat_range *range,
			      u32 a, bool low)
{
	struct knat_bclass c = knat_bclass(range, low);
	u32 lo = c.base + a * c.per;
	struct knat_spans x = {};

	if (!c.per || (low && READ_ONCE(range->addrs[a].local)))
		return -1;
	if (!low)
		knat_router_blocks(kn, range, a, &x);
	return knat_bits_search(range->bmap.full, range->bmap.used, lo,
				lo + c.per - 1, lo + get_random_u32_below(c.per),
				&x);
}

/*
 * A free block of class @low anywhere in @range, searching from address @a.
 * A block the plain search finds on an address the host uses may be one it
 * may not have: then that address is searched alone, and the search moves
 * on.  Each round settles one address, so the rounds are bounded by the
 * addresses.
 */
static int knat_block_find_in(struct knat_net *kn, struct knat_range *range,
			      u32 a, bool low)
{
	struct knat_bclass c = knat_bclass(range, low);
	u32 total = range->naddrs * c.per, start, round;
	int bit;

	if (!c.per)
		return -1;
	start = c.base + a * c.per + get_random_u32_below(c.per);
	for (round = 0; round <= range->naddrs; round++) {
		bit = knat_bits_search(range->bmap.full, range->bmap.used,
				       c.base, c.base + total - 1, start, NULL);
		if (bit < 0)
			return bit;
		a = (bit - c.base) / c.per;
		if (!READ_ONCE(range->addrs[a].local))
			return bit;
		bit = knat_block_find_on(kn, range, a, low);
		if (bit >= 0)
			return bit;
		start = c.base + (a + 1) % range->naddrs * c.per;
	}
	return -1;
}

/* The address a subscriber's mappings leave from: that of its blocks. */
static struct knat_range *knat_sub_paired(struct knat_subscriber *sub, u32 *a)
{
	struct knat_block *b;
	u32 nth;

	list_for_each_entry(b, &sub->blocks, node) {
		if (b->range->draining)
			continue;
		*a = knat_block_where(b, &nth);
		return b->range;
	}
	return NULL;
}

/* A free block of class @low for @sub: on its paired address, if it has one. */
static struct knat_block *knat_block_pick(struct knat_net *kn,
					  struct knat_subscriber *sub, bool low)
{
	struct knat_pool *pool = sub->pool;
	struct knat_range *range, *first = NULL;
	u32 a, r;
	int bit;

	range = knat_sub_paired(sub, &a);
	if (range) {
		bit = knat_block_find_on(kn, range, a, low);
		return bit < 0 ? NULL : &range->blocks[bit];
	}
	if (!pool->naddrs)
		return NULL;
	/* A random address over the live ranges, then onward, wrapping. */
	r = get_random_u32_below(pool->naddrs);
	list_for_each_entry(range, &pool->ranges, list) {
		if (range->draining)
			continue;
		if (r < range->naddrs) {
			first = range;
			break;
		}
		r -= range->naddrs;
	}
	if (WARN_ON_ONCE(!first))
		return NULL;
	range = first;
	a = r;
	do {
		if (!range->draining) {
			bit = knat_block_find_in(kn, range, a, low);
			if (bit >= 0)
				return &range->blocks[bit];
		}
		range = list_is_last(&range->list, &pool->ranges) ?
			list_first_entry(&pool->ranges, struct knat_range, list) :
			list_next_entry(range, list);
		a = 0;
	} while (range != first);
	return NULL;
}

static void knat_block_take(struct knat_net *kn, struct knat_block *b,
			    struct knat_subscriber *sub)
{
	struct knat_range *range = b->range;

	knat_bits_take(range->bmap.full, range->bmap.used, b->index);
	range->bmap.nused++;
	range->nactive++;
	b->state = KNAT_BLOCK_ACTIVE;
	b->owner = sub;
	b->last_owner = sub->addr;
	b->nmappings = 0;
	list_add(&b->node, &sub->blocks);
	sub->nblocks++;
	if (!sub->confirmed)
		WRITE_ONCE(range->pool->unconfirmed_blocks,
			   range->pool->unconfirmed_blocks + 1);
	knat_count(kn, KNAT_STAT_BLOCKS_ALLOCATED);
	knat_event_block(kn, KNAT_EVENT_BLOCK_ALLOC, b, sub->addr);
}

static void knat_block_free(struct knat_block *b)
{
	struct knat_range *range = b->range;

	b->state = KNAT_BLOCK_FREE;
	knat_bits_clear(range->bmap.full, range->bmap.used, b->index);
	range->bmap.nused--;
}

/*
 * The last mapping of @b is gone: it cools before anyone takes it again,
 * unless none of its mappings was ever @used (linked, so that a packet
 * could have left from it), or its subscriber was never confirmed: then it
 * is free at once.
 */
static void knat_block_release(struct knat_net *kn, struct knat_block *b,
			       bool used)
{
	struct knat_subscriber *sub = b->owner;
	struct knat_range *range = b->range;
	struct knat_pool *pool = range->pool;

	list_del(&b->node);
	sub->nblocks--;
	b->owner = NULL;
	range->nactive--;
	if (!sub->confirmed)
		WRITE_ONCE(pool->unconfirmed_blocks, pool->unconfirmed_blocks - 1);
	knat_count(kn, KNAT_STAT_BLOCKS_RELEASED);
	knat_event_block(kn, KNAT_EVENT_BLOCK_RELEASE, b, sub->addr);
	if (!used || !sub->confirmed || !pool->cooling_secs || range->draining) {
		knat_block_free(b);
		return;
	}
	b->state = KNAT_BLOCK_COOLING;
	b->cool_until = jiffies + pool->cooling_secs * HZ;
	list_add_tail(&b->node, &pool->cooling);
	range->ncooling++;
}

/**
 * knat_cooling_reap - free the blocks whose cooling time is over
 * @kn: namespace state
 * @budget: blocks to free at most, over all pools
 *
 * Each pool's cooling list is in release order, and every block of a pool
 * cools equally long: the reap stops at the first block still cooling.
 * Return: blocks freed.
 */
unsigned int knat_cooling_reap(struct knat_net *kn, unsigned int budget)
{
	unsigned long now = jiffies;
	struct knat_pool *pool;
	struct knat_block *b;
	unsigned int n = 0;

	spin_lock_bh(&kn->lock);
	list_for_each_entry(pool, &kn->pools, list) {
		while (n < budget && !list_empty(&pool->cooling)) {
			b = list_first_entry(&pool->cooling, struct knat_block,
					     node);
			if (time_before(now, b->cool_until))
				break;
			list_del_init(&b->node);
			b->range->ncooling--;
			knat_block_free(b);
			n++;
		}
	}
	spin_unlock_bh(&kn->lock);
	return n;
}

/*
 * Unlink the cooling blocks of the ranges of @pool about to go: one walk
 * of its cooling list, however many ranges go.
 */
static void knat_pool_uncool(struct knat_pool *pool)
{
	struct knat_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, &pool->cooling, node) {
		if (!b->range->reaped)
			continue;
		list_del_init(&b->node);
		b->range->ncooling--;
	}
}

static bool knat_range_drained(struct knat_range *range)
{
	return range->draining && !atomic_read(&range->nmappings) &&
	       !range->nactive;
}

/**
 * knat_pools_reap - free the drained ranges and pools that nothing uses
 * @kn: namespace state
 *
 * Process context, with kn->cfg_lock held.  Return: whether a pool that
 * follows an interface lost a range (its address may come back).
 */
bool knat_pools_reap(struct knat_net *kn)
{
	struct knat_range *range, *rtmp;
	struct knat_pool *pool, *ptmp;
	bool refill = false;
	LIST_HEAD(ranges);
	LIST_HEAD(pools);

	lockdep_assert_held(&kn->cfg_lock);
	spin_lock_bh(&kn->lock);
	list_for_each_entry_safe(pool, ptmp, &kn->pools, list) {
		bool uncool = false;

		list_for_each_entry(range, &pool->ranges, list) {
			range->reaped = knat_range_drained(range);
			uncool |= range->reaped && range->ncooling;
		}
		if (uncool)
			knat_pool_uncool(pool);
		list_for_each_entry_safe(range, rtmp, &pool->ranges, list) {
			if (!range->reaped)
				continue;
			list_del_rcu(&range->list);
			WRITE_ONCE(kn->npool_addrs,
				   kn->npool_addrs - range->naddrs);
			list_add(&range->gone, &ranges);
			refill |= pool->ifindex && !pool->draining;
		}
		if (pool->draining && list_empty(&pool->ranges) &&
		    !atomic_read(&pool->nmappings)) {
			list_del_rcu(&pool->list);
			kn->npools--;
			list_add(&pool->gone, &pools);
		}
	}
	if (!list_empty(&ranges))
		knat_pool_span(kn, NULL);
	spin_unlock_bh(&kn->lock);
	if (list_empty(&ranges) && list_empty(&pools))
		return false;
	synchronize_rcu();
	list_for_each_entry_safe(range, rtmp, &ranges, gone)
		knat_range_destroy(range);
	list_for_each_entry_safe(pool, ptmp, &pools, gone)
		kfree(pool);
	return refill;
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

/* The parity a new external port of @t must keep in @pool, if any. */
static int knat_parity(const struct knat_pool *pool,
		       const struct knat_tuple *t)
{
	if (!pool->parity || t->proto == IPPROTO_ICMP)
		return KNAT_PARITY_ANY;
	return ntohs(t->lport) & 1;
}

/*
 * A free port of @b for @t.  Not one of the router's: @b may have been
 * handed out before its address became the router's.
 */
static int knat_block_port(struct knat_net *kn, struct knat_block *b,
			   const struct knat_tuple *t)
{
	struct knat_pool_addr *pa = knat_block_addr(b);
	struct knat_spans x;
	u16 lo, hi;

	knat_block_bounds(b, &lo, &hi);
	knat_router_ports(kn, pa, &x);
	return knat_portmap_alloc(pa->ports[knat_proto_index(t->proto)], lo, hi,
				  0, knat_parity(b->range->pool, t), &x);
}

/*
 * Port overlapping: a port of @b that no exclusive mapping holds, that is
 * not the router's, and that no session of the same external address uses
 * toward the same remote.
 */
static int knat_overlap_pick(struct knat_net *kn, const struct knat_block *b,
			     const struct knat_tuple *t)
{
	struct knat_pool_addr *pa = knat_block_addr(b);
	struct knat_portmap *pm = pa->ports[knat_proto_index(t->proto)];
	int parity = knat_parity(b->range->pool, t);
	struct knat_tuple key = *t;
	struct knat_spans x;
	u16 lo, hi, port;
	int i;

	knat_block_bounds(b, &lo, &hi);
	knat_router_ports(kn, pa, &x);
	key.laddr = pa->addr;
	for (i = 0; i < KNAT_OVERLAP_TRIES; i++) {
		port = lo + get_random_u32_below((u32)hi - lo + 1);
		/* Keep parity where the block allows (RFC 4787 REQ-4). */
		if (parity != KNAT_PARITY_ANY && (port & 1) != parity &&
		    (port ^ 1) >= lo && (port ^ 1) <= hi)
			port ^= 1;
		if (knat_portmap_test(pm, port) || knat_spans_has(&x, port))
			continue;
		key.lport = htons(port);
		if (!knat_osession_find(kn, &key))
			return port;
	}
	return -1;
}

static int knat_block_use(struct knat_net *kn, struct knat_block *b,
			  const struct knat_tuple *t, bool overlap)
{
	return overlap ? knat_overlap_pick(kn, b, t) :
			 knat_block_port(kn, b, t);
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
				const struct knat_tuple *t, struct knat_mapping *m)
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

static void knat_mapping_account(const struct knat_mapping *m,
				 struct knat_pool *pool)
{
	atomic_inc(&m->paddr->range->nmappings);
	atomic_inc(&pool->nmappings);
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

/* The block of a dynamic pool's address that holds @port, or NULL. */
struct knat_block *knat_port_block(const struct knat_pool_addr *pa, u16 port)
{
	const struct knat_range *range = pa->range;
	const struct knat_pool *pool = range->pool;
	bool low = pool->nlow && port >= pool->low_min && port < 1024;
	struct knat_bclass c = knat_bclass(range, low);
	u32 nth;

	if (pool->mode != KNAT_MODE_DYNAMIC)
		return NULL;
	if (low)
		nth = (port - pool->low_min) / pool->low_block;
	else if (port >= pool->port_min &&
		 port - pool->port_min < pool->nblocks * pool->block_size)
		nth = (port - pool->port_min) / pool->block_size;
	else
		return NULL;
	return &range->blocks[c.base + (pa - range->addrs) * c.per + nth];
}

/*
 * The block @m counts in, or NULL: the one of its port, a mapping keeping
 * no pointer to it: 8 bytes a flow less.
 */
struct knat_block *knat_mapping_block(const struct knat_mapping *m)
{
	return m->blocked ? knat_port_block(m->paddr, ntohs(m->s.ext_port)) :
			    NULL;
}

/* Is @port of @pa one of the router's (knat_router_ports())? */
static bool knat_port_router(struct knat_net *kn,
			     const struct knat_pool_addr *pa, u16 port)
{
	struct knat_spans x;

	knat_router_ports(kn, pa, &x);
	return knat_spans_has(&x, port);
}

/* Give @m free port @ext of @pa, in @pm, taking it there. */
static void knat_port_assign(struct knat_mapping *m, struct knat_pool_addr *pa,
			     struct knat_portmap *pm,
			     const struct knat_endpoint *ext)
{
	knat_bits_take(pm->full, pm->used, ntohs(ext->port));
	pm->nused++;
	m->paddr = pa;
	m->s.ext_port = ext->port;
	knat_mapping_account(m, pa->range->pool);
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

static void knat_sub_release(struct knat_net *kn, struct knat_subscriber *sub,
			     struct knat_mapping *m, struct knat_block *b,
			     bool used)
{
	if (!m->overlap)
		knat_portmap_free(m->paddr->ports[knat_proto_index(m->s.in.proto)],
				  ntohs(m->s.ext_port));
	atomic_dec(&m->paddr->range->nmappings);
	atomic_dec(&sub->pool->nmappings);
	if (b && !--b->nmappings)
		knat_block_release(kn, b, used);
}

/*
 * Undo knat_sub_alloc() for a mapping that was linked; @b is the block @m
 * counts in (knat_mapping_block()).
 */
void knat_sub_free(struct knat_net *kn, struct knat_subscriber *sub,
		   struct knat_mapping *m, struct knat_block *b)
{
	knat_sub_release(kn, sub, m, b, true);
}

/*
 * Undo knat_sub_alloc() for a mapping that never was linked: a block taken
 * for it alone is free again at once.  Nothing left from it, so nothing
 * needs cooling, and refused flows cannot park an address's free blocks
 * in cooling one after another.
 */
void knat_sub_unalloc(struct knat_net *kn, struct knat_subscriber *sub,
		      struct knat_mapping *m)
{
	knat_sub_release(kn, sub, m, knat_mapping_block(m), false);
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
