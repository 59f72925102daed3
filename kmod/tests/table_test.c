// SPDX-License-Identifier: GPL-2.0
/* KUnit: sessions and mappings in both indexes, undoing a failed second
 * insert, and the graves of what is removed.
 */
#include <linux/in.h>
#include "util.h"
#include "alloc.h"
#include "block.h"
#include "forward.h"
#include "gc.h"
#include "grave.h"
#include "session.h"
#include "sweep.h"
#include "table.h"

static struct knat_session *create_out(struct knat_net *kn,
				       const struct knat_tuple *t, int *reason)
{
	struct knat_session *s;

	rcu_read_lock();
	s = knat_session_create_out(kn, t, 0, reason);
	rcu_read_unlock();
	return s;
}

static struct knat_grave *grave(struct knat_net *kn, enum knat_grave_kind kind)
{
	return rcu_dereference_protected(kn->graves[kind], true);
}

static void session_in_both_indexes(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	struct knat_session *s, *again;
	struct knat_endpoint ep;
	struct knat_mapping *m;
	struct knat_tuple out;
	int reason = 0;

	s = create_out(kn, &in, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	knat_session_out(s, &out);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, knat_session_find_in(kn, &in), s);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_find_out(kn, &out), s);
	m = knat_session_map(s);
	ep = knat_mapping_ext(m);
	KUNIT_EXPECT_PTR_EQ(test, rhashtable_lookup(&kn->map_out, &ep,
						    knat_map_out_params), m);
	ep = knat_mapping_in(m);
	KUNIT_EXPECT_PTR_EQ(test, rhashtable_lookup(&kn->map_in, &ep,
						    knat_map_in_params), m);
	/* Its first session is the mapping's own: no object of its own. */
	KUNIT_EXPECT_PTR_EQ(test, s, &m->s);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->sess_in.nelems), 0);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, out.laddr, knat_test_addr("198.51.100.1"));
	KUNIT_EXPECT_PTR_EQ(test, knat_mapping_block(m)->owner,
			    knat_test_sub(kn, s));
	KUNIT_EXPECT_GE(test, ntohs(out.lport), 1024);
	KUNIT_EXPECT_EQ(test, out.lport, knat_session_map(s)->s.ext_port);
	KUNIT_EXPECT_EQ(test, out.raddr, in.raddr);
	KUNIT_EXPECT_EQ(test, out.rport, in.rport);

	/* The same flow again finds the same session, and makes nothing. */
	again = create_out(kn, &in, &reason);
	KUNIT_EXPECT_PTR_EQ(test, again, s);
	KUNIT_EXPECT_EQ(test, knat_session_map(s)->nsessions, 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 1);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_SESSIONS_CREATED), 1ULL);
	/* Another remote: a second session on the same mapping. */
	in.rport = htons(54);
	again = create_out(kn, &in, &reason);
	KUNIT_ASSERT_NOT_NULL(test, again);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_map(again), knat_session_map(s));
	KUNIT_EXPECT_EQ(test, knat_session_map(s)->nsessions, 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 1);
	knat_test_net_free(kn);
}

