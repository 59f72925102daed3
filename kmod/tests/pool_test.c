// SPDX-License-Identifier: GPL-2.0
/* KUnit: port blocks, their life, limits and exhaustion; deterministic
 * pools.
 */
#include <linux/in.h>
#include "util.h"
#include "alloc.h"
#include "block.h"
#include "config.h"
#include "det.h"
#include "gc.h"
#include "mapping.h"
#include "session.h"
#include "subscriber.h"
#include "table.h"

static struct knat_session *out(struct knat_net *kn, u8 proto,
				const char *sub, u16 port, const char *rem,
				u16 rport, int *reason)
{
	struct knat_tuple t = knat_test_tuple(proto, sub, port, rem, rport);
	struct knat_session *s;

	*reason = 0;
	rcu_read_lock();
	s = knat_session_create_out(kn, &t, 0, reason);
	rcu_read_unlock();
	return s;
}

/* Pool 1 of @prefix/@plen, ports [lo, hi] in blocks of @block, for
 * 100.64.0.0/10; options set by the caller through the returned pool.
 */
static struct knat_pool *pool_for(struct kunit *test, struct knat_net **kn,
				  const char *prefix, u8 plen, u16 lo, u16 hi,
				  u16 block)
{
	struct knat_pool *pool;
	struct knat_pool_cfg c;

	knat_test_pool_cfg(&c, 1, lo, hi, block);
	*kn = knat_test_net_empty(test);
	pool = knat_test_pool_add(test, *kn, &c, prefix, plen);
	knat_test_inside(test, *kn, "100.64.0.0", 10, 1);
	return pool;
}

static struct knat_block *block_of(struct knat_session *s)
{
	return knat_mapping_block(knat_session_map(s));
}

static void drop_session(struct knat_net *kn, struct knat_session *s)
{
	rcu_read_lock();
	knat_session_remove(kn, s, true);
	rcu_read_unlock();
}

/* free -> active -> cooling -> free, and nobody else gets a cooling block. */
static void block_life_and_cooling(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32, 2000,
					  2015, 16);
	struct knat_session *a, *b;
	struct knat_block *blk;
	int reason;

	a = out(kn, IPPROTO_UDP, "100.64.0.2", 5000, "203.0.113.9", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, a);
	knat_test_answer(kn, a);
	blk = block_of(a);
	KUNIT_EXPECT_EQ(test, blk->state, KNAT_BLOCK_ACTIVE);
	KUNIT_EXPECT_EQ(test, blk->last_owner, knat_test_addr("100.64.0.2"));
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_BLOCKS_ALLOCATED), 1ULL);

	drop_session(kn, a);
	KUNIT_EXPECT_EQ(test, blk->state, KNAT_BLOCK_COOLING);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_BLOCKS_RELEASED), 1ULL);
	/* The only block cools: another subscriber finds nothing. */
	b = out(kn, IPPROTO_UDP, "100.64.0.3", 5000, "203.0.113.9", 53, &reason);
	KUNIT_EXPECT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);
	KUNIT_EXPECT_EQ(test, knat_cooling_reap(kn, 16), 0U);
	KUNIT_EXPECT_EQ(test, blk->state, KNAT_BLOCK_COOLING);
	/* At least the cooling time (RFC 6888 REQ-8), then free again. */
	KUNIT_EXPECT_GE(test, (long)(blk->cool_until - jiffies),
			(long)(pool->cooling_secs * HZ - HZ));
	blk->cool_until = jiffies - 1;
	KUNIT_EXPECT_EQ(test, knat_cooling_reap(kn, 16), 1U);
	KUNIT_EXPECT_EQ(test, blk->state, KNAT_BLOCK_FREE);
	b = out(kn, IPPROTO_UDP, "100.64.0.3", 5000, "203.0.113.9", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_EQ(test, block_of(b), blk);
	KUNIT_EXPECT_EQ(test, blk->last_owner, knat_test_addr("100.64.0.3"));
	knat_test_net_free(kn);
}

