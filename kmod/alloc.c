// SPDX-License-Identifier: GPL-2.0
/*
 * knat: bitmaps of taken ports and blocks, and address classification.
 *
 * Ports in use on an external address, and blocks in use in a range of
 * addresses, are bitmaps with a summary bit per full word.  A search for a
 * free entry costs a bounded number of word operations whatever the
 * occupancy: the summary says which words have room, and only the first and
 * last word of a range may have room outside it.
 */
#include <linux/random.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include "knat.h"
#include "alloc.h"

#ifdef KNAT_KUNIT
u64 knat_alloc_work;
#define knat_work(n)	(knat_alloc_work += (n))
#else
#define knat_work(n)	do { } while (0)
#endif

bool knat_portmap_test(const struct knat_portmap *pm, u16 port)
{
	return test_bit(port, pm->used);
}

void knat_bits_take(unsigned long *full, unsigned long *used, u32 bit)
{
	unsigned int w = bit / BITS_PER_LONG;

	__set_bit(bit, used);
	if (used[w] == ~0UL)
		__set_bit(w, full);
}

void knat_bits_clear(unsigned long *full, unsigned long *used, u32 bit)
{
	__clear_bit(bit, used);
	__clear_bit(bit / BITS_PER_LONG, full);
}

void knat_portmap_free(struct knat_portmap *pm, u16 port)
{
	if (WARN_ON_ONCE(!test_bit(port, pm->used)))
		return;
	knat_bits_clear(pm->full, pm->used, port);
	pm->nused--;
}

