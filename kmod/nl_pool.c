// SPDX-License-Identifier: GPL-2.0
/*
 * knat: netlink commands on pools, their ranges, inside prefixes and
 * subscribers.
 *
 * Configuration writers hold kn->cfg_lock (the GC's reaper of drained pools
 * takes it too); the packet path and dumps read the lists under RCU.
 */
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "knat.h"
#include "netlink.h"

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

static u32 knat_pool_id(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KNAT_A_POOL_ID];

	return attr ? nla_get_u32(attr) : 1;
}

/* A live pool named by POOL_ID (default 1), or an extack error. */
static struct knat_pool *knat_pool_get(struct knat_net *kn,
				       struct genl_info *info)
{
	struct knat_pool *pool = knat_pool_by_id(kn, knat_pool_id(info));

	if (!pool || pool->draining) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such pool");
		return NULL;
	}
	return pool;
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
 * Under cfg_lock.  Return: 0 or an error.
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

static int knat_range_new(struct knat_net *kn, struct knat_pool *pool,
			  struct genl_info *info)
{
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	if (err)
		return err;
	return knat_pool_add_range(kn, pool, prefix, plen, info->extack);
}

/*
 * A pool that follows interface IFINDEX: a dynamic one, of an interface
 * of the namespace, with its addresses.
 */
static int knat_pool_follow(struct knat_net *kn, struct knat_pool *pool,
			    struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KNAT_A_IFINDEX];
	bool found;

	if (pool->mode != KNAT_MODE_DYNAMIC) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a deterministic pool's addresses are fixed: it cannot follow an interface");
		return -EINVAL;
	}
	pool->ifindex = nla_get_u32(attr);
	rcu_read_lock();
	found = dev_get_by_index_rcu(kn->net, pool->ifindex);
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such interface");
		return -ENODEV;
	}
	return knat_if_pool_fill(kn, pool, info->extack);
}

/*
 * Low blocks: by default in a dynamic pool whose ports start above 1023,
 * of KNAT_LOW_BLOCK ports; never in one whose range has low ports.
 */
static int knat_pool_low_blocks(struct knat_pool *pool, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KNAT_A_LOW_BLOCK];
	bool may = pool->mode == KNAT_MODE_DYNAMIC && pool->port_min >= 1024;
	u16 size = may ? KNAT_LOW_BLOCK : 0;

	if (attr)
		size = nla_get_u16(attr);
	if (size && !may) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "low blocks need a dynamic pool whose ports start above 1023");
		return -EINVAL;
	}
	knat_pool_low(pool, size);
	return 0;
}

/*
 * The pool's router-ports: the ports of PORTS entries (PORT_MAX defaults
 * to PORT_MIN), at most KNAT_ROUTER_PORTS_MAX of them, kept sorted and
 * merged.
 */
static int knat_pool_router_ports(struct knat_pool *pool,
				  struct genl_info *info)
{
	struct nlattr *list = info->attrs[KNAT_A_ROUTER_PORTS], *e;
	struct nlattr *tb[KNAT_A_MAX + 1];
	struct knat_spans x = {};
	int rem, n = 0, err;
	u16 lo, hi;

	if (!list)
		return 0;
	nla_for_each_nested(e, list, rem) {
		err = nla_parse_nested(tb, KNAT_A_MAX, e, NULL, info->extack);
		if (err)
			return err;
		if (!tb[KNAT_A_PORT_MIN]) {
			NL_SET_ERR_MSG_ATTR(info->extack, e,
					    "router ports without their first port");
			return -EINVAL;
		}
		lo = nla_get_u16(tb[KNAT_A_PORT_MIN]);
		hi = tb[KNAT_A_PORT_MAX] ? nla_get_u16(tb[KNAT_A_PORT_MAX]) : lo;
		if (lo > hi) {
			NL_SET_ERR_MSG_ATTR(info->extack, e,
					    "router ports are reversed: the first port is above the last");
			return -EINVAL;
		}
		if (++n > KNAT_ROUTER_PORTS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, e,
					    "more than 8 router-ports ranges");
			return -E2BIG;
		}
		knat_spans_add(&x, lo, hi);
	}
	pool->nrouter_ports = x.n;
	memcpy(pool->router_ports, x.s, x.n * sizeof(x.s[0]));
	return 0;
}