/* First blocks land on random blocks of random addresses, not in order. */
static void blocks_in_random_order(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.0", 28, 1024,
					  65535, 256);
	unsigned long addrs = 0;
	unsigned int i, ascending = 0;
	u32 prev = 0, idx;
	int reason;

	for (i = 0; i < 64; i++) {
		struct knat_session *s;
		char sub[16];

		snprintf(sub, sizeof(sub), "100.64.1.%u", i + 1);
		s = out(kn, IPPROTO_TCP, sub, 40000, "203.0.113.9", 443, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s);
		idx = block_of(s)->index;
		__set_bit(idx / pool->nblocks, &addrs);
		ascending += i && idx > prev;
		prev = idx;
	}
	KUNIT_EXPECT_GE(test, hweight_long(addrs), 12);
	KUNIT_EXPECT_GT(test, ascending, 16U);
	KUNIT_EXPECT_LT(test, ascending, 48U);
	knat_test_net_free(kn);
}

/* Every protocol and every block of a subscriber on one address. */
static void subscriber_is_paired(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP };
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.0", 28, 1024,
					  65535, 16);
	struct knat_subscriber *sub = NULL;
	__be32 ext = 0;
	unsigned int i, p;
	int reason;

	pool->max_blocks = 4;
	for (p = 0; p < ARRAY_SIZE(protos); p++) {
		for (i = 0; i < 40; i++) {
			struct knat_session *s = out(kn, protos[p], "100.64.0.2",
						     3000 + i, "203.0.113.9",
						     80, &reason);

			KUNIT_ASSERT_NOT_NULL(test, s);
			ext = ext ?: knat_session_map(s)->paddr->addr;
			KUNIT_EXPECT_EQ(test, knat_session_map(s)->paddr->addr, ext);
			sub = knat_test_sub(kn, s);
		}
	}
	/* 40 ports of each protocol: three blocks of 16, shared. */
	KUNIT_EXPECT_EQ(test, sub->nblocks, 3);
	knat_test_net_free(kn);
}

/* At max-blocks a subscriber is refused; another is not affected, and
 * nothing live is evicted (RFC 6888 REQ-4, REQ-11).
 */
static void block_limit(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32, 1024,
					  65535, 16);
	struct knat_session *first, *s;
	unsigned int i;
	int reason;

	pool->max_blocks = 1;
	first = out(kn, IPPROTO_UDP, "100.64.0.2", 3000, "203.0.113.9", 53,
		    &reason);
	KUNIT_ASSERT_NOT_NULL(test, first);
	for (i = 1; i < 16; i++)
		KUNIT_ASSERT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.2",
						3000 + i, "203.0.113.9", 53,
						&reason));
	s = out(kn, IPPROTO_UDP, "100.64.0.2", 3016, "203.0.113.9", 53, &reason);
	KUNIT_EXPECT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_LIMIT_BLOCKS);
	/* The refused one's existing flows keep working. */
	KUNIT_EXPECT_PTR_EQ(test, out(kn, IPPROTO_UDP, "100.64.0.2", 3000,
				      "203.0.113.9", 53, &reason), first);
	/* Its other protocols still have ports in its block. */
	KUNIT_EXPECT_NOT_NULL(test, out(kn, IPPROTO_TCP, "100.64.0.2", 3016,
					"203.0.113.9", 80, &reason));
	KUNIT_EXPECT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.3", 3016,
					"203.0.113.9", 53, &reason));
	knat_test_net_free(kn);
}

