// SPDX-License-Identifier: GPL-2.0
/* KUnit: the port allocator and address pairing. */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/in.h>
#include "util.h"
#include "alloc.h"

#define ANY KNAT_PARITY_ANY

static struct knat_portmap *new_portmap(struct kunit *test)
{
	struct knat_portmap *pm = kunit_kzalloc(test, sizeof(*pm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pm);
	return pm;
}

static void portmap_preserves_free_port(struct kunit *test)
{
	struct knat_portmap *pm = new_portmap(test);

	KUNIT_EXPECT_EQ(test, knat_portmap_alloc(pm, 1024, 65535, 40000, ANY, NULL), 40000);
	KUNIT_EXPECT_TRUE(test, knat_portmap_test(pm, 40000));
	/* Taken now: the next one asking for it gets another port. */
	KUNIT_EXPECT_NE(test, knat_portmap_alloc(pm, 1024, 65535, 40000, ANY, NULL), 40000);
	/* Outside the range: not preserved. */
	KUNIT_EXPECT_NE(test, knat_portmap_alloc(pm, 1024, 65535, 80, ANY, NULL), 80);
}

/* Every port of a range exactly once, then -ENOSPC; a freed port is the
 * only one left to hand out.  Ranges cross word boundaries on both ends.
 */
static void portmap_fills_range_exactly(struct kunit *test)
{
	static const u16 ranges[][2] = {
		{ 1000, 1100 }, { 1, 64 }, { 65500, 65535 }, { 63, 65 }, { 7, 7 },
	};
	unsigned int r;

	for (r = 0; r < ARRAY_SIZE(ranges); r++) {
		struct knat_portmap *pm = new_portmap(test);
		u16 lo = ranges[r][0], hi = ranges[r][1];
		unsigned long *seen = kunit_kzalloc(test, BITS_TO_LONGS(65536) *
						    sizeof(long), GFP_KERNEL);
		u32 i;
		int p;

		KUNIT_ASSERT_NOT_NULL(test, seen);
		for (i = lo; i <= hi; i++) {
			p = knat_portmap_alloc(pm, lo, hi, 0, ANY, NULL);
			KUNIT_ASSERT_GE(test, p, lo);
			KUNIT_ASSERT_LE(test, p, hi);
			KUNIT_ASSERT_FALSE(test, test_and_set_bit(p, seen));
		}
		KUNIT_EXPECT_EQ(test, pm->nused, (u32)(hi - lo + 1));
		KUNIT_EXPECT_EQ(test, knat_portmap_alloc(pm, lo, hi, 0, ANY, NULL), -ENOSPC);
		knat_portmap_free(pm, (lo + hi) / 2);
		KUNIT_EXPECT_EQ(test, knat_portmap_alloc(pm, lo, hi, 0, ANY, NULL), (lo + hi) / 2);
	}
}

/* At 99% occupancy the remaining ports are still all found, wherever the
 * random start falls.
 */
static void portmap_finds_last_free_ports(struct kunit *test)
{
	struct knat_portmap *pm = new_portmap(test);
	u32 i, n = 65535 - 1024 + 1, keep = n / 100;
	int p;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_GE(test, knat_portmap_alloc(pm, 1024, 65535, 0, ANY, NULL), 1024);
	for (i = 0; i < keep; i++)
		knat_portmap_free(pm, 1024 + i * 97);
	for (i = 0; i < keep; i++) {
		p = knat_portmap_alloc(pm, 1024, 65535, 0, ANY, NULL);
		KUNIT_ASSERT_GE(test, p, 1024);
		KUNIT_EXPECT_EQ(test, (p - 1024) % 97, 0);
	}
	KUNIT_EXPECT_EQ(test, knat_portmap_alloc(pm, 1024, 65535, 0, ANY, NULL), -ENOSPC);
}

/* Random ports: two fresh maps do not hand out the same sequence. */
static void portmap_is_random(struct kunit *test)
{
	struct knat_portmap *a = new_portmap(test), *b = new_portmap(test);
	unsigned int i, same = 0;

	for (i = 0; i < 32; i++)
		same += knat_portmap_alloc(a, 1024, 65535, 0, ANY, NULL) ==
			knat_portmap_alloc(b, 1024, 65535, 0, ANY, NULL);
	KUNIT_EXPECT_LT(test, same, 4U);
}

/* Words examined per allocation (and free) at a given occupancy. */
static u64 portmap_work_at(struct kunit *test, u32 permille)
{
	struct knat_portmap *pm = new_portmap(test);
	u32 n = 65535 - 1024 + 1, i, rounds = 20000;
	u64 before;
	int p;

	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_GE(test, knat_portmap_alloc(pm, 1024, 65535, 0, ANY, NULL), 1024);
		cond_resched();
	}
	/* Free a random (1000 - permille) per mille, in one pass. */
	for (p = 1024; p <= 65535; p++) {
		if (get_random_u32_below(1000) >= permille)
			knat_portmap_free(pm, p);
		cond_resched();
	}
	before = knat_alloc_work;
	for (i = 0; i < rounds; i++) {
		p = knat_portmap_alloc(pm, 1024, 65535, 0, ANY, NULL);
		KUNIT_ASSERT_GE(test, p, 1024);
		knat_portmap_free(pm, p);
		cond_resched();
	}
	return knat_alloc_work - before;
}