static void removing_last_session_frees_mapping(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple a = knat_test_tuple(IPPROTO_TCP, "100.64.0.2", 7000,
					      "203.0.113.9", 80);
	struct knat_tuple b = a;
	struct knat_session *sa, *sb, *sc;
	struct knat_tuple out;
	int reason = 0;

	b.rport = htons(443);
	sa = create_out(kn, &a, &reason);
	sb = create_out(kn, &b, &reason);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	KUNIT_ASSERT_NOT_NULL(test, sb);
	knat_session_out(sa, &out);
	/* The first is the mapping's own, the second apart. */
	KUNIT_EXPECT_PTR_EQ(test, sa, &knat_session_map(sb)->s);

	rcu_read_lock();
	knat_session_remove(kn, sa, true);
	KUNIT_EXPECT_NULL(test, knat_session_find_in(kn, &a));
	KUNIT_EXPECT_NULL(test, knat_session_find_out(kn, &out));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 1);
	/* Removing twice is harmless. */
	knat_session_remove(kn, sa, true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 1);

	/* The flow again: a session apart, the own one having ended. */
	sc = create_out(kn, &a, &reason);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	KUNIT_EXPECT_PTR_NE(test, sc, sa);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_map(sc), knat_session_map(sb));
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, knat_session_find_in(kn, &a), sc);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_find_out(kn, &out), sc);
	knat_session_remove(kn, sc, true);
	knat_session_remove(kn, sb, true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->subs.nelems), 0);
	KUNIT_EXPECT_FALSE(test, knat_portmap_test(knat_test_paddr(kn, 0)->ports[0],
						   ntohs(out.lport)));
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_MAPPINGS_EXPIRED), 1ULL);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_SESSIONS_EXPIRED), 3ULL);
	knat_test_net_free(kn);
}

/* Occupy the external endpoint the next mapping will get, in the outside
 * index only: its insert there fails, and the inside insert, the port and
 * the subscriber must all be undone.
 */
static void failed_second_mapping_insert_is_undone(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 6000, 6000);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 6000,
					       "203.0.113.9", 53);
	struct knat_mapping *squatter = kunit_kzalloc(test, sizeof(*squatter),
						      GFP_KERNEL);
	struct knat_endpoint ep = { .addr = in.laddr, .port = in.lport,
				    .proto = IPPROTO_UDP };
	int reason = 0;

	KUNIT_ASSERT_NOT_NULL(test, squatter);
	squatter->paddr = knat_test_paddr(kn, 0);	/* 198.51.100.1 */
	squatter->s.ext_port = htons(6000);	/* the only port */
	squatter->s.in.proto = IPPROTO_UDP;
	KUNIT_ASSERT_EQ(test, rhashtable_insert_fast(&kn->map_out, &squatter->out_node,
						     knat_map_out_params), 0);

	KUNIT_EXPECT_NULL(test, create_out(kn, &in, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_INSERT);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, rhashtable_lookup(&kn->map_in, &ep, knat_map_in_params));
	KUNIT_EXPECT_NULL(test, knat_session_find_in(kn, &in));
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, knat_portmap_test(knat_test_paddr(kn, 0)->ports[1],
						   6000));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->subs.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_in.nelems), 0);

	rhashtable_remove_fast(&kn->map_out, &squatter->out_node, knat_map_out_params);
	/* With the way clear, the same flow works at once: the only block,
	 * taken by the failed attempt and never used, is free, not cooling.
	 */
	KUNIT_EXPECT_TRUE(test, list_empty(&knat_test_pool(kn)->cooling));
	KUNIT_EXPECT_NOT_NULL(test, create_out(kn, &in, &reason));
	knat_test_net_free(kn);
}

static void inbound_needs_a_mapping(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	struct knat_tuple out = knat_test_tuple(IPPROTO_UDP, "198.51.100.1", 5001,
						"192.0.2.1", 9);
	struct knat_session *s, *t;
	int reason = 0;

	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_NO_MAPPING);
	s = knat_session_create_out(kn, &in, 0, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* Endpoint-independent filtering: any remote reaches the mapping. */
	out.lport = s->ext_port;
	t = knat_session_create_in(kn, &out, 0, &reason);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_map(t), knat_session_map(s));
	KUNIT_EXPECT_EQ(test, t->in.laddr, in.laddr);
	KUNIT_EXPECT_EQ(test, t->in.lport, in.lport);
	rcu_read_unlock();
	knat_test_net_free(kn);
}