static void session_limit(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32, 1024,
					  65535, 256);
	struct knat_tuple in;
	struct knat_session *s;
	unsigned int i;
	int reason;

	pool->max_sessions = 3;
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.2",
						3000, "203.0.113.9", 53 + i,
						&reason));
	s = out(kn, IPPROTO_UDP, "100.64.0.2", 3000, "203.0.113.9", 60, &reason);
	KUNIT_EXPECT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_LIMIT_SESSIONS);
	/* Inbound sessions count too. */
	s = out(kn, IPPROTO_UDP, "100.64.0.2", 3000, "203.0.113.9", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	knat_session_out(s, &in);
	in.raddr = knat_test_addr("192.0.2.7");
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &in, 0, &reason));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_LIMIT_SESSIONS);
	/* Another subscriber is not limited by this one. */
	KUNIT_EXPECT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.3", 3000,
					"203.0.113.9", 60, &reason));
	knat_test_net_free(kn);
}

/*
 * A subscriber at its session limit whose blocks are full: a flow from a
 * new inside port is refused before a block is taken, so none goes
 * through cooling for it, however often it comes.
 */
static void refused_flow_takes_no_block(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32, 1024,
					  65535, 16);
	struct knat_range *range = list_first_entry(&pool->ranges,
						    struct knat_range, list);
	struct knat_session *s = NULL;
	unsigned int i;
	int reason;

	pool->max_sessions = 16;
	for (i = 0; i < 16; i++) {
		s = out(kn, IPPROTO_UDP, "100.64.0.2", 3000 + i, "203.0.113.9",
			53, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s);
	}
	for (i = 0; i < 100; i++) {
		KUNIT_EXPECT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.2",
					    4000 + i, "203.0.113.9", 53,
					    &reason));
		KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_LIMIT_SESSIONS);
	}
	KUNIT_EXPECT_EQ(test, knat_test_sub(kn, s)->nblocks, 1);
	KUNIT_EXPECT_EQ(test, range->nactive, 1U);
	KUNIT_EXPECT_EQ(test, range->ncooling, 0U);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_BLOCKS_ALLOCATED), 1ULL);
	knat_test_net_free(kn);
}

/*
 * Subscribers not confirmed hold at most the pool's unconfirmed-share of
 * its blocks: beyond it their new blocks are refused, and their sessions
 * live only the unanswered timeout.  An answer alone confirms nobody; the
 * subscriber's next packet after it does, and its blocks are its own from
 * then on.  The blocks of one never confirmed go without cooling.
 */
