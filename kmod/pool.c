// SPDX-License-Identifier: GPL-2.0
/*
 * knat: pools and their ranges of external addresses.
 *
 * A pool holds the options its subscribers share and one or more ranges
 * (prefixes) of addresses; each address keeps a port bitmap per protocol,
 * and a dynamic pool's range keeps its addresses' port blocks (block.c).
 * A range is published under kn->lock, widening kn->pool_span first; a
 * removed one drains (it makes no new mapping, its mappings live on) and
 * is freed once nothing uses it (knat_pools_reap()), and the span narrows.
 * A pool whose address follows an interface gets and drains its ranges as
 * the interface's address comes and goes (ifaddr.c).
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/inetdevice.h>
#include <net/ip.h>
#include "knat.h"
#include "alloc.h"
#include "forward.h"
#include "pool.h"

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
 * The router's ports on @pa, if the router has that address: its pool's
 * router-ports and the host's local port range (read each time: a sysctl
 * changes it without notice).  Else none.
 */
void knat_router_ports(struct knat_net *kn, const struct knat_pool_addr *pa,
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