/* First free bit in [from, to], or -1. */
static int knat_bits_find(const unsigned long *full, const unsigned long *used,
			  u32 from, u32 to)
{
	unsigned int w = from / BITS_PER_LONG;
	unsigned int last = to / BITS_PER_LONG;
	unsigned long free;

	unsigned int from_w;

	while (w <= last) {
		from_w = w;
		w = find_next_zero_bit(full, last + 1, w);
		/* Summary words read, then one word of @used. */
		knat_work((min(w, last) - from_w) / BITS_PER_LONG + 1);
		if (w > last)
			return -1;
		knat_work(1);
		free = ~used[w];
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
 * knat_spans_add - add bits [lo, hi] to @x, merging spans they meet
 * @x: spans, sorted and apart
 * @lo: first bit
 * @hi: last bit (lo > hi: nothing)
 */
void knat_spans_add(struct knat_spans *x, u32 lo, u32 hi)
{
	struct knat_span *s = x->s;
	u8 i, j;

	if (lo > hi)
		return;
	for (i = 0; i < x->n && s[i].hi + 1 < lo; i++)
		;
	for (j = i; j < x->n && s[j].lo <= hi + 1; j++) {
		lo = min(lo, s[j].lo);
		hi = max(hi, s[j].hi);
	}
	if (j == i) {
		if (WARN_ON_ONCE(x->n == ARRAY_SIZE(x->s)))
			return;
		memmove(&s[i + 1], &s[i], (x->n - i) * sizeof(*s));
		x->n++;
	} else {
		memmove(&s[i + 1], &s[j], (x->n - j) * sizeof(*s));
		x->n -= j - i - 1;
	}
	s[i].lo = lo;
	s[i].hi = hi;
}

bool knat_spans_has(const struct knat_spans *x, u32 bit)
{
	u8 i;

	for (i = 0; x && i < x->n; i++)
		if (bit >= x->s[i].lo && bit <= x->s[i].hi)
			return true;
	return false;
}

/* First free bit in [from, to] outside the spans of @x (NULL: none). */
static int knat_bits_find_x(const unsigned long *full,
			    const unsigned long *used, u32 from, u32 to,
			    const struct knat_spans *x)
{
	int bit;
	u8 i;

	for (i = 0; x && i < x->n && from <= to; i++) {
		if (x->s[i].hi < from)
			continue;
		if (x->s[i].lo > to)
			break;
		if (x->s[i].lo > from) {
			bit = knat_bits_find(full, used, from, x->s[i].lo - 1);
			if (bit >= 0)
				return bit;
		}
		if (x->s[i].hi >= to)
			return -1;
		from = x->s[i].hi + 1;
	}
	return from <= to ? knat_bits_find(full, used, from, to) : -1;
}

/**
 * knat_bits_search - a free bit, searching from @start and wrapping once
 * @full: summary, a bit per full word of @used
 * @used: taken bits
 * @lo: first bit of the range
 * @hi: last bit of the range
 * @start: where to start, in [lo, hi]
 * @x: bits to skip (NULL: none)
 *
 * Return: the bit, or -1 when none is free.
 */
int knat_bits_search(const unsigned long *full, const unsigned long *used,
		     u32 lo, u32 hi, u32 start, const struct knat_spans *x)
{
	int bit = knat_bits_find_x(full, used, start, hi, x);

	if (bit < 0 && start > lo)
		bit = knat_bits_find_x(full, used, lo, start - 1, x);
	return bit;
}

/* The bits of word @base (a multiple of BITS_PER_LONG) within [lo, hi]. */
static unsigned long knat_word_range(u32 base, u32 lo, u32 hi)
{
	u32 last = base + BITS_PER_LONG - 1;

	if (lo > hi || hi < base || lo > last)
		return 0;
	return GENMASK(min(hi, last) - base, max(lo, base) - base);
}

/**
 * knat_bits_parity - a free bit of the wanted parity, near one found
 * @full: summary of @used
 * @used: the bitmap
 * @lo: first bit of the range
 * @hi: last bit of it
 * @bit: a free bit knat_bits_search() found
 * @x: bits to skip (NULL: none)
 * @parity: 0 or 1
 *
 * A free bit of @parity in the word of @bit, else in the next words that
 * are not full, at most KNAT_PARITY_TRIES of them; failing that @bit:
 * parity is kept where possible (RFC 4787 REQ-4), never at the cost of
 * refusing a flow or of unbounded work.
 */
int knat_bits_parity(const unsigned long *full, const unsigned long *used,
		     u32 lo, u32 hi, int bit, const struct knat_spans *x,
		     int parity)
{
	unsigned long want = parity ? ~0UL / 3 << 1 : ~0UL / 3;
	int b = bit, i;

	for (i = 0; i < KNAT_PARITY_TRIES && b >= 0; i++) {
		u32 base = round_down(b, BITS_PER_LONG);
		unsigned long free = ~used[base / BITS_PER_LONG] & want &
				     knat_word_range(base, lo, hi);
		u8 j;

		for (j = 0; x && j < x->n; j++)
			free &= ~knat_word_range(base, x->s[j].lo, x->s[j].hi);
		if (free)
			return base + __ffs(free);
		base += BITS_PER_LONG;
		b = knat_bits_search(full, used, lo, hi, base <= hi ? base : lo,
				     x);
	}
	return bit;
}

/**
 * knat_portmap_alloc - take a free port in [lo, hi]
 * @pm: ports in use
 * @lo: first port of the range
 * @hi: last port of the range
 * @want: the port to preserve if it is free (0: none)
 * @parity: the parity to keep (0 or 1), or KNAT_PARITY_ANY
 * @x: ports not to take (NULL: none)
 *
 * Otherwise the first free port from a random start, wrapping once (the
 * random search of RFC 6056).  Return: the port, or -ENOSPC when the range
 * is full.
 */
int knat_portmap_alloc(struct knat_portmap *pm, u16 lo, u16 hi, u16 want,
		       int parity, const struct knat_spans *x)
{
	u32 start;
	int port;

	if (want >= lo && want <= hi && !test_bit(want, pm->used) &&
	    !knat_spans_has(x, want)) {
		port = want;
		goto take;
	}
	start = lo + get_random_u32_below((u32)hi - lo + 1);
	port = knat_bits_search(pm->full, pm->used, lo, hi, start, x);
	if (port < 0)
		return -ENOSPC;
	if (parity != KNAT_PARITY_ANY)
		port = knat_bits_parity(pm->full, pm->used, lo, hi, port, x,
					parity);
take:
	knat_bits_take(pm->full, pm->used, port);
	pm->nused++;
	return port;
}

static bool knat_prefix_match(__be32 addr, __be32 prefix, u8 plen)
{
	return !((addr ^ prefix) & inet_make_mask(plen));
}

/*
 * Draining ranges count: their mappings still take replies.  Most packets
 * a hook sees are for no pool address: kn->pool_span, the lowest pool
 * address (host order) in its upper half and the highest in its lower
 * half, tells them with one load (knat_pool_span()).
 */
bool knat_is_pool_addr(struct knat_net *kn, __be32 addr)
{
	u64 span = READ_ONCE(kn->pool_span);
	struct knat_range *range;
	struct knat_pool *pool;
	u32 a = ntohl(addr);

	if (a < span >> 32 || a > (u32)span)
		return false;
	list_for_each_entry_rcu(pool, &kn->pools, list)
		list_for_each_entry_rcu(range, &pool->ranges, list)
			if (knat_prefix_match(addr, range->prefix, range->plen))
				return true;
	return false;
}

struct knat_inside *knat_prefix_find(const struct list_head *list,
				     __be32 addr)
{
	struct knat_inside *in;

	list_for_each_entry_rcu(in, list, list)
		if (!((addr ^ in->prefix) & in->mask))
			return in;
	return NULL;
}

struct knat_inside *knat_inside_find(struct knat_net *kn, __be32 addr)
{
	return knat_prefix_find(&kn->insides, addr);
}

bool knat_is_inside_addr(struct knat_net *kn, __be32 addr)
{
	return knat_inside_find(kn, addr);
}

/* RFC 6888 REQ-6: destinations an operator exempts from translation. */
bool knat_is_exempt(struct knat_net *kn, __be32 daddr)
{
	return READ_ONCE(kn->nexempts) && knat_prefix_find(&kn->exempts, daddr);
}
