// SPDX-License-Identifier: GPL-2.0
/*
 * knat: the configuration operations, below netlink.
 *
 * Each takes plain values, checks them against the rules of the objects
 * and the namespace's live configuration, and changes it, or refuses with
 * -errno and a message for @extack (NULL: none).  The netlink handlers,
 * the interface-address follower and the KUnit suites call them alike.
 * Configuration writers hold kn->cfg_lock; the packet path and dumps read
 * the lists under RCU, and each list change is made under kn->lock.
 */
#include <linux/inetdevice.h>
#include <linux/slab.h>
#include "knat.h"
#include "alloc.h"
#include "config.h"
#include "det.h"
#include "forward.h"
#include "hooks.h"
#include "ifaddr.h"
#include "pool.h"
#include "sweep.h"

static bool knat_prefixes_overlap(__be32 a, u8 alen, __be32 b, u8 blen)
{
	return !((a ^ b) & inet_make_mask(min(alen, blen)));
}

static bool knat_overlaps_pool(struct knat_net *kn, __be32 prefix, u8 plen)
{
	struct knat_range *range;
	struct knat_pool *pool;

	list_for_each_entry(pool, &kn->pools, list)
		list_for_each_entry(range, &pool->ranges, list)
			if (knat_prefixes_overlap(prefix, plen, range->prefix,
						  range->plen))
				return true;
	return false;
}

static bool knat_overlaps_list(const struct list_head *list, __be32 prefix,
			       u8 plen)
{
	struct knat_inside *in;

	list_for_each_entry(in, list, list)
		if (knat_prefixes_overlap(prefix, plen, in->prefix, in->plen))
			return true;
	return false;
}

static bool knat_overlaps_inside(struct knat_net *kn, __be32 prefix, u8 plen)
{
	return knat_overlaps_list(&kn->insides, prefix, plen);
}

/* A live pool @id, or NULL and an extack error. */
static struct knat_pool *knat_live_pool(struct knat_net *kn, u32 id,
					struct netlink_ext_ack *extack)
{
	struct knat_pool *pool = knat_pool_by_id(kn, id);

	if (!pool || pool->draining) {
		NL_SET_ERR_MSG_MOD(extack, "no such pool");
		return NULL;
	}
	return pool;
}

/**
 * knat_ports_check - is [@lo, @hi] a range of ports?
 * @lo: its first port
 * @hi: its last port
 * @router: router-ports (else the pool's port range), for the message
 * @extack: the reason of a refusal
 *
 * Return: 0, or -EINVAL when it is reversed.
 */
static int knat_ports_check(u16 lo, u16 hi, bool router,
			    struct netlink_ext_ack *extack)
{
	if (lo <= hi)
		return 0;
	if (router)
		NL_SET_ERR_MSG_MOD(extack,
				   "router ports are reversed: the first port is above the last");
	else
		NL_SET_ERR_MSG_MOD(extack,
				   "port range is reversed: the first port is above the last");
	return -EINVAL;
}

/* May @prefix/@plen join @pool? */
static int knat_range_check(struct knat_net *kn, const struct knat_pool *pool,
			    __be32 prefix, u8 plen,
			    struct netlink_ext_ack *extack)
{
	if (plen < 32 - ilog2(KNAT_MAX_POOL_ADDRS)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "pool prefix too large: at most 1024 addresses (/22)");
		return -E2BIG;
	}
	if (knat_overlaps_pool(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(extack, "prefix overlaps an existing pool");
		return -EEXIST;
	}
	if (knat_overlaps_inside(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(extack, "pool overlaps an inside prefix");
		return -EINVAL;
	}
	if (kn->npool_addrs + (1U << (32 - plen)) > KNAT_MAX_POOL_ADDRS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many pool addresses: at most 1024 in all");
		return -ENOSPC;
	}
	if (pool->mode == KNAT_MODE_DYNAMIC &&
	    (u64)(pool->nblocks + pool->nlow) << (32 - plen) >
	    KNAT_MAX_RANGE_BLOCKS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many blocks: make them larger, or add fewer addresses at once");
		return -E2BIG;
	}
	return 0;
}

/**
 * knat_pool_add_range - give @pool the addresses of @prefix/@plen
 * @kn: namespace state
 * @pool: the pool, published or not
 * @prefix: the addresses
 * @plen: their prefix length
 * @extack: the reason of a refusal, or NULL
 *
 * Return: 0 or an error.
 */
int knat_pool_add_range(struct knat_net *kn, struct knat_pool *pool,
			__be32 prefix, u8 plen, struct netlink_ext_ack *extack)
{
	struct knat_range *range;
	int err;

	lockdep_assert_held(&kn->cfg_lock);
	err = knat_range_check(kn, pool, prefix, plen, extack);
	if (err)
		return err;
	range = knat_range_create(pool, prefix, plen);
	if (!range) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory for the addresses");
		return -ENOMEM;
	}
	knat_range_publish(kn, range);
	return 0;
}

