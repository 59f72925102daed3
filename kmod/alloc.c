// SPDX-License-Identifier: GPL-2.0
/*
 * knat: pools, external addresses and ports.
 *
 * A subscriber (inside address) is paired with one external address, chosen
 * by a keyed hash of its address over all pool addresses, so every mapping
 * of a subscriber, whatever the protocol, leaves from the same address
 * (RFC 6888 REQ-2).  On that address, a port is the subscriber's own port
 * when it is free (port preservation), otherwise a random free one.  The
 * search for a free port costs a bounded number of word operations whatever
 * the occupancy: see struct knat_portmap.
 */
#include <linux/random.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include "knat.h"

static u32 knat_pair_seed __read_mostly;

int knat_proto_index(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 0;
	case IPPROTO_UDP:
		return 1;
	case IPPROTO_ICMP:
		return 2;
	}
	return -1;
}

bool knat_portmap_test(const struct knat_portmap *pm, u16 port)
{
	return test_bit(port, pm->used);
}

static void knat_portmap_take(struct knat_portmap *pm, u16 port)
{
	unsigned int w = port / BITS_PER_LONG;

	__set_bit(port, pm->used);
	if (pm->used[w] == ~0UL)
		__set_bit(w, pm->full);
	pm->nused++;
}

void knat_portmap_free(struct knat_portmap *pm, u16 port)
{
	if (WARN_ON_ONCE(!test_bit(port, pm->used)))
		return;
	__clear_bit(port, pm->used);
	__clear_bit(port / BITS_PER_LONG, pm->full);
	pm->nused--;
}

/* First free port in [from, to], or -1.  Touches at most the summary and
 * two partial port words: the first and last word may hold free ports
 * outside the range, every word in between that is not full has one inside.
 */
static int knat_portmap_find(const struct knat_portmap *pm, u32 from, u32 to)
{
	unsigned int w = from / BITS_PER_LONG;
	unsigned int last = to / BITS_PER_LONG;
	unsigned long free;

	while (w <= last) {
		w = find_next_zero_bit(pm->full, last + 1, w);
		if (w > last)
			return -1;
		free = ~pm->used[w];
		if (w == from / BITS_PER_LONG)
			free &= ~0UL << (from % BITS_PER_LONG);
		if (w == last)
			free &= ~0UL >> (BITS_PER_LONG - 1 - to % BITS_PER_LONG);
		if (free)
			return w * BITS_PER_LONG + __ffs(free);
		w++;
	}
	return -1;
}

/**
 * knat_portmap_alloc - take a free port in [lo, hi]
 * @pm: ports in use
 * @lo: first port of the range
 * @hi: last port of the range
 * @want: the port to preserve if it is free (0: none)
 *
 * Return: the port, or -ENOSPC when the range is full.
 */
int knat_portmap_alloc(struct knat_portmap *pm, u16 lo, u16 hi, u16 want)
{
	u32 span = (u32)hi - lo + 1;
	u32 start;
	int port;

	if (want >= lo && want <= hi && !test_bit(want, pm->used)) {
		port = want;
		goto take;
	}
	if (pm->nused >= span)
		return -ENOSPC;
	/* A random probe first (RFC 6056), then the first free port after a
	 * random start, wrapping once.
	 */
	start = lo + get_random_u32_below(span);
	if (!test_bit(start, pm->used)) {
		port = start;
		goto take;
	}
	port = knat_portmap_find(pm, start, hi);
	if (port < 0 && start > lo)
		port = knat_portmap_find(pm, lo, start - 1);
	if (port < 0)
		return -ENOSPC;
take:
	knat_portmap_take(pm, port);
	return port;
}

static struct knat_pool_addr *knat_pool_addr_at(struct knat_net *kn, u32 idx)
{
	struct knat_pool *pool;

	list_for_each_entry_rcu(pool, &kn->pools, list) {
		if (idx < pool->naddrs)
			return &pool->addrs[idx];
		idx -= pool->naddrs;
	}
	return NULL;
}

/**
 * knat_pool_pick - the external address paired with an inside address
 * @kn: namespace state
 * @inside: the subscriber's address
 *
 * Called once per subscriber, under kn->lock.  Return: NULL without pools.
 */
struct knat_pool_addr *knat_pool_pick(struct knat_net *kn, __be32 inside)
{
	u32 n = READ_ONCE(kn->npool_addrs);

	if (!n)
		return NULL;
	return knat_pool_addr_at(kn, reciprocal_scale(jhash_1word((__force u32)inside,
								   knat_pair_seed), n));
}

int knat_port_alloc(struct knat_pool_addr *pa, u8 proto, u16 want)
{
	struct knat_pool *pool = pa->pool;
	int i = knat_proto_index(proto);

	/* ICMP query ids have no privileged range: any id in the pool's
	 * range is as good as another.
	 */
	return knat_portmap_alloc(pa->ports[i], pool->port_min, pool->port_max,
				  want);
}

void knat_port_free(struct knat_pool_addr *pa, u8 proto, u16 port)
{
	knat_portmap_free(pa->ports[knat_proto_index(proto)], port);
}

struct knat_pool *knat_pool_create(__be32 prefix, u8 plen, u16 lo, u16 hi)
{
	u32 n = plen ? 1U << (32 - plen) : 0;
	struct knat_pool *pool;
	u32 i, p;

	if (!n || n > KNAT_MAX_POOL_ADDRS)
		return NULL;
	pool = kzalloc(struct_size(pool, addrs, n), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->prefix = prefix;
	pool->plen = plen;
	pool->port_min = lo;
	pool->port_max = hi;
	pool->naddrs = n;
	atomic_set(&pool->nmappings, 0);
	for (i = 0; i < n; i++) {
		struct knat_pool_addr *pa = &pool->addrs[i];

		pa->addr = htonl(ntohl(prefix) + i);
		pa->pool = pool;
		for (p = 0; p < KNAT_NPROTO; p++) {
			pa->ports[p] = kvzalloc(sizeof(*pa->ports[p]), GFP_KERNEL);
			if (!pa->ports[p]) {
				knat_pool_destroy(pool);
				return NULL;
			}
		}
	}
	return pool;
}

void knat_pool_destroy(struct knat_pool *pool)
{
	u32 i, p;

	for (i = 0; i < pool->naddrs; i++)
		for (p = 0; p < KNAT_NPROTO; p++)
			kvfree(pool->addrs[i].ports[p]);
	kfree(pool);
}

static bool knat_prefix_match(__be32 addr, __be32 prefix, u8 plen)
{
	return !((addr ^ prefix) & inet_make_mask(plen));
}

bool knat_is_pool_addr(struct knat_net *kn, __be32 addr)
{
	struct knat_pool *pool;

	list_for_each_entry_rcu(pool, &kn->pools, list)
		if (knat_prefix_match(addr, pool->prefix, pool->plen))
			return true;
	return false;
}

bool knat_is_inside_addr(struct knat_net *kn, __be32 addr)
{
	struct knat_inside *in;

	list_for_each_entry_rcu(in, &kn->insides, list)
		if (!((addr ^ in->prefix) & in->mask))
			return true;
	return false;
}

void knat_alloc_init(void)
{
	knat_pair_seed = get_random_u32();
}