static void unconfirmed_share(struct kunit *test)
{
	struct knat_net *kn;
	/* 4 addresses of 16 blocks: a quarter is 16 blocks. */
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.0", 30, 1024,
					  1279, 16);
	struct knat_range *range = list_first_entry(&pool->ranges,
						    struct knat_range, list);
	unsigned long brief = (unsigned long)kn->cfg.timeout_unanswered * HZ;
	struct knat_session *s[16], *late;
	char addr[16];
	int i, reason;

	pool->unconfirmed_share = 25;
	KUNIT_ASSERT_LT(test, kn->cfg.timeout_unanswered, kn->cfg.timeout_udp);
	for (i = 0; i < 16; i++) {
		snprintf(addr, sizeof(addr), "100.64.1.%d", i + 1);
		s[i] = out(kn, IPPROTO_UDP, addr, 4000, "203.0.113.9", 53,
			   &reason);
		KUNIT_ASSERT_NOT_NULL(test, s[i]);
	}
	KUNIT_EXPECT_EQ(test, pool->unconfirmed_blocks, 16U);
	KUNIT_EXPECT_TRUE(test, knat_unconfirmed_full(pool));
	late = out(kn, IPPROTO_UDP, "100.64.2.1", 4000, "203.0.113.9", 53,
		   &reason);
	KUNIT_EXPECT_NULL(test, late);
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_UNCONFIRMED);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->subs.nelems), 16);
	/* While the share is full, their sessions are short-lived. */
	KUNIT_EXPECT_EQ(test, knat_test_timeout(kn, s[0]), brief);

	/* An answer alone: still not confirmed. */
	rcu_read_lock();
	knat_mapping_exchange(kn, knat_session_map(s[0]), false);
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, knat_test_sub(kn, s[0])->confirmed);
	KUNIT_EXPECT_EQ(test, pool->unconfirmed_blocks, 16U);
	/* It sends again: its block is its own now. */
	rcu_read_lock();
	knat_mapping_exchange(kn, knat_session_map(s[0]), true);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, knat_test_sub(kn, s[0])->confirmed);
	KUNIT_EXPECT_EQ(test, pool->unconfirmed_blocks, 15U);
	KUNIT_EXPECT_GT(test, knat_test_timeout(kn, s[1]), brief);
	late = out(kn, IPPROTO_UDP, "100.64.2.1", 4000, "203.0.113.9", 53,
		   &reason);
	KUNIT_EXPECT_NOT_NULL(test, late);
	/* Its later flows are born confirmed: full timeout. */
	late = out(kn, IPPROTO_UDP, "100.64.1.1", 4001, "203.0.113.9", 53,
		   &reason);
	KUNIT_ASSERT_NOT_NULL(test, late);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(knat_session_map(late)->s.flags) &
				KNAT_SESS_CONFIRMED);
	KUNIT_EXPECT_EQ(test, knat_test_timeout(kn, late),
			(unsigned long)kn->cfg.timeout_udp * HZ);

	/* Released: the block of one not confirmed is free at once... */
	drop_session(kn, s[1]);
	KUNIT_EXPECT_EQ(test, range->ncooling, 0U);
	KUNIT_EXPECT_EQ(test, pool->unconfirmed_blocks, 15U);
	/* ... that of one confirmed cools. */
	drop_session(kn, s[0]);
	drop_session(kn, late);
	KUNIT_EXPECT_EQ(test, range->ncooling, 1U);
	knat_test_net_free(kn);
}

/* Two blocks in all: the third subscriber is refused, the first two go on. */
static void exhaustion(struct kunit *test)
{
	struct knat_net *kn;
	int reason;

	pool_for(test, &kn, "198.51.100.1", 32, 1024, 1055, 16);
	KUNIT_ASSERT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.2", 1,
					"203.0.113.9", 53, &reason));
	KUNIT_ASSERT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.3", 1,
					"203.0.113.9", 53, &reason));
	KUNIT_EXPECT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.4", 1,
				    "203.0.113.9", 53, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);
	/* A refused subscriber leaves no state behind. */
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->subs.nelems), 2);
	KUNIT_EXPECT_NOT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.2", 2,
					"203.0.113.9", 53, &reason));
	knat_test_net_free(kn);
}

/* Every block of a pool is found, and no more, for block maps too. */
static void every_block_once(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.0", 30, 1024,
					  2047, 64);
	unsigned int i, n = 4 * 16;
	unsigned long seen[2] = {};
	int reason;

	for (i = 0; i < n; i++) {
		struct knat_session *s;
		char sub[16];

		snprintf(sub, sizeof(sub), "100.64.2.%u", i + 1);
		s = out(kn, IPPROTO_UDP, sub, 1, "203.0.113.9", 53, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_FALSE(test, __test_and_set_bit(block_of(s)->index,
							    seen));
	}
	KUNIT_EXPECT_NULL(test, out(kn, IPPROTO_UDP, "100.64.3.1", 1,
				    "203.0.113.9", 53, &reason));
	KUNIT_EXPECT_EQ(test, pool->nblocks, 16U);
	knat_test_net_free(kn);
}

/* RFC 7422: a fixed port range per inside address, both ways, over
 * whole prefixes, ranges disjoint and inside the pool.
 */