/* The cost of finding a port does not grow with occupancy. */
static void portmap_cost_is_flat(struct kunit *test)
{
	u64 low = portmap_work_at(test, 10), high = portmap_work_at(test, 990);

	kunit_info(test, "words examined per 20000 allocations: %llu at 1%%, %llu at 99%%\n",
		   low, high);
	KUNIT_EXPECT_LE(test, high, 2 * low);
}

/* RFC 4787 REQ-4: the parity asked for, while the range has ports of it;
 * then, best effort, any port rather than a refusal.
 */
static void portmap_keeps_parity(struct kunit *test)
{
	struct knat_portmap *pm = new_portmap(test);
	int i, p;

	for (i = 0; i < 500; i++) {
		p = knat_portmap_alloc(pm, 2000, 2999, 0, i & 1, NULL);
		KUNIT_ASSERT_GE(test, p, 2000);
		KUNIT_EXPECT_EQ(test, p & 1, i & 1);
	}
	/* Every even port taken; odd ones left: an odd port, not -ENOSPC. */
	for (p = 2000; p <= 2999; p += 2)
		if (!knat_portmap_test(pm, p))
			KUNIT_ASSERT_EQ(test, knat_portmap_alloc(pm, p, p, 0, 0, NULL), p);
	p = knat_portmap_alloc(pm, 2000, 2999, 0, 0, NULL);
	KUNIT_EXPECT_GE(test, p, 2000);
	KUNIT_EXPECT_EQ(test, p & 1, 1);
}

/* Spans added in any order come out sorted, merged where they meet. */
static void spans_merge(struct kunit *test)
{
	struct knat_spans x = {};

	knat_spans_add(&x, 500, 500);
	knat_spans_add(&x, 100, 200);
	knat_spans_add(&x, 300, 400);
	knat_spans_add(&x, 5, 1);		/* empty */
	KUNIT_ASSERT_EQ(test, x.n, 3);
	KUNIT_EXPECT_EQ(test, x.s[0].lo, 100U);
	KUNIT_EXPECT_EQ(test, x.s[2].hi, 500U);
	knat_spans_add(&x, 201, 299);		/* touches both neighbours */
	KUNIT_ASSERT_EQ(test, x.n, 2);
	KUNIT_EXPECT_EQ(test, x.s[0].lo, 100U);
	KUNIT_EXPECT_EQ(test, x.s[0].hi, 400U);
	knat_spans_add(&x, 50, 1000);		/* covers all */
	KUNIT_ASSERT_EQ(test, x.n, 1);
	KUNIT_EXPECT_EQ(test, x.s[0].lo, 50U);
	KUNIT_EXPECT_EQ(test, x.s[0].hi, 1000U);
	KUNIT_EXPECT_TRUE(test, knat_spans_has(&x, 50));
	KUNIT_EXPECT_FALSE(test, knat_spans_has(&x, 1001));
	KUNIT_EXPECT_FALSE(test, knat_spans_has(NULL, 50));
}

/*
 * A range with spans to skip hands out its 18 other ports, even one asked
 * for that is in a span, then no more.
 */
static void portmap_skips_spans(struct kunit *test)
{
	struct knat_portmap *pm = new_portmap(test);
	struct knat_spans x = {};
	int i, p;

	knat_spans_add(&x, 2000, 2000);
	knat_spans_add(&x, 2010, 2089);
	knat_spans_add(&x, 2099, 2099);
	for (i = 0; i < 18; i++) {
		p = knat_portmap_alloc(pm, 2000, 2099, i ? 0 : 2000, i & 1, &x);
		KUNIT_ASSERT_GE(test, p, 2000);
		KUNIT_EXPECT_FALSE(test, knat_spans_has(&x, p));
	}
	KUNIT_EXPECT_EQ(test, knat_portmap_alloc(pm, 2000, 2099, 0, ANY, &x), -ENOSPC);
}

static struct kunit_case knat_alloc_cases[] = {
	KUNIT_CASE(spans_merge),
	KUNIT_CASE(portmap_skips_spans),
	KUNIT_CASE(portmap_preserves_free_port),
	KUNIT_CASE(portmap_fills_range_exactly),
	KUNIT_CASE(portmap_keeps_parity),
	KUNIT_CASE(portmap_finds_last_free_ports),
	KUNIT_CASE(portmap_is_random),
	KUNIT_CASE(portmap_cost_is_flat),
	{}
};

static struct kunit_suite knat_alloc_suite = {
	.name = "knat_alloc",
	.test_cases = knat_alloc_cases,
	.suite_init = knat_test_suite_init,
	.suite_exit = knat_test_suite_exit,
};

kunit_test_suite(knat_alloc_suite);