static void max_sessions_is_enforced(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	int reason = 0, i;

	kn->cfg.max_sessions = 3;
	for (i = 0; i < 3; i++) {
		in.lport = htons(5000 + i);
		KUNIT_EXPECT_NOT_NULL(test, create_out(kn, &in, &reason));
	}
	in.lport = htons(5003);
	KUNIT_EXPECT_NULL(test, create_out(kn, &in, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_TABLE_FULL);
	knat_test_net_free(kn);
}

static void flush_by_pool(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.0", 30, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	int reason = 0, i;

	for (i = 0; i < 600; i++) {
		in.laddr = htonl(0x64400000 + i);
		KUNIT_ASSERT_NOT_NULL(test, create_out(kn, &in, &reason));
	}
	KUNIT_EXPECT_EQ(test, knat_flush(kn, knat_test_pool(kn)), 600U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->subs.nelems), 0);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_MAPPINGS_FLUSHED), 600ULL);
	/* A flush sends its dead on at once. */
	KUNIT_EXPECT_EQ(test, grave(kn, KNAT_GRAVE_SESSION)->n, 0U);
	KUNIT_EXPECT_EQ(test, grave(kn, KNAT_GRAVE_MAPPING)->n, 0U);
	knat_test_net_free(kn);
}

/*
 * A forward reserves its port: the subscriber's dynamic mappings get the
 * others, and none is left for a fourth.  Unsolicited inbound traffic
 * reaches it; it outlives its sessions; removed, it takes its sessions
 * and frees its port.
 */
static void forward_is_reserved_and_static(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 6000, 6003);
	struct knat_endpoint in = { .addr = knat_test_addr("100.64.0.2"),
				    .port = htons(53), .proto = IPPROTO_UDP };
	struct knat_endpoint ext = { .addr = knat_test_addr("198.51.100.1"),
				     .port = htons(6001), .proto = IPPROTO_UDP };
	struct knat_tuple out = knat_test_tuple(IPPROTO_UDP, "198.51.100.1", 6001,
						"192.0.2.1", 9);
	struct knat_tuple t = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 1000,
					      "203.0.113.9", 53);
	struct knat_session *s;
	int reason = 0, i;

	mutex_lock(&kn->cfg_lock);
	KUNIT_ASSERT_EQ(test, knat_forward_add(kn, &in, &ext, NULL), 0);
	KUNIT_EXPECT_EQ(test, knat_forward_add(kn, &in, &ext, NULL), -EEXIST);
	mutex_unlock(&kn->cfg_lock);
	for (i = 0; i < 3; i++) {
		t.lport = htons(1000 + i);
		s = create_out(kn, &t, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_NE(test, ntohs(s->ext_port), 6001);
	}
	t.lport = htons(1003);
	KUNIT_EXPECT_NULL(test, create_out(kn, &t, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_EXHAUSTED);

	rcu_read_lock();
	s = knat_session_create_in(kn, &out, 0, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->in.lport, in.port);
	KUNIT_EXPECT_TRUE(test, knat_session_map(s)->pinned);
	knat_session_remove(kn, s, true);
	KUNIT_EXPECT_NOT_NULL(test, rhashtable_lookup(&kn->map_out, &ext,
						      knat_map_out_params));
	s = knat_session_create_in(kn, &out, 0, &reason);
	KUNIT_EXPECT_NOT_NULL(test, s);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 4);

	mutex_lock(&kn->cfg_lock);
	KUNIT_EXPECT_EQ(test, knat_forward_del(kn, &ext), 0);
	KUNIT_EXPECT_EQ(test, knat_forward_del(kn, &ext), -ENOENT);
	mutex_unlock(&kn->cfg_lock);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, rhashtable_lookup(&kn->map_out, &ext,
						  knat_map_out_params));
	KUNIT_EXPECT_NULL(test, rhashtable_lookup(&kn->map_in, &in,
						  knat_map_in_params));
	KUNIT_EXPECT_NULL(test, knat_session_find_out(kn, &out));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 3);
	KUNIT_EXPECT_FALSE(test, knat_portmap_test(knat_test_paddr(kn, 0)->ports[1],
						   6001));
	/* The port is free for a dynamic mapping again. */
	s = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, ntohs(s->ext_port), 6001);
	knat_test_net_free(kn);
}