/* Settings of POOL_ADD that are not addresses. */
static int knat_pool_settings(struct knat_pool *pool, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	__be32 prefix;
	u8 plen;
	int err;

	if (a[KNAT_A_MAX_BLOCKS])
		pool->max_blocks = nla_get_u16(a[KNAT_A_MAX_BLOCKS]);
	if (a[KNAT_A_SUB_MAX_SESSIONS])
		pool->max_sessions = nla_get_u32(a[KNAT_A_SUB_MAX_SESSIONS]);
	if (a[KNAT_A_INBOUND_LIMIT])
		pool->inbound_limit = nla_get_u16(a[KNAT_A_INBOUND_LIMIT]);
	if (a[KNAT_A_INBOUND_SUB_LIMIT])
		pool->inbound_sub_limit = nla_get_u32(a[KNAT_A_INBOUND_SUB_LIMIT]);
	if (a[KNAT_A_UNCONFIRMED_SHARE])
		pool->unconfirmed_share = nla_get_u8(a[KNAT_A_UNCONFIRMED_SHARE]);
	if (a[KNAT_A_COOLING])
		pool->cooling_secs = nla_get_u32(a[KNAT_A_COOLING]);
	if (a[KNAT_A_OVERLAP])
		pool->overlap = nla_get_u8(a[KNAT_A_OVERLAP]);
	if (a[KNAT_A_PARITY])
		pool->parity = nla_get_u8(a[KNAT_A_PARITY]);
	if (a[KNAT_A_MODE])
		pool->mode = nla_get_u8(a[KNAT_A_MODE]);
	if (a[KNAT_A_FILTER_TCP])
		pool->filter[0] = nla_get_u8(a[KNAT_A_FILTER_TCP]);
	if (a[KNAT_A_FILTER_UDP])
		pool->filter[1] = nla_get_u8(a[KNAT_A_FILTER_UDP]);
	if (a[KNAT_A_MAPPING_TCP])
		pool->mapping[0] = nla_get_u8(a[KNAT_A_MAPPING_TCP]);
	if (a[KNAT_A_MAPPING_UDP])
		pool->mapping[1] = nla_get_u8(a[KNAT_A_MAPPING_UDP]);
	if (pool->overlap && (pool->mapping[0] || pool->mapping[1])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "port overlapping needs endpoint-independent mapping");
		return -EINVAL;
	}
	err = knat_pool_low_blocks(pool, info) ?:
	      knat_pool_router_ports(pool, info);
	if (err)
		return err;
	if (pool->mode != KNAT_MODE_DETERMINISTIC) {
		if (a[KNAT_A_IN_ADDR] || a[KNAT_A_IN_PREFIXLEN]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "an inside prefix is only for deterministic pools");
			return -EINVAL;
		}
		return 0;
	}
	if (pool->overlap) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KNAT_A_OVERLAP],
				    "port overlapping needs a dynamic pool");
		return -EINVAL;
	}
	err = knat_get_prefix(info, KNAT_A_IN_ADDR, KNAT_A_IN_PREFIXLEN,
			      &prefix, &plen);
	if (err)
		return err;
	pool->det_prefix = prefix;
	pool->det_plen = plen;
	return 0;
}

