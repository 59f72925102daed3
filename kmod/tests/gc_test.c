// SPDX-License-Identifier: GPL-2.0
/* KUnit: expiry by the GC walk. */
#include <linux/in.h>
#include <net/tcp.h>
#include "util.h"
#include "gc.h"
#include "session.h"
#include "sweep.h"
#include "table.h"
#include "xlate.h"

static struct knat_session *make(struct knat_net *kn, u8 proto,
				 const char *inside, u16 port)
{
	struct knat_tuple in = knat_test_tuple(proto, inside, port,
					       "203.0.113.9", 53);
	struct knat_session *s;
	int reason;

	rcu_read_lock();
	s = knat_session_create_out(kn, &in, 0, &reason);
	rcu_read_unlock();
	return s;
}

static unsigned int gc_full_walk(struct knat_net *kn, unsigned int budget,
				 unsigned int *batches)
{
	unsigned int removed = 0;
	bool done = false;

	*batches = 0;
	while (!done) {
		removed += knat_gc_batch(kn, budget, &done);
		(*batches)++;
	}
	return removed;
}

static void gc_removes_only_expired(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_session *old, *fresh;
	unsigned int batches;

	kn->cfg.timeout_udp = 30;
	old = make(kn, IPPROTO_UDP, "100.64.0.2", 5000);
	fresh = make(kn, IPPROTO_UDP, "100.64.0.3", 5000);
	KUNIT_ASSERT_NOT_NULL(test, old);
	KUNIT_ASSERT_NOT_NULL(test, fresh);
	WRITE_ONCE(old->last_used, knat_stamp(jiffies - 31 * HZ));
	WRITE_ONCE(fresh->last_used, knat_stamp(jiffies - 29 * HZ));

	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 1024, &batches), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 1);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_MAPPINGS_EXPIRED), 1ULL);
	/* The expired mapping's port is free; the live one's is not. */
	KUNIT_EXPECT_EQ(test, knat_test_paddr(kn, 0)->ports[1]->nused, 1U);
	knat_test_net_free(kn);
}

/*
 * A session's stamp is jiffies in 32 bits: its age holds across the wrap
 * of those bits, and a stamp newer than the GC's reading of the clock (a
 * packet on another CPU) is not taken for one four billion ticks old.
 */
static void gc_stamp_wraps(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	unsigned long wrap = 1UL << 32;
	struct knat_session *s;

	kn->cfg.timeout_udp = 30;
	s = make(kn, IPPROTO_UDP, "100.64.0.2", 5000);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->last_used = knat_stamp(wrap - 5 * HZ);
	rcu_read_lock();
	KUNIT_EXPECT_FALSE(test, knat_session_expired(kn, s, wrap + 20 * HZ));
	KUNIT_EXPECT_TRUE(test, knat_session_expired(kn, s, wrap + 26 * HZ));
	KUNIT_EXPECT_FALSE(test, knat_session_expired(kn, s, wrap - 6 * HZ));
	kn->cfg.timeout_udp = KNAT_TIMEOUT_MAX;
	KUNIT_EXPECT_FALSE(test,
			   knat_session_expired(kn, s, wrap - 5 * HZ +
						KNAT_TIMEOUT_MAX * HZ));
	KUNIT_EXPECT_TRUE(test,
			  knat_session_expired(kn, s, wrap - 4 * HZ +
					       KNAT_TIMEOUT_MAX * HZ));
	rcu_read_unlock();
	knat_test_net_free(kn);
}

/*
 * RFC 7857 section 2.1: opening on the opening timer; established and
 * half-closed on the long one; closing (FIN both ways) on the closing one;
 * after a RST, any other packet means the connection lives on.
 */
static void gc_tcp_timeouts_follow_state(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_session *est, *syn;
	unsigned int batches;

	kn->cfg.timeout_tcp_est = 1000;
	kn->cfg.timeout_tcp_open = 10;
	kn->cfg.timeout_tcp_trans = 20;
	est = make(kn, IPPROTO_TCP, "100.64.0.2", 5000);
	syn = make(kn, IPPROTO_TCP, "100.64.0.3", 5000);
	KUNIT_ASSERT_NOT_NULL(test, est);
	KUNIT_ASSERT_NOT_NULL(test, syn);
	knat_session_touch(est, TCPHDR_SYN, true, true);
	knat_session_touch(est, TCPHDR_SYN | TCPHDR_ACK, false, true);
	knat_session_touch(syn, TCPHDR_SYN, true, true);
	KUNIT_EXPECT_EQ(test, knat_tcp_state(est->tcp), KNAT_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, knat_tcp_state(syn->tcp), KNAT_TCP_SYN_SENT);
	WRITE_ONCE(est->last_used, knat_stamp(jiffies - 11 * HZ));
	WRITE_ONCE(syn->last_used, knat_stamp(jiffies - 11 * HZ));

	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 1024, &batches), 1U);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, knat_session_find_in(kn, &est->in), est);
	/* A RST, then a packet that is not one: still established. */
	knat_session_touch(est, TCPHDR_RST, false, true);
	KUNIT_EXPECT_EQ(test, knat_tcp_state(est->tcp), KNAT_TCP_RST);
	knat_session_touch(est, TCPHDR_ACK, true, true);
	KUNIT_EXPECT_EQ(test, knat_tcp_state(est->tcp), KNAT_TCP_ESTABLISHED);
	/* A FIN one way: half-closed, on the established timer. */
	knat_session_touch(est, TCPHDR_FIN | TCPHDR_ACK, true, true);
	KUNIT_EXPECT_EQ(test, knat_tcp_state(est->tcp), KNAT_TCP_HALF_CLOSED);
	WRITE_ONCE(est->last_used, knat_stamp(jiffies - 21 * HZ));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 1024, &batches), 0U);
	rcu_read_lock();
	/* FIN the other way: closing, gone on the next walk. */
	knat_session_touch(est, TCPHDR_FIN | TCPHDR_ACK, false, true);
	WRITE_ONCE(est->last_used, knat_stamp(jiffies - 21 * HZ));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, knat_tcp_state(est->tcp), KNAT_TCP_FIN);
	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 1024, &batches), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 0);
	knat_test_net_free(kn);
}