/*
 * Address-dependent filtering admits a remote address the mapping has a
 * session with, from any port, and no other; its count of sessions per
 * remote address goes with the sessions.  Address-and-port-dependent
 * filtering admits nobody new; a forward, anybody.
 */
static void filtering_adf_and_apdf(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	struct knat_tuple out = knat_test_tuple(IPPROTO_UDP, "198.51.100.1", 0,
						"203.0.113.9", 99);
	struct knat_endpoint fin = { .addr = knat_test_addr("100.64.0.3"),
				     .port = htons(80), .proto = IPPROTO_UDP };
	struct knat_endpoint fext = { .addr = knat_test_addr("198.51.100.1"),
				      .port = htons(80), .proto = IPPROTO_UDP };
	struct knat_session *s, *t;
	int reason = 0;

	knat_test_pool(kn)->filter[1] = KNAT_FILTER_ADF;
	s = create_out(kn, &in, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 1);
	out.lport = s->ext_port;
	rcu_read_lock();
	t = knat_session_create_in(kn, &out, 0, &reason);
	KUNIT_EXPECT_NOT_NULL(test, t);
	out.raddr = knat_test_addr("192.0.2.1");
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_FILTERED);
	knat_session_remove(kn, t, true);
	knat_session_remove(kn, s, true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 0);

	knat_test_pool(kn)->filter[1] = KNAT_FILTER_APDF;
	s = create_out(kn, &in, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 0);
	out.lport = s->ext_port;
	out.raddr = in.raddr;
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_FILTERED);
	rcu_read_unlock();

	mutex_lock(&kn->cfg_lock);
	KUNIT_ASSERT_EQ(test, knat_forward_add(kn, &fin, &fext, NULL), 0);
	mutex_unlock(&kn->cfg_lock);
	out.lport = fext.port;
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	rcu_read_unlock();
	knat_test_net_free(kn);
}

/*
 * A forward a subscriber asks for (PCP MAP) takes its inside endpoint's
 * mapping, and admits anyone while it lasts; only the same nonce renews or
 * ends it.  Ended, it leaves the mapping to its sessions and to its pool's
 * filtering.  A new one takes the port asked for if it is free in the
 * subscriber's blocks (with exact: that or nothing), and goes when its
 * lifetime is over.
 */