static void check_deterministic(struct kunit *test, const char *ext, u8 eplen,
				const char *inside, u8 iplen, u16 lo, u16 hi)
{
	struct knat_net *kn = knat_test_net_empty(test);
	u32 n = 1U << (32 - iplen), i, idx, prev_idx = 0;
	u16 plo, phi, prev_hi = 0;
	struct knat_pool_cfg c;
	struct knat_pool *pool;
	__be32 back;

	knat_test_pool_cfg(&c, 1, lo, hi, 1);
	c.mode = KNAT_MODE_DETERMINISTIC;
	c.det_prefix_set = true;
	c.det_prefix = knat_test_addr(inside);
	c.det_plen = iplen;
	pool = knat_test_pool_add(test, kn, &c, ext, eplen);
	for (i = 0; i < n; i++) {
		__be32 addr = htonl(ntohl(knat_test_addr(inside)) + i);

		knat_det_range(pool, addr, &idx, &plo, &phi);
		KUNIT_ASSERT_LT(test, idx, pool->naddrs);
		KUNIT_ASSERT_GE(test, plo, lo);
		KUNIT_ASSERT_LE(test, phi, hi);
		KUNIT_ASSERT_LE(test, plo, phi);
		if (i && idx == prev_idx)
			KUNIT_ASSERT_GT(test, plo, prev_hi);
		KUNIT_ASSERT_TRUE(test, knat_det_reverse(pool, idx, plo, &back));
		KUNIT_ASSERT_EQ(test, back, addr);
		KUNIT_ASSERT_TRUE(test, knat_det_reverse(pool, idx, phi, &back));
		KUNIT_ASSERT_EQ(test, back, addr);
		prev_idx = idx;
		prev_hi = phi;
	}
	KUNIT_EXPECT_FALSE(test, knat_det_reverse(pool, 0, lo - 1, &back));
	knat_test_net_free(kn);
}

static void deterministic_both_ways(struct kunit *test)
{
	check_deterministic(test, "198.51.100.0", 28, "100.64.0.0", 20, 1024,
			    65535);
	check_deterministic(test, "198.51.100.7", 32, "100.64.0.0", 24, 1024,
			    65535);
	check_deterministic(test, "198.51.100.0", 30, "100.64.8.0", 22, 2000,
			    3000);
}

/* A deterministic subscriber's mappings stay in its range. */
static void deterministic_mappings(struct kunit *test)
{
	struct knat_net *kn = knat_test_net_empty(test);
	struct knat_session *s;
	struct knat_pool_cfg c;
	struct knat_pool *pool;
	unsigned int i;
	u32 idx;
	u16 lo, hi;
	int reason;

	knat_test_pool_cfg(&c, 1, 1024, 65535, 1);
	c.mode = KNAT_MODE_DETERMINISTIC;
	c.det_prefix_set = true;
	c.det_prefix = knat_test_addr("100.64.0.0");
	c.det_plen = 24;
	pool = knat_test_pool_add(test, kn, &c, "198.51.100.0", 30);
	knat_test_inside(test, kn, "100.64.0.0", 24, 1);
	knat_det_range(pool, knat_test_addr("100.64.0.77"), &idx, &lo, &hi);
	for (i = 0; i <= hi - lo; i++) {
		s = out(kn, IPPROTO_UDP, "100.64.0.77", 1000 + i, "203.0.113.9",
			53, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_EQ(test, knat_session_map(s)->paddr->addr,
				knat_test_paddr(kn, idx)->addr);
		KUNIT_EXPECT_GE(test, ntohs(s->ext_port), lo);
		KUNIT_EXPECT_LE(test, ntohs(s->ext_port), hi);
	}
	KUNIT_EXPECT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.77", 999,
				    "203.0.113.9", 53, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);
	knat_test_net_free(kn);
}

static bool pool_addr(struct knat_net *kn, const char *addr)
{
	bool is;

	rcu_read_lock();
	is = knat_is_pool_addr(kn, knat_test_addr(addr));
	rcu_read_unlock();
	return is;
}

/* The span of the pool addresses widens as ranges come and narrows as
 * they go; the addresses between two ranges are still no pool's.
 */
