// SPDX-License-Identifier: GPL-2.0
/*
 * knat: port blocks, a dynamic pool's unit of allocation and attribution.
 *
 * A dynamic pool cuts the port range of each of its addresses into blocks.
 * A subscriber takes a block the first time it needs a port, a random free
 * one on a random address; later blocks come from the same address, so all
 * its mappings, whatever the protocol, share one external address (paired
 * pooling, RFC 6888 REQ-2).  Ports are random inside a block (RFC 6056),
 * or, with port overlapping, shared toward different remotes.  A block
 * whose last mapping expires cools for the pool's cooling time before
 * anyone may take it again (RFC 6888 REQ-8): free -> active -> cooling ->
 * free.
 *
 * When the port range starts above 1023, ports below 1024 form low blocks
 * of their own, after the others in a range's block array, for inside
 * ports below 1024 (RFC 4787 REQ-3a): a subscriber takes one on its paired
 * address when it needs one, and it lives, cools and is logged as any
 * block.  An address the host uses has none: its services listen there,
 * and no block that holds one of its ports is handed out.
 */
#include <linux/random.h>
#include "knat.h"
#include "alloc.h"
#include "block.h"
#include "events.h"
#include "pool.h"
#include "table.h"

#define KNAT_OVERLAP_TRIES	8

/*
 * The blocks of one class in a range's array: address a's are the @per
 * from base + a * per.  Ordinary blocks come first, then the low ones.
 */
struct knat_bclass {
	u32 base;
	u32 per;
};

static struct knat_bclass knat_bclass(const struct knat_range *range, bool low)
{
	const struct knat_pool *pool = range->pool;
	struct knat_bclass c = { .per = pool->nblocks };

	if (low) {
		c.base = range->naddrs * pool->nblocks;
		c.per = pool->nlow;
	}
	return c;
}

bool knat_block_low(const struct knat_block *b)
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
struct knat_block *knat_block_pick(struct knat_net *kn,
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

void knat_block_take(struct knat_net *kn, struct knat_block *b,
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
void knat_block_release(struct knat_net *kn, struct knat_block *b, bool used)
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

/* The parity a new external port of @t must keep in @pool, if any. */
int knat_parity(const struct knat_pool *pool, const struct knat_tuple *t)
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
int knat_overlap_pick(struct knat_net *kn, const struct knat_block *b,
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

int knat_block_use(struct knat_net *kn, struct knat_block *b,
		   const struct knat_tuple *t, bool overlap)
{
	return overlap ? knat_overlap_pick(kn, b, t) :
			 knat_block_port(kn, b, t);
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
bool knat_port_router(struct knat_net *kn, const struct knat_pool_addr *pa,
		      u16 port)
{
	struct knat_spans x;

	knat_router_ports(kn, pa, &x);
	return knat_spans_has(&x, port);
}

/* Give @m free port @ext of @pa, in @pm, taking it there. */
void knat_port_assign(struct knat_mapping *m, struct knat_pool_addr *pa,
		      struct knat_portmap *pm, const struct knat_endpoint *ext)
{
	knat_bits_take(pm->full, pm->used, ntohs(ext->port));
	pm->nused++;
	m->paddr = pa;
	m->s.ext_port = ext->port;
	knat_mapping_account(m, pa->range->pool);
}

void knat_mapping_account(const struct knat_mapping *m, struct knat_pool *pool)
{
	atomic_inc(&m->paddr->range->nmappings);
	atomic_inc(&pool->nmappings);
}