static void forward_map_timed(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple t = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					      "203.0.113.9", 53);
	struct knat_tuple out = knat_test_tuple(IPPROTO_UDP, "198.51.100.1", 0,
						"192.0.2.1", 9);
	struct knat_endpoint in = { .addr = t.laddr, .port = t.lport,
				    .proto = IPPROTO_UDP };
	struct knat_endpoint ext = { .proto = IPPROTO_UDP };
	u8 nonce[KNAT_NONCE_LEN] = { 1 }, other[KNAT_NONCE_LEN] = { 2 };
	struct knat_session *s, *r;
	int reason = 0;
	u16 port;

	knat_test_pool(kn)->filter[1] = KNAT_FILTER_ADF;
	s = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	mutex_lock(&kn->cfg_lock);
	KUNIT_ASSERT_EQ(test, knat_forward_map(kn, &in, &ext, false, 60, nonce,
					       NULL), 0);
	KUNIT_EXPECT_EQ(test, ext.port, s->ext_port);
	KUNIT_EXPECT_EQ(test, ext.addr, out.laddr);
	KUNIT_EXPECT_TRUE(test, knat_session_map(s)->pinned);
	KUNIT_EXPECT_EQ(test, knat_forward_map(kn, &in, &ext, false, 0, other,
					       NULL), -EPERM);
	mutex_unlock(&kn->cfg_lock);
	out.lport = ext.port;
	rcu_read_lock();
	r = knat_session_create_in(kn, &out, 0, &reason);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, r);

	mutex_lock(&kn->cfg_lock);
	KUNIT_EXPECT_EQ(test, knat_forward_map(kn, &in, &ext, false, 0, nonce,
					       NULL), 0);
	mutex_unlock(&kn->cfg_lock);
	KUNIT_EXPECT_FALSE(test, knat_session_map(s)->pinned);
	KUNIT_EXPECT_EQ(test, knat_session_map(s)->nsessions, 2U);
	out.raddr = knat_test_addr("192.0.2.2");
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_FILTERED);
	knat_session_remove(kn, r, true);
	knat_session_remove(kn, s, true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);

	/* A new one, on the port next to the one a flow of its took. */
	t.lport = htons(7000);
	s = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	port = ntohs(s->ext_port) ^ 1;
	in.port = htons(6000);
	ext.addr = 0;
	ext.port = htons(port);
	mutex_lock(&kn->cfg_lock);
	KUNIT_ASSERT_EQ(test, knat_forward_map(kn, &in, &ext, true, 60, nonce,
					       NULL), 0);
	KUNIT_EXPECT_EQ(test, ntohs(ext.port), port);
	KUNIT_EXPECT_PTR_EQ(test, knat_port_block(knat_test_paddr(kn, 0),
						  port)->owner, knat_test_sub(kn, s));
	in.port = htons(6001);
	ext.port = htons(port ^ 1);
	KUNIT_EXPECT_EQ(test, knat_forward_map(kn, &in, &ext, true, 60, nonce,
					       NULL), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 2);
	knat_forwards_expire(kn, jiffies + 59 * HZ);
	KUNIT_EXPECT_EQ(test, kn->nforwards, 1U);
	knat_forwards_expire(kn, jiffies + 61 * HZ);
	KUNIT_EXPECT_EQ(test, kn->nforwards, 0U);
	mutex_unlock(&kn->cfg_lock);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 1);
	knat_test_net_free(kn);
}

/*
 * A subscriber may ask for KNAT_MAX_SUB_FORWARDS forwards, another
 * subscriber still for its own; a port-overlapping pool forwards none.
 */
static void forward_map_limits(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_endpoint in = { .addr = knat_test_addr("100.64.0.2"),
				    .proto = IPPROTO_TCP };
	struct knat_endpoint ext = { .proto = IPPROTO_TCP };
	u8 nonce[KNAT_NONCE_LEN] = {};
	int i;

	mutex_lock(&kn->cfg_lock);
	for (i = 0; i < KNAT_MAX_SUB_FORWARDS; i++) {
		in.port = htons(8000 + i);
		ext.port = 0;
		KUNIT_ASSERT_EQ(test, knat_forward_map(kn, &in, &ext, false, 60,
						       nonce, NULL), 0);
	}
	in.port = htons(9000);
	ext.port = 0;
	KUNIT_EXPECT_EQ(test, knat_forward_map(kn, &in, &ext, false, 60, nonce,
					       NULL), -EDQUOT);
	in.addr = knat_test_addr("100.64.0.3");
	KUNIT_EXPECT_EQ(test, knat_forward_map(kn, &in, &ext, false, 60, nonce,
					       NULL), 0);
	knat_test_pool(kn)->overlap = true;
	in.addr = knat_test_addr("100.64.0.4");
	ext.port = 0;
	KUNIT_EXPECT_EQ(test, knat_forward_map(kn, &in, &ext, false, 60, nonce,
					       NULL), -EOPNOTSUPP);
	knat_test_pool(kn)->overlap = false;
	KUNIT_EXPECT_EQ(test, kn->nforwards, KNAT_MAX_SUB_FORWARDS + 1U);
	mutex_unlock(&kn->cfg_lock);
	knat_test_net_free(kn);
}

/*
 * Address-dependent mapping: an inside endpoint's flows to one remote
 * address share a mapping, to another address take another (another
 * external port), and a mapping admits only its own address.  Mappings are
 * in map_dep, not map_in, and go with their last session.
 */