int knat_nl_pool_add(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct nlattr **a = info->attrs;
	u16 lo = 1024, hi = 65535, bs;
	struct knat_pool *pool;
	u32 id = knat_pool_id(info);
	__be32 prefix;
	u8 plen;
	int err;

	if (a[KNAT_A_IFINDEX] && (a[KNAT_A_ADDR] || a[KNAT_A_PREFIXLEN])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a pool has addresses or follows an interface, not both");
		return -EINVAL;
	}
	if (!a[KNAT_A_IFINDEX]) {
		err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN,
				      &prefix, &plen);
		if (err)
			return err;
	}
	if (a[KNAT_A_PORT_MIN])
		lo = nla_get_u16(a[KNAT_A_PORT_MIN]);
	if (a[KNAT_A_PORT_MAX])
		hi = nla_get_u16(a[KNAT_A_PORT_MAX]);
	if (lo > hi) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KNAT_A_PORT_MAX] ?: a[KNAT_A_PORT_MIN],
				    "port range is reversed: the first port is above the last");
		return -EINVAL;
	}
	bs = min_t(u32, 256, (u32)hi - lo + 1);
	if (a[KNAT_A_BLOCK_SIZE])
		bs = nla_get_u16(a[KNAT_A_BLOCK_SIZE]);
	if (bs > (u32)hi - lo + 1) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KNAT_A_BLOCK_SIZE],
				    "block size is larger than the port range");
		return -EINVAL;
	}
	mutex_lock(&kn->cfg_lock);
	err = -EEXIST;
	if (knat_pool_by_id(kn, id)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "pool exists: add addresses to it with RANGE_ADD");
		goto unlock;
	}
	err = -ENOSPC;
	if (kn->npools >= KNAT_MAX_POOLS) {
		NL_SET_ERR_MSG_MOD(info->extack, "too many pools: at most 16");
		goto unlock;
	}
	err = knat_attach(kn);
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "cannot attach to the namespace's netfilter hooks");
		goto unlock;
	}
	err = -ENOMEM;
	pool = knat_pool_create(id, lo, hi, bs);
	if (!pool)
		goto unlock;
	err = knat_pool_settings(pool, info);
	if (!err && a[KNAT_A_IFINDEX])
		err = knat_pool_follow(kn, pool, info);
	else if (!err)
		err = knat_range_new(kn, pool, info);
	if (!err && pool->mode == KNAT_MODE_DETERMINISTIC &&
	    knat_det_setup(pool, pool->det_prefix, pool->det_plen)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "inside prefix too large: less than one port per subscriber");
		err = -ERANGE;
	}
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
 * With NOW, a drained range's or pool's mappings go at once, and with them
 * the range or pool, rather than as they expire: the operator is changing
 * addresses, and flows on the old ones would be broken.
 */
static void knat_drain_now(struct knat_net *kn, struct genl_info *info,
			   struct knat_pool *pool, struct knat_range *range)
{
	struct nlattr *now = info->attrs[KNAT_A_NOW];

	if (!now || !nla_get_u8(now))
		return;
	knat_retire(kn, pool, range);
	knat_pools_reap(kn);
}

int knat_nl_pool_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_pool *pool;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_POOL_ID))
		return -EINVAL;
	mutex_lock(&kn->cfg_lock);
	pool = knat_pool_get(kn, info);
	if (pool) {
		knat_pool_drain(kn, pool);
		knat_drain_now(kn, info, pool, NULL);
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

int knat_nl_range_add(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_pool *pool;
	int err = -ENOENT;

	mutex_lock(&kn->cfg_lock);
	pool = knat_pool_get(kn, info);
	if (pool && knat_pool_fixed(pool, info->extack))
		err = -EOPNOTSUPP;
	else if (pool)
		err = knat_range_new(kn, pool, info);
	mutex_unlock(&kn->cfg_lock);
	return err;
}

int knat_nl_range_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_range *range;
	struct knat_pool *pool;
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	if (err)
		return err;
	mutex_lock(&kn->cfg_lock);
	err = -ENOENT;
	pool = knat_pool_get(kn, info);
	if (!pool)
		goto unlock;
	err = -EOPNOTSUPP;
	if (knat_pool_fixed(pool, info->extack))
		goto unlock;
	err = -ENOENT;
	list_for_each_entry(range, &pool->ranges, list) {
		if (range->prefix != prefix || range->plen != plen ||
		    range->draining)
			continue;
		knat_range_drain(kn, range);
		knat_drain_now(kn, info, pool, range);
		err = 0;
		goto unlock;
	}
	NL_SET_ERR_MSG_MOD(info->extack, "no such address range in the pool");
unlock:
	mutex_unlock(&kn->cfg_lock);
	return err;
}