static void pool_span(struct kunit *test)
{
	struct knat_net *kn = knat_test_net_empty(test);
	struct knat_pool_cfg c;

	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "0.0.0.0"));
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "255.255.255.255"));
	knat_test_pool_cfg(&c, 1, 1024, 65535, 64);
	knat_test_pool_add(test, kn, &c, "198.51.100.8", 30);
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "198.51.100.7"));
	KUNIT_EXPECT_TRUE(test, pool_addr(kn, "198.51.100.8"));
	KUNIT_EXPECT_TRUE(test, pool_addr(kn, "198.51.100.11"));
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "198.51.100.12"));

	KUNIT_ASSERT_EQ(test, knat_range_add(kn, 1, knat_test_addr("203.0.113.64"),
					     31, NULL), 0);
	KUNIT_EXPECT_TRUE(test, pool_addr(kn, "203.0.113.65"));
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "203.0.113.66"));
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "200.0.0.1"));
	KUNIT_EXPECT_TRUE(test, pool_addr(kn, "198.51.100.9"));

	KUNIT_ASSERT_EQ(test, knat_range_del(kn, 1, knat_test_addr("203.0.113.64"),
					     31, true, NULL), 0);
	KUNIT_EXPECT_EQ(test, kn->pool_span,
			(u64)ntohl(knat_test_addr("198.51.100.8")) << 32 |
			ntohl(knat_test_addr("198.51.100.11")));
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "203.0.113.64"));
	KUNIT_EXPECT_TRUE(test, pool_addr(kn, "198.51.100.10"));

	KUNIT_ASSERT_EQ(test, knat_pool_del(kn, 1, true, NULL), 0);
	KUNIT_EXPECT_EQ(test, kn->pool_span, KNAT_SPAN_EMPTY);
	KUNIT_EXPECT_FALSE(test, pool_addr(kn, "198.51.100.10"));
	knat_test_net_free(kn);
}

static struct knat_session *find_out(struct knat_net *kn,
				     const struct knat_session *s)
{
	struct knat_tuple t;

	knat_session_out(s, &t);
	return knat_session_find_out(kn, &t);
}

/* Port overlapping: one port, flows of two inside endpoints to different
 * remotes; the same remote gets distinct ports.
 */
static void overlapping_ports(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32, 1024,
					  1024, 1);
	struct knat_session *a, *b;
	int reason;

	pool->overlap = true;
	a = out(kn, IPPROTO_UDP, "100.64.0.2", 5000, "203.0.113.9", 53, &reason);
	b = out(kn, IPPROTO_UDP, "100.64.0.2", 5001, "203.0.113.10", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, a->ext_port, b->ext_port);
	KUNIT_EXPECT_PTR_NE(test, knat_session_map(a), knat_session_map(b));
	/* Inbound, each remote finds its own session by the shared port. */
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, find_out(kn, a), a);
	KUNIT_EXPECT_PTR_EQ(test, find_out(kn, b), b);
	rcu_read_unlock();
	/* The same remote, from another endpoint: the only port is taken. */
	KUNIT_EXPECT_NULL(test, out(kn, IPPROTO_UDP, "100.64.0.2", 5002,
				    "203.0.113.9", 53, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);
	/* Not reachable unsolicited: no endpoint-independent mapping. */
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_out.nelems), 0);
	knat_test_net_free(kn);
}

/* A dynamic pool of @prefix/@plen, ports above 1023, low blocks of 16. */
static struct knat_pool *low_pool_for(struct kunit *test, struct knat_net **kn,
				      const char *prefix, u8 plen)
{
	struct knat_pool *pool;
	struct knat_pool_cfg c;

	knat_test_pool_cfg(&c, 1, 1024, 65535, 256);
	c.low_block = 16;
	*kn = knat_test_net_empty(test);
	pool = knat_test_pool_add(test, *kn, &c, prefix, plen);
	knat_test_inside(test, *kn, "100.64.0.0", 10, 1);
	return pool;
}