static void mapping_adm(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple a1 = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	struct knat_tuple a2 = a1, b = a1, out;
	struct knat_session *s1, *s2, *s3, *t;
	int reason = 0;

	a2.rport = htons(54);
	b.raddr = knat_test_addr("192.0.2.1");
	knat_test_pool(kn)->mapping[1] = KNAT_MAPPING_ADM;
	s1 = create_out(kn, &a1, &reason);
	s2 = create_out(kn, &a2, &reason);
	s3 = create_out(kn, &b, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	KUNIT_ASSERT_NOT_NULL(test, s2);
	KUNIT_ASSERT_NOT_NULL(test, s3);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_map(s1), knat_session_map(s2));
	KUNIT_EXPECT_EQ(test, s1->ext_port, s2->ext_port);
	KUNIT_EXPECT_PTR_NE(test, knat_session_map(s1), knat_session_map(s3));
	KUNIT_EXPECT_NE(test, s1->ext_port, s3->ext_port);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_in.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_dep.nelems), 2);

	rcu_read_lock();
	/* Another port of the same address reaches the first mapping... */
	knat_session_out(s1, &out);
	out.rport = htons(99);
	t = knat_session_create_in(kn, &out, 0, &reason);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_map(t), knat_session_map(s1));
	/* ... but not the second, whose sessions are with another address. */
	knat_session_out(s3, &out);
	out.raddr = a1.raddr;
	out.rport = a1.rport;
	KUNIT_EXPECT_NULL(test, knat_session_find_out(kn, &out));
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_FILTERED);
	knat_session_remove(kn, t, true);
	knat_session_remove(kn, s1, true);
	knat_session_remove(kn, s2, true);
	knat_session_remove(kn, s3, true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_dep.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	knat_test_net_free(kn);
}

/* Address-and-port-dependent mapping: a mapping per remote endpoint. */
static void mapping_apdm(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple a1 = knat_test_tuple(IPPROTO_TCP, "100.64.0.2", 5000,
					       "203.0.113.9", 80);
	struct knat_tuple a2 = a1, out;
	struct knat_session *s1, *s2;
	int reason = 0;

	a2.rport = htons(443);
	knat_test_pool(kn)->mapping[0] = KNAT_MAPPING_APDM;
	s1 = create_out(kn, &a1, &reason);
	s2 = create_out(kn, &a2, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	KUNIT_ASSERT_NOT_NULL(test, s2);
	KUNIT_EXPECT_PTR_NE(test, knat_session_map(s1), knat_session_map(s2));
	KUNIT_EXPECT_NE(test, s1->ext_port, s2->ext_port);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_dep.nelems), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 0);
	/* Again: the mapping it would make for it goes, and its port. */
	KUNIT_EXPECT_PTR_EQ(test, create_out(kn, &a1, &reason), s1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->map_dep.nelems), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 2);
	KUNIT_EXPECT_EQ(test, knat_test_sub(kn, s1)->nmappings, 2U);
	KUNIT_EXPECT_EQ(test, knat_mapping_block(knat_session_map(s1))->nmappings, 2U);

	rcu_read_lock();
	knat_session_out(s1, &out);
	out.rport = htons(8080);
	KUNIT_EXPECT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_DROP_FILTERED);
	rcu_read_unlock();
	knat_test_net_free(kn);		/* frees map_dep's mappings */
}

/*
 * Removed sessions and mappings wait in graves for their readers.  A full
 * grave is closed when a writer needs room, and closing the graves sends
 * on what they hold, but leaves an empty one be.
 */