static int knat_range_fill(struct sk_buff *skb, const struct knat_range *range)
{
	struct nlattr *nest = nla_nest_start(skb, KNAT_A_RANGE);

	if (!nest ||
	    nla_put_be32(skb, KNAT_A_ADDR, range->prefix) ||
	    nla_put_u8(skb, KNAT_A_PREFIXLEN, range->plen) ||
	    nla_put_u8(skb, KNAT_A_DRAINING, range->draining) ||
	    nla_put_u32(skb, KNAT_A_MAPPINGS, atomic_read(&range->nmappings)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int knat_router_ports_put(struct sk_buff *skb,
				 const struct knat_pool *pool)
{
	struct nlattr *list, *e;
	u8 i;

	if (!pool->nrouter_ports)
		return 0;
	list = nla_nest_start(skb, KNAT_A_ROUTER_PORTS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < pool->nrouter_ports; i++) {
		e = nla_nest_start(skb, KNAT_A_PORTS);
		if (!e ||
		    nla_put_u16(skb, KNAT_A_PORT_MIN, pool->router_ports[i].lo) ||
		    nla_put_u16(skb, KNAT_A_PORT_MAX, pool->router_ports[i].hi))
			return -EMSGSIZE;
		nla_nest_end(skb, e);
	}
	nla_nest_end(skb, list);
	return 0;
}

static int knat_pool_put(struct sk_buff *skb, const struct knat_pool *pool)
{
	u32 total = 0, active = 0, cooling = 0;
	const struct knat_range *range;
	struct nlattr *nest;

	if (nla_put_u32(skb, KNAT_A_POOL_ID, pool->id) ||
	    nla_put_u8(skb, KNAT_A_MODE, pool->mode) ||
	    nla_put_u16(skb, KNAT_A_PORT_MIN, pool->port_min) ||
	    nla_put_u16(skb, KNAT_A_PORT_MAX, pool->port_max) ||
	    nla_put_u16(skb, KNAT_A_MAX_BLOCKS, pool->max_blocks) ||
	    nla_put_u32(skb, KNAT_A_SUB_MAX_SESSIONS, pool->max_sessions) ||
	    nla_put_u16(skb, KNAT_A_INBOUND_LIMIT, pool->inbound_limit) ||
	    nla_put_u32(skb, KNAT_A_INBOUND_SUB_LIMIT,
			pool->inbound_sub_limit) ||
	    nla_put_u8(skb, KNAT_A_UNCONFIRMED_SHARE, pool->unconfirmed_share) ||
	    nla_put_u32(skb, KNAT_A_COOLING, pool->cooling_secs) ||
	    nla_put_u8(skb, KNAT_A_OVERLAP, pool->overlap) ||
	    nla_put_u8(skb, KNAT_A_PARITY, pool->parity) ||
	    nla_put_u8(skb, KNAT_A_FILTER_TCP, pool->filter[0]) ||
	    nla_put_u8(skb, KNAT_A_FILTER_UDP, pool->filter[1]) ||
	    nla_put_u8(skb, KNAT_A_MAPPING_TCP, pool->mapping[0]) ||
	    nla_put_u8(skb, KNAT_A_MAPPING_UDP, pool->mapping[1]) ||
	    nla_put_u8(skb, KNAT_A_DRAINING, pool->draining) ||
	    nla_put_u32(skb, KNAT_A_MAPPINGS, atomic_read(&pool->nmappings)) ||
	    (pool->ifindex &&
	     nla_put_u32(skb, KNAT_A_IFINDEX, pool->ifindex)))
		return -EMSGSIZE;
	if (pool->mode == KNAT_MODE_DETERMINISTIC) {
		if (nla_put_be32(skb, KNAT_A_IN_ADDR, pool->det_prefix) ||
		    nla_put_u8(skb, KNAT_A_IN_PREFIXLEN, pool->det_plen) ||
		    nla_put_u16(skb, KNAT_A_BLOCK_SIZE, pool->det_ports))
			return -EMSGSIZE;
	} else if (nla_put_u16(skb, KNAT_A_BLOCK_SIZE, pool->block_size) ||
		   nla_put_u16(skb, KNAT_A_LOW_BLOCK, pool->low_block)) {
		return -EMSGSIZE;
	}
	if (knat_router_ports_put(skb, pool))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KNAT_A_RANGES);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry_rcu(range, &pool->ranges, list) {
		if (knat_range_fill(skb, range))
			return -EMSGSIZE;
		if (pool->mode == KNAT_MODE_DETERMINISTIC)
			continue;
		total += range->naddrs * (pool->nblocks + pool->nlow);
		active += READ_ONCE(range->nactive);
		cooling += READ_ONCE(range->ncooling);
	}
	nla_nest_end(skb, nest);
	if (pool->mode == KNAT_MODE_DETERMINISTIC)
		return 0;
	if (nla_put_u32(skb, KNAT_A_BLOCKS_TOTAL, total) ||
	    nla_put_u32(skb, KNAT_A_BLOCKS_ACTIVE, active) ||
	    nla_put_u32(skb, KNAT_A_BLOCKS_COOLING, cooling) ||
	    nla_put_u32(skb, KNAT_A_BLOCKS_UNCONFIRMED,
			READ_ONCE(pool->unconfirmed_blocks)))
		return -EMSGSIZE;
	return 0;
}

/* One message of a dump: @put's attributes of @obj. */
int knat_dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		  int (*put)(struct sk_buff *, const void *), const void *obj)
{
	void *hdr = knat_msg_put(skb, NULL, cb, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A dump of a short RCU list (KNAT_MAX_POOLS, KNAT_MAX_FORWARDS), resumed
 * after the knat_list_seq() of the last entry sent, not at its index: an
 * entry removed meanwhile makes no other one be skipped.  @put and @seq
 * get the list_head of each entry.
 */
int knat_list_dump(struct sk_buff *skb, struct netlink_callback *cb,
		   struct list_head *head, u8 cmd,
		   int (*put)(struct sk_buff *, const void *),
		   unsigned long (*seq)(const struct list_head *))
{
	struct list_head *pos;
	int err = knat_dump_check(cb);

	if (err)
		return err;
	rcu_read_lock();
	list_for_each_rcu(pos, head) {
		unsigned long n = seq(pos);

		if (n <= (unsigned long)cb->args[0])
			continue;
		if (knat_dump_one(skb, cb, cmd, put, pos))
			break;
		cb->args[0] = n;
	}
	rcu_read_unlock();
	return skb->len;
}

static int knat_pool_entry_put(struct sk_buff *skb, const void *pos)
{
	return knat_pool_put(skb, list_entry(pos, struct knat_pool, list));
}

static unsigned long knat_pool_seq(const struct list_head *pos)
{
	return list_entry(pos, struct knat_pool, list)->seq;
}

int knat_nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_list_dump(skb, cb, &knat_pernet(sock_net(skb->sk))->pools,
			      KNAT_CMD_POOL_GET, knat_pool_entry_put,
			      knat_pool_seq);
}

static int knat_inside_put(struct sk_buff *skb, const void *pos)
{
	const struct knat_inside *in = list_entry(pos, struct knat_inside, list);

	if (nla_put_be32(skb, KNAT_A_ADDR, in->prefix) ||
	    nla_put_u8(skb, KNAT_A_PREFIXLEN, in->plen) ||
	    (in->pool_id && nla_put_u32(skb, KNAT_A_POOL_ID, in->pool_id)))
		return -EMSGSIZE;
	return 0;
}

static unsigned long knat_inside_seq(const struct list_head *pos)
{
	return list_entry(pos, struct knat_inside, list)->seq;
}

int knat_nl_inside_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_list_dump(skb, cb, &knat_pernet(sock_net(skb->sk))->insides,
			      KNAT_CMD_INSIDE_GET, knat_inside_put,
			      knat_inside_seq);
}

int knat_nl_exempt_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_list_dump(skb, cb, &knat_pernet(sock_net(skb->sk))->exempts,
			      KNAT_CMD_EXEMPT_GET, knat_inside_put,
			      knat_inside_seq);
}