/**
 * knat_pool_cfg_init - a pool's options as a new pool has them
 * @c: the options; the caller then sets its addresses and what it was
 *     asked for
 * @id: the pool
 */
void knat_pool_cfg_init(struct knat_pool_cfg *c, u32 id)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->port_min = 1024;
	c->port_max = 65535;
	c->low_block = -1;
	c->max_blocks = 8;
	c->inbound_limit = 64;
	c->inbound_sub_limit = 1024;
	c->cooling_secs = 120;
	c->unconfirmed_share = 25;
}

/*
 * Low blocks: by default in a dynamic pool whose ports start above 1023,
 * of KNAT_LOW_BLOCK ports; never in one whose range has low ports.
 */
static int knat_pool_low_blocks(struct knat_pool *pool,
				const struct knat_pool_cfg *c,
				struct netlink_ext_ack *extack)
{
	bool may = pool->mode == KNAT_MODE_DYNAMIC && pool->port_min >= 1024;
	u16 size = may ? KNAT_LOW_BLOCK : 0;

	if (c->low_block >= 0)
		size = c->low_block;
	if (size && !may) {
		NL_SET_ERR_MSG_MOD(extack,
				   "low blocks need a dynamic pool whose ports start above 1023");
		return -EINVAL;
	}
	knat_pool_low(pool, size);
	return 0;
}

/* The pool's router-ports, kept sorted and merged. */
static int knat_pool_router_ports(struct knat_pool *pool,
				  const struct knat_pool_cfg *c,
				  struct netlink_ext_ack *extack)
{
	struct knat_spans x = {};
	int i, err;

	if (c->nrouter_ports > KNAT_ROUTER_PORTS_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "more than 8 router-ports ranges");
		return -E2BIG;
	}
	for (i = 0; i < c->nrouter_ports; i++) {
		err = knat_ports_check(c->router_ports[i].lo,
				       c->router_ports[i].hi, true, extack);
		if (err)
			return err;
		knat_spans_add(&x, c->router_ports[i].lo, c->router_ports[i].hi);
	}
	pool->nrouter_ports = x.n;
	memcpy(pool->router_ports, x.s, x.n * sizeof(x.s[0]));
	return 0;
}

/* The options of @c that are not addresses. */
static int knat_pool_settings(struct knat_pool *pool,
			      const struct knat_pool_cfg *c,
			      struct netlink_ext_ack *extack)
{
	int err;

	pool->max_blocks = c->max_blocks;
	pool->max_sessions = c->max_sessions;
	pool->inbound_limit = c->inbound_limit;
	pool->inbound_sub_limit = c->inbound_sub_limit;
	pool->unconfirmed_share = c->unconfirmed_share;
	pool->cooling_secs = c->cooling_secs;
	pool->overlap = c->overlap;
	pool->parity = c->parity;
	pool->mode = c->mode;
	memcpy(pool->filter, c->filter, sizeof(pool->filter));
	memcpy(pool->mapping, c->mapping, sizeof(pool->mapping));
	if (pool->overlap && (pool->mapping[0] || pool->mapping[1])) {
		NL_SET_ERR_MSG_MOD(extack,
				   "port overlapping needs endpoint-independent mapping");
		return -EINVAL;
	}
	err = knat_pool_low_blocks(pool, c, extack) ?:
	      knat_pool_router_ports(pool, c, extack);
	if (err)
		return err;
	if (pool->mode != KNAT_MODE_DETERMINISTIC) {
		if (c->det_prefix_set) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an inside prefix is only for deterministic pools");
			return -EINVAL;
		}
		return 0;
	}
	if (pool->overlap) {
		NL_SET_ERR_MSG_MOD(extack,
				   "port overlapping needs a dynamic pool");
		return -EINVAL;
	}
	if (!c->det_prefix_set) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a deterministic pool needs its inside prefix");
		return -EINVAL;
	}
	pool->det_prefix = c->det_prefix;
	pool->det_plen = c->det_plen;
	return 0;
}

