// SPDX-License-Identifier: GPL-2.0
/* knat KUnit helpers. */
#include <linux/inet.h>
#include <linux/slab.h>
#include "util.h"

__be32 knat_test_addr(const char *dotted)
{
	return in_aton(dotted);
}

struct knat_net *knat_test_net(struct kunit *test, const char *pool_prefix,
			       u8 plen, u16 lo, u16 hi)
{
	struct knat_net *kn = kzalloc(sizeof(*kn), GFP_KERNEL);
	struct knat_pool *pool;

	KUNIT_ASSERT_NOT_NULL(test, kn);
	KUNIT_ASSERT_EQ(test, knat_state_init(kn), 0);
	pool = knat_pool_create(in_aton(pool_prefix), plen, lo, hi);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	list_add_tail(&pool->list, &kn->pools);
	kn->npools = 1;
	kn->npool_addrs = pool->naddrs;
	return kn;
}

struct knat_pool *knat_test_pool(struct knat_net *kn)
{
	return list_first_entry(&kn->pools, struct knat_pool, list);
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

int knat_test_suite_init(struct kunit_suite *suite)
{
	return knat_caches_init();
}

void knat_test_suite_exit(struct kunit_suite *suite)
{
	knat_caches_destroy();
}