static int knat_inside_check(struct knat_net *kn, struct genl_info *info,
			     __be32 prefix, u8 plen)
{
	if (knat_overlaps_inside(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "prefix overlaps an existing inside prefix");
		return -EEXIST;
	}
	if (knat_overlaps_pool(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(info->extack, "prefix overlaps a pool");
		return -EINVAL;
	}
	if (kn->ninsides >= KNAT_MAX_INSIDES) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "too many inside prefixes: at most 64");
		return -ENOSPC;
	}
	if (!knat_pool_get(kn, info))
		return -ENOENT;
	return 0;
}

typedef int (*knat_prefix_check_fn)(struct knat_net *kn,
				    struct genl_info *info, __be32 prefix,
				    u8 plen);

/* Add ADDR/PREFIXLEN to @list (insides or exempts) if @check allows. */
static int knat_prefix_add(struct genl_info *info, struct list_head *list,
			   u32 *count, u32 pool_id, knat_prefix_check_fn check)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_inside *in;
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	if (err)
		return err;
	mutex_lock(&kn->cfg_lock);
	err = check(kn, info, prefix, plen);
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

/* Remove the entry of @list named by ADDR and PREFIXLEN: 0 or -ENOENT. */
static int knat_prefix_del(struct genl_info *info, struct list_head *list,
			   u32 *count)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_inside *in;
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	if (err)
		return err;
	mutex_lock(&kn->cfg_lock);
	err = -ENOENT;
	list_for_each_entry(in, list, list) {
		if (in->prefix != prefix || in->plen != plen)
			continue;
		/* Live mappings stay until they expire or are flushed. */
		spin_lock_bh(&kn->lock);
		list_del_rcu(&in->list);
		WRITE_ONCE(*count, *count - 1);
		spin_unlock_bh(&kn->lock);
		kfree_rcu(in, rcu);
		err = 0;
		break;
	}
	mutex_unlock(&kn->cfg_lock);
	return err;
}