/*
 * A pool that follows interface @c->ifindex: a dynamic one, of an
 * interface of the namespace, with its addresses.
 */
static int knat_pool_follow(struct knat_net *kn, struct knat_pool *pool,
			    const struct knat_pool_cfg *c,
			    struct netlink_ext_ack *extack)
{
	bool found;

	if (pool->mode != KNAT_MODE_DYNAMIC) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a deterministic pool's addresses are fixed: it cannot follow an interface");
		return -EINVAL;
	}
	pool->ifindex = c->ifindex;
	rcu_read_lock();
	found = kn->net && dev_get_by_index_rcu(kn->net, pool->ifindex);
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_MOD(extack, "no such interface");
		return -ENODEV;
	}
	return knat_if_pool_fill(kn, pool, extack);
}

/* A new pool of @c, with its addresses, unpublished. */
static int knat_pool_build(struct knat_net *kn, const struct knat_pool_cfg *c,
			   struct knat_pool *pool,
			   struct netlink_ext_ack *extack)
{
	int err = knat_pool_settings(pool, c, extack);

	if (err)
		return err;
	if (c->ifindex)
		err = knat_pool_follow(kn, pool, c, extack);
	else
		err = knat_pool_add_range(kn, pool, c->prefix, c->plen, extack);
	if (err)
		return err;
	if (pool->mode == KNAT_MODE_DETERMINISTIC &&
	    knat_det_setup(pool, pool->det_prefix, pool->det_plen)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "inside prefix too large: less than one port per subscriber");
		return -ERANGE;
	}
	return 0;
}

/**
 * knat_pool_add - make a pool
 * @kn: namespace state
 * @c: what it is to be (knat_pool_cfg_init(), then the caller's options)
 * @extack: the reason of a refusal
 *
 * The namespace's hooks are attached with its first pool.  Return: 0 or
 * -errno.
 */
int knat_pool_add(struct knat_net *kn, const struct knat_pool_cfg *c,
		  struct netlink_ext_ack *extack)
{
	u32 bs = c->block_size ?: min_t(u32, 256,
					(u32)c->port_max - c->port_min + 1);
	struct knat_pool *pool;
	int err;

	err = knat_ports_check(c->port_min, c->port_max, false, extack);
	if (err)
		return err;
	if (bs > (u32)c->port_max - c->port_min + 1) {
		NL_SET_ERR_MSG_MOD(extack,
				   "block size is larger than the port range");
		return -EINVAL;
	}
	mutex_lock(&kn->cfg_lock);
	err = -EEXIST;
	if (knat_pool_by_id(kn, c->id)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "pool exists: add addresses to it with RANGE_ADD");
		goto unlock;
	}
	err = -ENOSPC;
	if (kn->npools >= KNAT_MAX_POOLS) {
		NL_SET_ERR_MSG_MOD(extack, "too many pools: at most 16");
		goto unlock;
	}
	err = knat_attach(kn);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot attach to the namespace's netfilter hooks");
		goto unlock;
	}
	err = -ENOMEM;
	pool = knat_pool_create(c->id, c->port_min, c->port_max, bs);
	if (!pool)
		goto unlock;
	err = knat_pool_build(kn, c, pool, extack);
	if (err) {
		if (!list_empty(&pool->ranges))
			WRITE_ONCE(kn->npool_addrs, kn->npool_addrs - pool->naddrs);
		/* Unpublished: no reader can have seen it. */
		knat_pool_destroy(pool);
		goto unlock;
	}
	pool->seq = knat_list_seq(kn);
	spin_lock_bh(&kn->lock);
	list_add_tail_rcu(&pool->list, &kn->pools);
	kn->npools++;
	spin_unlock_bh(&kn->lock);
unlock:
	mutex_unlock(&kn->cfg_lock);
	return err;
}

/*
 * With @now, a drained range's or pool's mappings go at once, and with
 * them the range or pool, rather than as they expire: the operator is
 * changing addresses, and flows on the old ones would be broken.
 */
static void knat_drain_now(struct knat_net *kn, struct knat_pool *pool,
			   struct knat_range *range, bool now)
{
	if (!now)
		return;
	knat_retire(kn, pool, range);
	knat_pools_reap(kn);
}