/*
 * @n ICMP flows of as many subscribers, expired: 500 subscribers need 500
 * blocks, which a /28 pool (16 addresses of 252) has.
 */
static struct knat_net *expired_flows(struct kunit *test, unsigned int n)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.0", 28, 1024, 65535);
	unsigned int i;
	char addr[16];

	kn->cfg.timeout_icmp = 1;
	for (i = 0; i < n; i++) {
		struct knat_session *s;

		snprintf(addr, sizeof(addr), "100.64.%u.%u", i / 250, i % 250 + 1);
		s = make(kn, IPPROTO_ICMP, addr, 7);
		KUNIT_ASSERT_NOT_NULL(test, s);
		WRITE_ONCE(s->last_used, knat_stamp(jiffies - 5 * HZ));
	}
	return kn;
}

/* A bounded batch: many runs, each examining at most the budget. */
static void gc_walk_is_batched(struct kunit *test)
{
	unsigned int batches, n = 500;
	struct knat_net *kn = expired_flows(test, n);

	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 16, &batches), n);
	KUNIT_EXPECT_GE(test, batches, n / 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->subs.nelems), 0);
	KUNIT_EXPECT_EQ(test, knat_test_paddr(kn, 0)->ports[2]->nused, 0U);
	knat_test_net_free(kn);
}

/*
 * An index keeps its size when it empties: a walk crosses its empty
 * buckets KNAT_SWEEP_SPAN for an entry of budget, not all in one call.
 */
static void gc_walk_bounds_empty_buckets(struct kunit *test)
{
	struct knat_net *kn = expired_flows(test, 500);
	unsigned int batches, buckets;

	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 1024, &batches), 500U);
	rcu_read_lock();
	buckets = rht_dereference_rcu(kn->map_in.tbl, &kn->map_in)->size;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, gc_full_walk(kn, 1, &batches), 0U);
	KUNIT_EXPECT_GE(test, batches, buckets / KNAT_SWEEP_SPAN);
	knat_test_net_free(kn);
}

/* The sessions of sweep_skips_removed, which the walk meets first. */
struct racing_writer {
	unsigned int calls;
	struct knat_session *first;
};

/*
 * Dooms every session.  At the walk's second, while the first is noted
 * and not yet removed, "another writer" removes the first.  The walk's
 * calls come first: the sweep's checks under the lock follow them.
 */
static bool doom_and_race(struct knat_net *kn, const struct knat_session *s,
			  void *arg)
{
	struct racing_writer *w = arg;

	if (++w->calls == 1)
		w->first = (struct knat_session *)s;
	else if (w->calls == 2)
		knat_session_remove(kn, w->first, false);
	return true;
}

/*
 * The sweep removes the sessions its walk noted through their pointers: one
 * another writer removed in between is left alone, and not counted.
 */
static void sweep_skips_removed(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct racing_writer w = {};
	struct knat_sweep sw = {};
	unsigned int removed;
	bool done;

	KUNIT_ASSERT_NOT_NULL(test, make(kn, IPPROTO_UDP, "100.64.0.2", 5000));
	KUNIT_ASSERT_NOT_NULL(test, make(kn, IPPROTO_UDP, "100.64.0.3", 5000));
	KUNIT_ASSERT_NOT_NULL(test, make(kn, IPPROTO_UDP, "100.64.0.4", 5000));

	removed = knat_sweep(kn, &sw, 1024, doom_and_race, &w, true, &done);
	KUNIT_EXPECT_TRUE(test, done);
	/* Three in the walk, three under the lock, where one unlink fails. */
	KUNIT_EXPECT_EQ(test, w.calls, 6U);
	KUNIT_EXPECT_EQ(test, removed, 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_SESSIONS_EXPIRED), 2ULL);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_MAPPINGS_FLUSHED), 1ULL);
	KUNIT_EXPECT_EQ(test, knat_test_paddr(kn, 0)->ports[1]->nused, 0U);
	knat_test_net_free(kn);
}

static struct kunit_case knat_gc_cases[] = {
	KUNIT_CASE(gc_removes_only_expired),
	KUNIT_CASE(gc_stamp_wraps),
	KUNIT_CASE(gc_tcp_timeouts_follow_state),
	KUNIT_CASE(gc_walk_is_batched),
	KUNIT_CASE(gc_walk_bounds_empty_buckets),
	KUNIT_CASE(sweep_skips_removed),
	{}
};

static struct kunit_suite knat_gc_suite = {
	.name = "knat_gc",
	.test_cases = knat_gc_cases,
	.suite_init = knat_test_suite_init,
	.suite_exit = knat_test_suite_exit,
};

kunit_test_suite(knat_gc_suite);