int knat_nl_inside_add(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));

	return knat_prefix_add(info, &kn->insides, &kn->ninsides,
			       knat_pool_id(info), knat_inside_check);
}

/* The forwards of the prefix go with it: nothing would translate replies. */
int knat_nl_inside_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	int err = knat_prefix_del(info, &kn->insides, &kn->ninsides);

	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no such inside prefix");
	if (err)
		return err;
	mutex_lock(&kn->cfg_lock);
	knat_forwards_retire(kn, NULL,
			     nla_get_be32(info->attrs[KNAT_A_ADDR]),
			     nla_get_u8(info->attrs[KNAT_A_PREFIXLEN]));
	/* Their packets out are no longer translated: neither are those in. */
	knat_flush_inside(kn, nla_get_be32(info->attrs[KNAT_A_ADDR]),
			  nla_get_u8(info->attrs[KNAT_A_PREFIXLEN]));
	mutex_unlock(&kn->cfg_lock);
	return 0;
}

static int knat_exempt_check(struct knat_net *kn, struct genl_info *info,
			     __be32 prefix, u8 plen)
{
	if (knat_overlaps_list(&kn->exempts, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "prefix overlaps an exempt destination");
		return -EEXIST;
	}
	if (knat_overlaps_pool(kn, prefix, plen)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a pool address cannot be exempt");
		return -EINVAL;
	}
	if (kn->nexempts >= KNAT_MAX_EXEMPTS) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "too many exempt destinations: at most 64");
		return -ENOSPC;
	}
	return 0;
}

/* RFC 6888 REQ-6: traffic from inside toward @prefix is not translated. */
int knat_nl_exempt_add(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));

	return knat_prefix_add(info, &kn->exempts, &kn->nexempts, 0,
			       knat_exempt_check);
}

int knat_nl_exempt_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	int err = knat_prefix_del(info, &kn->exempts, &kn->nexempts);

	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no such exempt destination");
	return err;
}

int knat_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_pool *pool = NULL;
	int err = 0;

	mutex_lock(&kn->cfg_lock);
	if (info->attrs[KNAT_A_POOL_ID]) {
		pool = knat_pool_by_id(kn, knat_pool_id(info));
		if (!pool) {
			NL_SET_ERR_MSG_MOD(info->extack, "no such pool");
			err = -ENOENT;
		}
	}
	if (!err)
		knat_flush(kn, pool);
	mutex_unlock(&kn->cfg_lock);
	return err;
}

