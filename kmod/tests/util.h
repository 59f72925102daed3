/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_TEST_UTIL_H
#define _KNAT_TEST_UTIL_H

#include <kunit/test.h>
#include "knat.h"

/* Namespace-less state with one pool, for tests; freed by the test. */
struct knat_net *knat_test_net(struct kunit *test, const char *pool_prefix,
			       u8 plen, u16 lo, u16 hi);
void knat_test_net_free(struct knat_net *kn);
struct knat_net *knat_test_net_empty(struct kunit *test);
void knat_test_pool_cfg(struct knat_pool_cfg *c, u32 id, u16 lo, u16 hi,
			u16 block);
struct knat_pool *knat_test_pool_add(struct kunit *test, struct knat_net *kn,
				     struct knat_pool_cfg *c,
				     const char *prefix, u8 plen);
void knat_test_inside(struct kunit *test, struct knat_net *kn,
		      const char *prefix, u8 plen, u32 pool_id);
struct knat_pool *knat_test_pool(struct knat_net *kn);
struct knat_pool_addr *knat_test_paddr(struct knat_net *kn, u32 i);
__be32 knat_test_addr(const char *dotted);
struct knat_tuple knat_test_tuple(u8 proto, const char *l, u16 lport,
				  const char *r, u16 rport);
u64 knat_test_stat(struct knat_net *kn, enum knat_stat which);
unsigned long knat_test_timeout(struct knat_net *kn,
				const struct knat_session *s);
void knat_test_answer(struct knat_net *kn, struct knat_session *s);
struct knat_subscriber *knat_test_sub(struct knat_net *kn,
				      const struct knat_session *s);
/* Suites run when the module is loaded, before its init: bring up what
 * they need themselves.
 */
int knat_test_suite_init(struct kunit_suite *suite);
void knat_test_suite_exit(struct kunit_suite *suite);

#endif