/**
 * knat_pool_del - remove pool @id: it drains
 * @kn: namespace state
 * @id: the pool
 * @now: its mappings go at once, not as they expire
 * @extack: the reason of a refusal
 *
 * Return: 0, or -ENOENT.
 */
int knat_pool_del(struct knat_net *kn, u32 id, bool now,
		  struct netlink_ext_ack *extack)
{
	struct knat_pool *pool;
	int err = -ENOENT;

	mutex_lock(&kn->cfg_lock);
	pool = knat_live_pool(kn, id, extack);
	if (pool) {
		knat_pool_drain(kn, pool);
		knat_drain_now(kn, pool, NULL, now);
		err = 0;
	}
	mutex_unlock(&kn->cfg_lock);
	return err;
}

/* Are @pool's addresses out of the operator's hands? */
static bool knat_pool_fixed(const struct knat_pool *pool,
			    struct netlink_ext_ack *extack)
{
	if (pool->mode == KNAT_MODE_DETERMINISTIC) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a deterministic pool's addresses are fixed");
		return true;
	}
	if (pool->ifindex) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the pool follows an interface's addresses");
		return true;
	}
	return false;
}

/* Give pool @id the addresses of @prefix/@plen.  Return: 0 or -errno. */
int knat_range_add(struct knat_net *kn, u32 id, __be32 prefix, u8 plen,
		   struct netlink_ext_ack *extack)
{
	struct knat_pool *pool;
	int err = -ENOENT;

	mutex_lock(&kn->cfg_lock);
	pool = knat_live_pool(kn, id, extack);
	if (pool && knat_pool_fixed(pool, extack))
		err = -EOPNOTSUPP;
	else if (pool)
		err = knat_pool_add_range(kn, pool, prefix, plen, extack);
	mutex_unlock(&kn->cfg_lock);
	return err;
}

/*
 * Take the addresses of @prefix/@plen from pool @id: they drain, or with
 * @now go at once.  Return: 0 or -errno.
 */
int knat_range_del(struct knat_net *kn, u32 id, __be32 prefix, u8 plen,
		   bool now, struct netlink_ext_ack *extack)
{
	struct knat_range *range;
	struct knat_pool *pool;
	int err = -ENOENT;

	mutex_lock(&kn->cfg_lock);
	pool = knat_live_pool(kn, id, extack);
	if (!pool)
		goto unlock;
	err = -EOPNOTSUPP;
	if (knat_pool_fixed(pool, extack))
		goto unlock;
	err = -ENOENT;
	list_for_each_entry(range, &pool->ranges, list) {
		if (range->prefix != prefix || range->plen != plen ||
		    range->draining)
			continue;
		knat_range_drain(kn, range);
		knat_drain_now(kn, pool, range, now);
		err = 0;
		goto unlock;
	}
	NL_SET_ERR_MSG_MOD(extack, "no such address range in the pool");
unlock:
	mutex_unlock(&kn->cfg_lock);
	return err;
}

static int knat_inside_check(struct knat_net *kn, __be32 prefix, u8 plen,
			     u32 pool_id, struct netlink_ext_ack *extack)
{
	if (knat_overlaps_inside(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "prefix overlaps an existing inside prefix");
		return -EEXIST;
	}
	if (knat_overlaps_pool(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(extack, "prefix overlaps a pool");
		return -EINVAL;
	}
	if (kn->ninsides >= KNAT_MAX_INSIDES) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many inside prefixes: at most 64");
		return -ENOSPC;
	}
	if (!knat_live_pool(kn, pool_id, extack))
		return -ENOENT;
	return 0;
}

