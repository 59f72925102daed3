// SPDX-License-Identifier: GPL-2.0
/* knat KUnit helpers. */
#include <linux/inet.h>
#include <linux/inetdevice.h>
#include <linux/slab.h>
#include "util.h"
#include "config.h"
#include "det.h"
#include "gc.h"
#include "mapping.h"
#include "pool.h"
#include "subscriber.h"
#include "table.h"

__be32 knat_test_addr(const char *dotted)
{
	return in_aton(dotted);
}

/* Pool @id's options: set more in @c, then knat_test_pool_add(). */
void knat_test_pool_cfg(struct knat_pool_cfg *c, u32 id, u16 lo, u16 hi,
			u16 block)
{
	knat_pool_cfg_init(c, id);
	c->port_min = lo;
	c->port_max = hi;
	c->block_size = block;
	/* Low blocks only where a test asks for them. */
	c->low_block = 0;
	/* The tests' flows are never answered: all the pool may be theirs,
	 * unless a test sets a share for subscribers never answered.
	 */
	c->unconfirmed_share = 100;
}

/* Pool @c of @prefix/@plen, made as the operator makes one; return it. */
struct knat_pool *knat_test_pool_add(struct kunit *test, struct knat_net *kn,
				     struct knat_pool_cfg *c,
				     const char *prefix, u8 plen)
{
	c->prefix = in_aton(prefix);
	c->plen = plen;
	KUNIT_ASSERT_EQ(test, knat_pool_add(kn, c, NULL), 0);
	return knat_pool_by_id(kn, c->id);
}

void knat_test_inside(struct kunit *test, struct knat_net *kn,
		      const char *prefix, u8 plen, u32 pool_id)
{
	KUNIT_ASSERT_EQ(test, knat_inside_add(kn, in_aton(prefix), plen,
					      pool_id, NULL), 0);
}

struct knat_net *knat_test_net_empty(struct kunit *test)
{
	struct knat_net *kn = kzalloc(sizeof(*kn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_ASSERT_EQ(test, knat_state_init(kn), 0);
	return kn;
}

/* Pool 1 of @pool_prefix, ports [lo, hi] in blocks of up to 256, serving
 * 100.64.0.0/10.
 */
struct knat_net *knat_test_net(struct kunit *test, const char *pool_prefix,
			       u8 plen, u16 lo, u16 hi)
{
	struct knat_net *kn = knat_test_net_empty(test);
	struct knat_pool_cfg c;

	knat_test_pool_cfg(&c, 1, lo, hi, 0);
	knat_test_pool_add(test, kn, &c, pool_prefix, plen);
	knat_test_inside(test, kn, "100.64.0.0", 10, 1);
	return kn;
}

struct knat_pool *knat_test_pool(struct knat_net *kn)
{
	return list_first_entry(&kn->pools, struct knat_pool, list);
}

struct knat_pool_addr *knat_test_paddr(struct knat_net *kn, u32 i)
{
	return knat_det_addr(knat_test_pool(kn), i);
}

void knat_test_net_free(struct knat_net *kn)
{
	knat_state_destroy(kn);
	kfree(kn);
}

struct knat_tuple knat_test_tuple(u8 proto, const char *l, u16 lport,
				  const char *r, u16 rport)
{
	struct knat_tuple t = {
		.laddr = in_aton(l), .raddr = in_aton(r),
		.lport = htons(lport), .rport = htons(rport), .proto = proto,
	};
	return t;
}

u64 knat_test_stat(struct knat_net *kn, enum knat_stat which)
{
	u64 v[__KNAT_STAT_MAX];

	knat_stats_read(kn, v);
	return v[which];
}

/*
 * An outside host answers the flow of @s, and its subscriber sends again:
 * it is confirmed.
 */
void knat_test_answer(struct knat_net *kn, struct knat_session *s)
{
	rcu_read_lock();
	knat_mapping_exchange(kn, knat_session_map(s), false);
	knat_mapping_exchange(kn, knat_session_map(s), true);
	rcu_read_unlock();
}

/* The subscriber of the inside address of @s. */
struct knat_subscriber *knat_test_sub(struct knat_net *kn,
				      const struct knat_session *s)
{
	struct knat_subscriber *sub;

	rcu_read_lock();
	sub = knat_sub_find(kn, s->in.laddr);
	rcu_read_unlock();
	return sub;
}

int knat_test_suite_init(struct kunit_suite *suite)
{
	return knat_caches_init();
}

void knat_test_suite_exit(struct kunit_suite *suite)
{
	knat_caches_destroy();
}

/* knat_session_timeout(), in the read section it asks for. */
unsigned long knat_test_timeout(struct knat_net *kn,
				const struct knat_session *s)
{
	unsigned long t;

	rcu_read_lock();
	t = knat_session_timeout(kn, s);
	rcu_read_unlock();
	return t;
}