static void graves_fill_and_close(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.0", 30, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	unsigned int i, n = KNAT_GRAVE_SLOTS + 10;
	struct knat_grave *first, *empty;
	struct knat_session **s;
	int reason = 0;

	s = kunit_kcalloc(test, n, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < n; i++) {
		in.laddr = htonl(0x64400000 + i);
		s[i] = create_out(kn, &in, &reason);
		KUNIT_ASSERT_NOT_NULL(test, s[i]);
	}
	/* Each flow is a mapping and its own session: one object to bury. */
	first = grave(kn, KNAT_GRAVE_MAPPING);
	empty = grave(kn, KNAT_GRAVE_SESSION);
	rcu_read_lock();
	for (i = 0; i < n; i++)
		knat_session_remove(kn, s[i], true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_SESSIONS_EXPIRED),
			(u64)n);
	KUNIT_EXPECT_PTR_NE(test, grave(kn, KNAT_GRAVE_MAPPING), first);
	KUNIT_EXPECT_EQ(test, grave(kn, KNAT_GRAVE_MAPPING)->n, 10U);
	KUNIT_EXPECT_EQ(test, grave(kn, KNAT_GRAVE_SESSION)->n, 0U);

	knat_graves_close(kn);
	KUNIT_EXPECT_EQ(test, grave(kn, KNAT_GRAVE_MAPPING)->n, 0U);
	KUNIT_EXPECT_PTR_EQ(test, grave(kn, KNAT_GRAVE_SESSION), empty);
	KUNIT_EXPECT_NOT_NULL(test, create_out(kn, &in, &reason));
	knat_test_net_free(kn);
}

/*
 * An ADM mapping and a forward made later on the same inside endpoint keep
 * apart the remotes they count: once the ADM mapping is gone (and freed),
 * a new flow to the same remote address goes through the forward, and
 * with the forward gone, through a new ADM mapping, never through a
 * mapping that no longer exists (or one being removed).
 */
static void forward_over_adm_mapping(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple t = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					      "203.0.113.9", 53);
	struct knat_endpoint in = { .addr = t.laddr, .port = t.lport,
				    .proto = IPPROTO_UDP };
	struct knat_endpoint ext = { .addr = knat_test_addr("198.51.100.1"),
				     .port = htons(6001), .proto = IPPROTO_UDP };
	struct knat_session *sa, *sf, *sn;
	struct knat_mapping *fwd;
	int reason = 0;

	knat_test_pool(kn)->mapping[1] = KNAT_MAPPING_ADM;
	knat_test_pool(kn)->filter[1] = KNAT_FILTER_ADF;
	sa = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, sa);
	mutex_lock(&kn->cfg_lock);
	KUNIT_ASSERT_EQ(test, knat_forward_add(kn, &in, &ext, NULL), 0);
	mutex_unlock(&kn->cfg_lock);
	t.rport = htons(54);
	sf = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, sf);
	fwd = knat_session_map(sf);
	KUNIT_EXPECT_TRUE(test, fwd->pinned);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 2);

	/* The ADM mapping goes, and its memory with it. */
	rcu_read_lock();
	knat_session_remove(kn, sa, true);
	rcu_read_unlock();
	knat_graves_close(kn);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 1);
	t.rport = htons(55);
	sn = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, sn);
	KUNIT_EXPECT_PTR_EQ(test, knat_session_map(sn), fwd);

	/* The forward goes with its sessions; the next flow makes a mapping. */
	mutex_lock(&kn->cfg_lock);
	KUNIT_EXPECT_EQ(test, knat_forward_del(kn, &ext), 0);
	mutex_unlock(&kn->cfg_lock);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->perms.nelems), 0);
	t.rport = htons(56);
	sn = create_out(kn, &t, &reason);
	KUNIT_ASSERT_NOT_NULL(test, sn);
	KUNIT_EXPECT_EQ(test, knat_session_map(sn)->dep, KNAT_MAPPING_ADM);
	KUNIT_EXPECT_EQ(test, knat_session_map(sn)->nsessions, 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nmappings), 1);
	knat_test_net_free(kn);
}

/*
 * Sessions outside hosts open stay unanswered until the inside sends on
 * them, and are bounded per mapping, per subscriber and per namespace:
 * beyond a bound the remote is admitted without a session.  An answered
 * one no longer counts, and an unanswered one lives unanswered-timeout.
 */