static int knat_exempt_check(struct knat_net *kn, __be32 prefix, u8 plen,
			     u32 pool_id, struct netlink_ext_ack *extack)
{
	if (knat_overlaps_list(&kn->exempts, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "prefix overlaps an exempt destination");
		return -EEXIST;
	}
	if (knat_overlaps_pool(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(extack, "a pool address cannot be exempt");
		return -EINVAL;
	}
	if (kn->nexempts >= KNAT_MAX_EXEMPTS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many exempt destinations: at most 64");
		return -ENOSPC;
	}
	return 0;
}

typedef int (*knat_prefix_check_fn)(struct knat_net *kn, __be32 prefix,
				    u8 plen, u32 pool_id,
				    struct netlink_ext_ack *extack);

/* Add @prefix/@plen to @list (insides or exempts) if @check allows. */
static int knat_prefix_add(struct knat_net *kn, struct list_head *list,
			   u32 *count, __be32 prefix, u8 plen, u32 pool_id,
			   knat_prefix_check_fn check,
			   struct netlink_ext_ack *extack)
{
	struct knat_inside *in;
	int err;

	mutex_lock(&kn->cfg_lock);
	err = check(kn, prefix, plen, pool_id, extack);
	if (err)
		goto unlock;
	err = -ENOMEM;
	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		goto unlock;
	in->prefix = prefix;
	in->plen = plen;
	in->mask = inet_make_mask(plen);
	in->pool_id = pool_id;
	in->seq = knat_list_seq(kn);
	spin_lock_bh(&kn->lock);
	list_add_tail_rcu(&in->list, list);
	WRITE_ONCE(*count, *count + 1);
	spin_unlock_bh(&kn->lock);
	err = 0;
unlock:
	mutex_unlock(&kn->cfg_lock);
	return err;
}

/* Remove @prefix/@plen from @list.  Return: 0, or -ENOENT. */
static int knat_prefix_del(struct knat_net *kn, struct list_head *list,
			   u32 *count, __be32 prefix, u8 plen)
{
	struct knat_inside *in;

	lockdep_assert_held(&kn->cfg_lock);
	list_for_each_entry(in, list, list) {
		if (in->prefix != prefix || in->plen != plen)
			continue;
		/* Live mappings stay until they expire or are flushed. */
		spin_lock_bh(&kn->lock);
		list_del_rcu(&in->list);
		WRITE_ONCE(*count, *count - 1);
		spin_unlock_bh(&kn->lock);
		kfree_rcu(in, rcu);
		return 0;
	}
	return -ENOENT;
}

/* Translate the inside addresses of @prefix/@plen with pool @pool_id. */
int knat_inside_add(struct knat_net *kn, __be32 prefix, u8 plen, u32 pool_id,
		    struct netlink_ext_ack *extack)
{
	return knat_prefix_add(kn, &kn->insides, &kn->ninsides, prefix, plen,
			       pool_id, knat_inside_check, extack);
}

/*
 * Stop translating @prefix/@plen.  Its forwards go with it, and its
 * sessions: its packets out are no longer translated, so neither are
 * those in.  Return: 0, or -ENOENT.
 */
int knat_inside_del(struct knat_net *kn, __be32 prefix, u8 plen,
		    struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&kn->cfg_lock);
	err = knat_prefix_del(kn, &kn->insides, &kn->ninsides, prefix, plen);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "no such inside prefix");
	} else {
		knat_forwards_retire(kn, NULL, prefix, plen);
		knat_flush_inside(kn, prefix, plen);
	}
	mutex_unlock(&kn->cfg_lock);
	return err;
}

/* RFC 6888 REQ-6: traffic from inside toward @prefix is not translated. */
int knat_exempt_add(struct knat_net *kn, __be32 prefix, u8 plen,
		    struct netlink_ext_ack *extack)
{
	return knat_prefix_add(kn, &kn->exempts, &kn->nexempts, prefix, plen,
			       0, knat_exempt_check, extack);
}

int knat_exempt_del(struct knat_net *kn, __be32 prefix, u8 plen,
		    struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&kn->cfg_lock);
	err = knat_prefix_del(kn, &kn->exempts, &kn->nexempts, prefix, plen);
	mutex_unlock(&kn->cfg_lock);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "no such exempt destination");
	return err;
}

/**
 * knat_flush_pool - remove sessions and mappings
 * @kn: namespace state
 * @id: of pool @id only; 0: of every pool
 * @extack: the reason of a refusal
 *
 * Forwards stay, without sessions.  Return: 0, or -ENOENT.
 */
int knat_flush_pool(struct knat_net *kn, u32 id,
		    struct netlink_ext_ack *extack)
{
	struct knat_pool *pool = NULL;
	int err = 0;

	mutex_lock(&kn->cfg_lock);
	if (id) {
		pool = knat_pool_by_id(kn, id);
		if (!pool) {
			NL_SET_ERR_MSG_MOD(extack, "no such pool");
			err = -ENOENT;
		}
	}
	if (!err)
		knat_flush(kn, pool);
	mutex_unlock(&kn->cfg_lock);
	return err;
}