static int knat_block_put(struct sk_buff *skb, __be32 ext, u16 lo, u16 hi)
{
	struct nlattr *nest = nla_nest_start(skb, KNAT_A_BLOCK);

	if (!nest || nla_put_be32(skb, KNAT_A_EXT_ADDR, ext) ||
	    nla_put_u16(skb, KNAT_A_PORT_MIN, lo) ||
	    nla_put_u16(skb, KNAT_A_PORT_MAX, hi))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A subscriber's blocks, or its deterministic range. Under kn->lock. */
static int knat_sub_blocks_put(struct sk_buff *skb,
			       const struct knat_subscriber *sub)
{
	const struct knat_block *b;
	__be32 ext = knat_sub_ext(sub);
	struct nlattr *nest;
	u16 lo, hi;

	if (ext && nla_put_be32(skb, KNAT_A_EXT_ADDR, ext))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KNAT_A_BLOCKS);
	if (!nest)
		return -EMSGSIZE;
	if (sub->ext && knat_block_put(skb, sub->ext->addr, sub->det_lo,
				       sub->det_hi))
		return -EMSGSIZE;
	list_for_each_entry(b, &sub->blocks, node) {
		knat_block_bounds(b, &lo, &hi);
		if (knat_block_put(skb, knat_block_addr(b)->addr, lo, hi))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int knat_sub_attrs(struct sk_buff *skb, struct knat_net *kn,
			  const struct knat_subscriber *sub)
{
	int err;

	spin_lock_bh(&kn->lock);
	err = nla_put_be32(skb, KNAT_A_IN_ADDR, sub->addr) ||
	      nla_put_u32(skb, KNAT_A_POOL_ID, sub->pool->id) ||
	      nla_put_u32(skb, KNAT_A_MAPPINGS, sub->nmappings) ||
	      nla_put_u32(skb, KNAT_A_SESSIONS, sub->nsessions) ||
	      knat_sub_blocks_put(skb, sub);
	spin_unlock_bh(&kn->lock);
	return err ? -EMSGSIZE : 0;
}

static int knat_sub_entry_put(struct sk_buff *skb, const void *sub)
{
	return knat_sub_attrs(skb, knat_pernet(sock_net(skb->sk)), sub);
}

static int knat_sub_fill(struct sk_buff *skb, struct netlink_callback *cb,
			 const void *obj)
{
	return knat_dump_one(skb, cb, KNAT_CMD_SUBSCRIBER_GET, knat_sub_entry_put,
			     obj);
}

int knat_nl_sub_start(struct netlink_callback *cb)
{
	return knat_walk_start(cb, &knat_pernet(sock_net(cb->skb->sk))->subs,
			       NULL);
}

int knat_nl_sub_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_walk_dump(skb, cb, knat_sub_fill);
}

static int knat_reply(struct genl_info *info, u8 cmd,
		      int (*put)(struct sk_buff *, struct knat_net *,
				 struct genl_info *))
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = knat_msg_put(msg, info, NULL, cmd);
	err = hdr ? put(msg, kn, info) : -EMSGSIZE;
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int knat_sub_get_put(struct sk_buff *msg, struct knat_net *kn,
			    struct genl_info *info)
{
	__be32 addr = nla_get_be32(info->attrs[KNAT_A_IN_ADDR]);
	struct knat_subscriber *sub;
	int err = -ENOENT;

	rcu_read_lock();
	sub = knat_sub_find(kn, addr);
	if (sub)
		err = knat_sub_attrs(msg, kn, sub);
	else
		NL_SET_ERR_MSG_MOD(info->extack, "no state for this subscriber");
	rcu_read_unlock();
	return err;
}

int knat_nl_sub_get(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_IN_ADDR))
		return -EINVAL;
	return knat_reply(info, KNAT_CMD_SUBSCRIBER_GET, knat_sub_get_put);
}

/* Who may hold an inside address's ports: its state, or its pool's rule. */
static int knat_whois_inside(struct sk_buff *msg, struct knat_net *kn,
			     struct genl_info *info, __be32 addr)
{
	struct knat_subscriber *sub = knat_sub_find(kn, addr);
	struct knat_pool_addr *ext;
	struct knat_inside *in;
	struct knat_pool *pool;
	struct nlattr *nest;
	u16 lo, hi;