static void inbound_sessions_bounded(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.1", 32, 1024, 65535);
	struct knat_tuple in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 5000,
					       "203.0.113.9", 53);
	struct knat_pool *pool = knat_test_pool(kn);
	struct knat_session *s, *t, *first = NULL;
	struct knat_tuple out;
	struct knat_mapping *m;
	int reason = 0, i;

	pool->inbound_limit = 8;
	s = create_out(kn, &in, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	m = knat_session_map(s);
	knat_session_out(s, &out);
	rcu_read_lock();
	for (i = 0; i < 20; i++) {
		out.raddr = htonl(0xc6120000 + i);	/* 198.18.0.i */
		t = knat_session_create_in(kn, &out, 0, &reason);
		if (i < 8) {
			KUNIT_ASSERT_NOT_NULL(test, t);
			KUNIT_EXPECT_TRUE(test, READ_ONCE(t->flags) &
					  KNAT_SESS_UNANSWERED);
			first = first ?: t;
		} else {
			KUNIT_EXPECT_NULL(test, t);
			KUNIT_EXPECT_EQ(test, reason, KNAT_STAT_INBOUND_UNTRACKED);
		}
	}
	KUNIT_EXPECT_EQ(test, m->nunanswered, 8);
	KUNIT_EXPECT_EQ(test, kn->nunanswered, 8U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nsessions), 9);

	/* Unanswered ones live unanswered-timeout, answered ones longer. */
	kn->cfg.timeout_unanswered = 5;
	KUNIT_EXPECT_EQ(test, knat_test_timeout(kn, first), 5UL * HZ);
	knat_session_answered(kn, first);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(first->flags) & KNAT_SESS_UNANSWERED);
	KUNIT_EXPECT_EQ(test, knat_test_timeout(kn, first),
			(unsigned long)kn->cfg.timeout_udp * HZ);
	KUNIT_EXPECT_EQ(test, m->nunanswered, 7);
	/* Room for one more, and removal uncounts the rest. */
	out.raddr = htonl(0xc6120100);
	KUNIT_EXPECT_NOT_NULL(test, knat_session_create_in(kn, &out, 0, &reason));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, knat_flush(kn, NULL), 10U);
	KUNIT_EXPECT_EQ(test, kn->nunanswered, 0U);

	/* The namespace's eighth: max-sessions 16 leaves room for 2. */
	kn->cfg.max_sessions = 16;
	pool->inbound_limit = 0;
	s = create_out(kn, &in, &reason);
	KUNIT_ASSERT_NOT_NULL(test, s);
	knat_session_out(s, &out);
	rcu_read_lock();
	for (i = 0; i < 3; i++) {
		out.raddr = htonl(0xc6120000 + i);
		t = knat_session_create_in(kn, &out, 0, &reason);
		KUNIT_EXPECT_EQ(test, !!t, i < 2);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, kn->nunanswered, 2U);
	knat_test_net_free(kn);
}

static struct kunit_case knat_table_cases[] = {
	KUNIT_CASE(session_in_both_indexes),
	KUNIT_CASE(removing_last_session_frees_mapping),
	KUNIT_CASE(failed_second_mapping_insert_is_undone),
	KUNIT_CASE(inbound_needs_a_mapping),
	KUNIT_CASE(max_sessions_is_enforced),
	KUNIT_CASE(flush_by_pool),
	KUNIT_CASE(forward_is_reserved_and_static),
	KUNIT_CASE(filtering_adf_and_apdf),
	KUNIT_CASE(forward_map_timed),
	KUNIT_CASE(forward_map_limits),
	KUNIT_CASE(mapping_adm),
	KUNIT_CASE(mapping_apdm),
	KUNIT_CASE(graves_fill_and_close),
	KUNIT_CASE(forward_over_adm_mapping),
	KUNIT_CASE(inbound_sessions_bounded),
	{}
};

static struct kunit_suite knat_table_suite = {
	.name = "knat_table",
	.test_cases = knat_table_cases,
	.suite_init = knat_test_suite_init,
	.suite_exit = knat_test_suite_exit,
};

kunit_test_suite(knat_table_suite);