/*
 * RFC 4787 REQ-3a: an inside port below 1024 leaves from one below 1024,
 * of a low block on the subscriber's paired address; other ports and ICMP
 * ids from ordinary blocks.  A low block is a block: whois finds it, it
 * counts toward max-blocks, and it cools.
 */
static void low_ports_stay_low(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = low_pool_for(test, &kn, "198.51.100.0", 30);
	struct knat_session *lo, *hi, *ping;
	struct knat_subscriber *sub;
	struct knat_block *blk;
	int reason;

	KUNIT_EXPECT_EQ(test, pool->nlow, 63U);
	KUNIT_EXPECT_EQ(test, pool->low_min, 16);
	lo = out(kn, IPPROTO_UDP, "100.64.0.2", 500, "203.0.113.9", 500, &reason);
	KUNIT_ASSERT_NOT_NULL(test, lo);
	knat_test_answer(kn, lo);
	KUNIT_EXPECT_GE(test, ntohs(lo->ext_port), 16);
	KUNIT_EXPECT_LE(test, ntohs(lo->ext_port), 1023);
	blk = block_of(lo);
	KUNIT_EXPECT_PTR_EQ(test, knat_port_block(knat_session_map(lo)->paddr,
						  ntohs(lo->ext_port)), blk);
	KUNIT_EXPECT_EQ(test, knat_block_addr(blk)->addr, knat_session_map(lo)->paddr->addr);

	hi = out(kn, IPPROTO_TCP, "100.64.0.2", 40000, "203.0.113.9", 443,
		 &reason);
	ping = out(kn, IPPROTO_ICMP, "100.64.0.2", 7, "203.0.113.9", 0, &reason);
	KUNIT_ASSERT_NOT_NULL(test, hi);
	KUNIT_ASSERT_NOT_NULL(test, ping);
	KUNIT_EXPECT_GE(test, ntohs(hi->ext_port), 1024);
	KUNIT_EXPECT_GE(test, ntohs(ping->ext_port), 1024);
	/* Paired: one address for all. */
	KUNIT_EXPECT_EQ(test, knat_session_map(hi)->paddr->addr, knat_session_map(lo)->paddr->addr);
	KUNIT_EXPECT_EQ(test, knat_session_map(ping)->paddr->addr,
			knat_session_map(lo)->paddr->addr);
	sub = knat_test_sub(kn, lo);
	KUNIT_EXPECT_EQ(test, sub->nblocks, 2);

	/* The session and its mapping go; the subscriber stays, with hi. */
	drop_session(kn, lo);
	KUNIT_EXPECT_EQ(test, blk->state, KNAT_BLOCK_COOLING);
	KUNIT_EXPECT_EQ(test, sub->nblocks, 1);
	knat_test_net_free(kn);
}

/*
 * No low block to be had - the subscriber is at max-blocks, or its address
 * is one the router uses - and the flow gets an ordinary port, not a
 * refusal.
 */