	if (sub)
		return knat_sub_attrs(msg, kn, sub);
	in = knat_inside_find(kn, addr);
	pool = in ? knat_pool_by_id(kn, in->pool_id) : NULL;
	if (!pool) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "address is not in an inside prefix with a pool");
		return -ENOENT;
	}
	if (nla_put_be32(msg, KNAT_A_IN_ADDR, addr) ||
	    nla_put_u32(msg, KNAT_A_POOL_ID, pool->id))
		return -EMSGSIZE;
	if (pool->mode != KNAT_MODE_DETERMINISTIC)
		return 0;
	ext = knat_det_lookup(pool, addr, &lo, &hi);
	if (!ext)
		return 0;
	if (nla_put_be32(msg, KNAT_A_EXT_ADDR, ext->addr))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, KNAT_A_BLOCKS);
	if (!nest || knat_block_put(msg, ext->addr, lo, hi))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Who holds an external address and port now. */
static int knat_whois_ext(struct sk_buff *msg, struct knat_net *kn,
			  struct genl_info *info, __be32 addr, u16 port)
{
	struct knat_pool_addr *pa = knat_pool_addr_find(kn, addr);
	struct knat_block *b;
	struct knat_pool *pool;
	int nfwd;
	__be32 who = 0;
	u8 state;
	u32 bi;
	u16 lo, hi;

	if (!pa) {
		NL_SET_ERR_MSG_MOD(info->extack, "address is not in a pool");
		return -ENOENT;
	}
	pool = pa->range->pool;
	if (nla_put_be32(msg, KNAT_A_EXT_ADDR, addr) ||
	    nla_put_u16(msg, KNAT_A_EXT_PORT, port) ||
	    nla_put_u32(msg, KNAT_A_POOL_ID, pool->id))
		return -EMSGSIZE;
	nfwd = knat_forwards_put(msg, kn, addr, port);
	if (nfwd < 0)
		return nfwd;
	if (pool->mode == KNAT_MODE_DETERMINISTIC) {
		if (!knat_det_reverse(pool, pa->range->first +
					    (pa - pa->range->addrs), port, &who))
			goto outside;
		knat_det_range(pool, who, &bi, &lo, &hi);
		state = KNAT_BLOCK_ACTIVE;
		goto put;
	}
	b = knat_port_block(pa, port);
	if (!b)
		goto outside;
	spin_lock_bh(&kn->lock);
	state = b->state;
	if (state != KNAT_BLOCK_FREE)
		who = b->last_owner;
	spin_unlock_bh(&kn->lock);
	knat_block_bounds(b, &lo, &hi);
put:
	if (nla_put_u8(msg, KNAT_A_BLOCK_STATE, state) ||
	    nla_put_u16(msg, KNAT_A_PORT_MIN, lo) ||
	    nla_put_u16(msg, KNAT_A_PORT_MAX, hi) ||
	    (who && nla_put_be32(msg, KNAT_A_IN_ADDR, who)))
		return -EMSGSIZE;
	return 0;
outside:
	/* A forward may use a port outside the blocks. */
	if (nfwd)
		return 0;
	NL_SET_ERR_MSG_MOD(info->extack, "port is outside the pool's blocks");
	return -ENOENT;
}

static int knat_whois_put(struct sk_buff *msg, struct knat_net *kn,
			  struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	int err;

	rcu_read_lock();
	if (a[KNAT_A_IN_ADDR])
		err = knat_whois_inside(msg, kn, info,
					nla_get_be32(a[KNAT_A_IN_ADDR]));
	else
		err = knat_whois_ext(msg, kn, info,
				     nla_get_be32(a[KNAT_A_EXT_ADDR]),
				     nla_get_u16(a[KNAT_A_EXT_PORT]));
	rcu_read_unlock();
	return err;
}

int knat_nl_whois(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	bool ext = a[KNAT_A_EXT_ADDR] && a[KNAT_A_EXT_PORT];

	if (!!a[KNAT_A_IN_ADDR] == (ext || a[KNAT_A_EXT_ADDR] ||
				    a[KNAT_A_EXT_PORT]) ||
	    (!a[KNAT_A_IN_ADDR] && !ext)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "ask about an inside address, or an external address and port");
		return -EINVAL;
	}
	return knat_reply(info, KNAT_CMD_WHOIS, knat_whois_put);
}