static void low_ports_fall_back(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = low_pool_for(test, &kn, "198.51.100.1", 32);
	struct knat_session *s;
	int reason;

	pool->max_blocks = 1;
	s = out(kn, IPPROTO_UDP, "100.64.0.2", 40000, "203.0.113.9", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s = out(kn, IPPROTO_UDP, "100.64.0.2", 123, "203.0.113.9", 123, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_GE(test, ntohs(s->ext_port), 1024);
	KUNIT_EXPECT_EQ(test, knat_test_sub(kn, s)->nblocks, 1);

	pool->max_blocks = 8;
	knat_test_paddr(kn, 0)->local = true;
	s = out(kn, IPPROTO_UDP, "100.64.0.3", 123, "203.0.113.9", 123, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_GE(test, ntohs(s->ext_port), 1024);
	knat_test_net_free(kn);
}

static void set_router_ports(struct knat_pool *pool)
{
	pool->router_ports[0] = (struct knat_span){ 1100, 1100 };
	pool->router_ports[1] = (struct knat_span){ 1500, 1510 };
	pool->nrouter_ports = 2;
}

/*
 * On an address the router has, no block that holds one of its pool's
 * router-ports is handed out: of 1024-1279, 1280-1535, 1536-1791 and
 * 1792-2047, with router ports 1100 and 1500-1510, the last two only.
 */
static void router_ports_hold_no_block(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32,
					  1024, 2047, 256);
	struct knat_session *s;
	char sub[16];
	int reason, i;
	u16 lo, hi;

	set_router_ports(pool);
	knat_test_paddr(kn, 0)->local = true;
	for (i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "100.64.0.%d", i + 2);
		s = out(kn, IPPROTO_UDP, sub, 40000, "203.0.113.9", 53, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s);
		knat_block_bounds(block_of(s), &lo, &hi);
		KUNIT_EXPECT_GE(test, lo, 1536);
	}
	s = out(kn, IPPROTO_UDP, "100.64.0.9", 40000, "203.0.113.9", 53, &reason);
	KUNIT_EXPECT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);
	/* Not the router's any more: its blocks are handed out again. */
	knat_test_paddr(kn, 0)->local = false;
	s = out(kn, IPPROTO_UDP, "100.64.0.9", 40000, "203.0.113.9", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	knat_block_bounds(block_of(s), &lo, &hi);
	KUNIT_EXPECT_LT(test, lo, 1536);
	knat_test_net_free(kn);
}

/*
 * A block taken before its address became the router's makes no new
 * mapping on a router port: its 256 ports less 1100 and the one the first
 * flow took, then a refusal.
 */
static void router_ports_in_an_older_block(struct kunit *test)
{
	struct knat_net *kn;
	struct knat_pool *pool = pool_for(test, &kn, "198.51.100.1", 32,
					  1024, 1279, 256);
	struct knat_session *s;
	int reason, i, n = 0;
	bool first_on_1100;

	set_router_ports(pool);
	s = out(kn, IPPROTO_UDP, "100.64.0.2", 40000, "203.0.113.9", 53, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	first_on_1100 = ntohs(s->ext_port) == 1100;
	knat_test_paddr(kn, 0)->local = true;
	for (i = 1; i <= 256; i++) {
		s = out(kn, IPPROTO_UDP, "100.64.0.2", 40000 + i, "203.0.113.9",
			53, &reason);
		if (!s)
			break;
		KUNIT_EXPECT_NE(test, ntohs(s->ext_port), 1100);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, first_on_1100 ? 255 : 254);
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);
	knat_test_net_free(kn);
}

static struct kunit_case knat_pool_cases[] = {
	KUNIT_CASE(block_life_and_cooling),
	KUNIT_CASE(blocks_in_random_order),
	KUNIT_CASE(subscriber_is_paired),
	KUNIT_CASE(block_limit),
	KUNIT_CASE(session_limit),
	KUNIT_CASE(refused_flow_takes_no_block),
	KUNIT_CASE(unconfirmed_share),
	KUNIT_CASE(exhaustion),
	KUNIT_CASE(every_block_once),
	KUNIT_CASE(deterministic_both_ways),
	KUNIT_CASE(deterministic_mappings),
	KUNIT_CASE(overlapping_ports),
	KUNIT_CASE(low_ports_stay_low),
	KUNIT_CASE(low_ports_fall_back),
	KUNIT_CASE(router_ports_hold_no_block),
	KUNIT_CASE(router_ports_in_an_older_block),
	KUNIT_CASE(pool_span),
	{}
};

static struct kunit_suite knat_pool_suite = {
	.name = "knat_pool",
	.test_cases = knat_pool_cases,
	.suite_init = knat_test_suite_init,
	.suite_exit = knat_test_suite_exit,
};

kunit_test_suite(knat_pool_suite);
