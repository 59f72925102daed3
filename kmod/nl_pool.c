// SPDX-License-Identifier: GPL-2.0
/*
 * knat: netlink commands on pools, their ranges, inside prefixes and
 * subscribers: each parses its request, calls the configuration operation
 * (config.c) or reads the state, and replies.
 */
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "knat.h"
#include "alloc.h"
#include "block.h"
#include "config.h"
#include "det.h"
#include "netlink.h"
#include "pool.h"
#include "subscriber.h"

static u32 knat_pool_id(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KNAT_A_POOL_ID];

	return attr ? nla_get_u32(attr) : 1;
}

static bool knat_now(struct genl_info *info)
{
	struct nlattr *now = info->attrs[KNAT_A_NOW];

	return now && nla_get_u8(now);
}

/*
 * ROUTER_PORTS: its PORTS entries (PORT_MAX defaults to PORT_MIN), at most
 * KNAT_ROUTER_PORTS_MAX of them; their values are knat_pool_add()'s to
 * check.
 */
static int knat_parse_router_ports(struct genl_info *info,
				   struct knat_pool_cfg *c)
{
	struct nlattr *list = info->attrs[KNAT_A_ROUTER_PORTS], *e;
	struct nlattr *tb[KNAT_A_MAX + 1];
	int rem, err;

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
		if (c->nrouter_ports == KNAT_ROUTER_PORTS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, e,
					    "more than 8 router-ports ranges");
			return -E2BIG;
		}
		c->router_ports[c->nrouter_ports].lo =
			nla_get_u16(tb[KNAT_A_PORT_MIN]);
		c->router_ports[c->nrouter_ports].hi = tb[KNAT_A_PORT_MAX] ?
			nla_get_u16(tb[KNAT_A_PORT_MAX]) :
			c->router_ports[c->nrouter_ports].lo;
		c->nrouter_ports++;
	}
	return 0;
}

/* The options of POOL_ADD, over the defaults. */
static void knat_parse_pool_options(struct nlattr **a, struct knat_pool_cfg *c)
{
	if (a[KNAT_A_PORT_MIN])
		c->port_min = nla_get_u16(a[KNAT_A_PORT_MIN]);
	if (a[KNAT_A_PORT_MAX])
		c->port_max = nla_get_u16(a[KNAT_A_PORT_MAX]);
	if (a[KNAT_A_BLOCK_SIZE])
		c->block_size = nla_get_u16(a[KNAT_A_BLOCK_SIZE]);
	if (a[KNAT_A_LOW_BLOCK])
		c->low_block = nla_get_u16(a[KNAT_A_LOW_BLOCK]);
	if (a[KNAT_A_MAX_BLOCKS])
		c->max_blocks = nla_get_u16(a[KNAT_A_MAX_BLOCKS]);
	if (a[KNAT_A_SUB_MAX_SESSIONS])
		c->max_sessions = nla_get_u32(a[KNAT_A_SUB_MAX_SESSIONS]);
	if (a[KNAT_A_INBOUND_LIMIT])
		c->inbound_limit = nla_get_u16(a[KNAT_A_INBOUND_LIMIT]);
	if (a[KNAT_A_INBOUND_SUB_LIMIT])
		c->inbound_sub_limit = nla_get_u32(a[KNAT_A_INBOUND_SUB_LIMIT]);
	if (a[KNAT_A_UNCONFIRMED_SHARE])
		c->unconfirmed_share = nla_get_u8(a[KNAT_A_UNCONFIRMED_SHARE]);
	if (a[KNAT_A_COOLING])
		c->cooling_secs = nla_get_u32(a[KNAT_A_COOLING]);
	if (a[KNAT_A_OVERLAP])
		c->overlap = nla_get_u8(a[KNAT_A_OVERLAP]);
	if (a[KNAT_A_PARITY])
		c->parity = nla_get_u8(a[KNAT_A_PARITY]);
	if (a[KNAT_A_MODE])
		c->mode = nla_get_u8(a[KNAT_A_MODE]);
	if (a[KNAT_A_FILTER_TCP])
		c->filter[0] = nla_get_u8(a[KNAT_A_FILTER_TCP]);
	if (a[KNAT_A_FILTER_UDP])
		c->filter[1] = nla_get_u8(a[KNAT_A_FILTER_UDP]);
	if (a[KNAT_A_MAPPING_TCP])
		c->mapping[0] = nla_get_u8(a[KNAT_A_MAPPING_TCP]);
	if (a[KNAT_A_MAPPING_UDP])
		c->mapping[1] = nla_get_u8(a[KNAT_A_MAPPING_UDP]);
}

/* POOL_ADD: its addresses (or interface), options and inside prefix. */
static int knat_parse_pool(struct genl_info *info, struct knat_pool_cfg *c)
{
	struct nlattr **a = info->attrs;
	int err;

	knat_pool_cfg_init(c, knat_pool_id(info));
	if (a[KNAT_A_IFINDEX] && (a[KNAT_A_ADDR] || a[KNAT_A_PREFIXLEN])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a pool has addresses or follows an interface, not both");
		return -EINVAL;
	}
	if (a[KNAT_A_IFINDEX]) {
		c->ifindex = nla_get_u32(a[KNAT_A_IFINDEX]);
	} else {
		err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN,
				      &c->prefix, &c->plen);
		if (err)
			return err;
	}
	knat_parse_pool_options(a, c);
	if (a[KNAT_A_IN_ADDR] || a[KNAT_A_IN_PREFIXLEN]) {
		err = knat_get_prefix(info, KNAT_A_IN_ADDR,
				      KNAT_A_IN_PREFIXLEN, &c->det_prefix,
				      &c->det_plen);
		if (err)
			return err;
		c->det_prefix_set = true;
	}
	return knat_parse_router_ports(info, c);
}

int knat_nl_pool_add(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_pool_cfg c;
	int err;

	err = knat_parse_pool(info, &c);
	return err ?: knat_pool_add(kn, &c, info->extack);
}

int knat_nl_pool_del(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_POOL_ID))
		return -EINVAL;
	return knat_pool_del(knat_pernet(genl_info_net(info)),
			     knat_pool_id(info), knat_now(info), info->extack);
}

int knat_nl_range_add(struct sk_buff *skb, struct genl_info *info)
{
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	return err ?: knat_range_add(knat_pernet(genl_info_net(info)),
				     knat_pool_id(info), prefix, plen,
				     info->extack);
}

int knat_nl_range_del(struct sk_buff *skb, struct genl_info *info)
{
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	return err ?: knat_range_del(knat_pernet(genl_info_net(info)),
				     knat_pool_id(info), prefix, plen,
				     knat_now(info), info->extack);
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

static int knat_router_ports_fill(struct sk_buff *skb,
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

static int knat_pool_fill(struct sk_buff *skb, const struct knat_pool *pool)
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
	if (knat_router_ports_fill(skb, pool))
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
		  int (*fill)(struct sk_buff *, const void *), const void *obj)
{
	void *hdr = knat_msg_start(skb, NULL, cb, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (fill(skb, obj)) {
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
		   int (*fill)(struct sk_buff *, const void *),
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
		if (knat_dump_one(skb, cb, cmd, fill, pos))
			break;
		cb->args[0] = n;
	}
	rcu_read_unlock();
	return skb->len;
}

static int knat_pool_entry_fill(struct sk_buff *skb, const void *pos)
{
	return knat_pool_fill(skb, list_entry(pos, struct knat_pool, list));
}

static unsigned long knat_pool_seq(const struct list_head *pos)
{
	return list_entry(pos, struct knat_pool, list)->seq;
}

int knat_nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_list_dump(skb, cb, &knat_pernet(sock_net(skb->sk))->pools,
			      KNAT_CMD_POOL_GET, knat_pool_entry_fill,
			      knat_pool_seq);
}

static int knat_inside_fill(struct sk_buff *skb, const void *pos)
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
			      KNAT_CMD_INSIDE_GET, knat_inside_fill,
			      knat_inside_seq);
}

int knat_nl_exempt_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_list_dump(skb, cb, &knat_pernet(sock_net(skb->sk))->exempts,
			      KNAT_CMD_EXEMPT_GET, knat_inside_fill,
			      knat_inside_seq);
}

typedef int (*knat_prefix_fn)(struct knat_net *kn, __be32 prefix, u8 plen,
			      struct netlink_ext_ack *extack);

/* Call @fn with the prefix of ADDR and PREFIXLEN. */
static int knat_nl_prefix(struct genl_info *info, knat_prefix_fn fn)
{
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	return err ?: fn(knat_pernet(genl_info_net(info)), prefix, plen,
			 info->extack);
}

int knat_nl_inside_add(struct sk_buff *skb, struct genl_info *info)
{
	__be32 prefix;
	u8 plen;
	int err;

	err = knat_get_prefix(info, KNAT_A_ADDR, KNAT_A_PREFIXLEN, &prefix,
			      &plen);
	return err ?: knat_inside_add(knat_pernet(genl_info_net(info)), prefix,
				      plen, knat_pool_id(info), info->extack);
}

int knat_nl_inside_del(struct sk_buff *skb, struct genl_info *info)
{
	return knat_nl_prefix(info, knat_inside_del);
}

int knat_nl_exempt_add(struct sk_buff *skb, struct genl_info *info)
{
	return knat_nl_prefix(info, knat_exempt_add);
}

int knat_nl_exempt_del(struct sk_buff *skb, struct genl_info *info)
{
	return knat_nl_prefix(info, knat_exempt_del);
}

int knat_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	return knat_flush_pool(knat_pernet(genl_info_net(info)),
			       info->attrs[KNAT_A_POOL_ID] ?
			       knat_pool_id(info) : 0, info->extack);
}

static int knat_block_fill(struct sk_buff *skb, __be32 ext, u16 lo, u16 hi)
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
static int knat_sub_blocks_fill(struct sk_buff *skb,
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
	if (sub->ext && knat_block_fill(skb, sub->ext->addr, sub->det_lo,
					sub->det_hi))
		return -EMSGSIZE;
	list_for_each_entry(b, &sub->blocks, node) {
		knat_block_bounds(b, &lo, &hi);
		if (knat_block_fill(skb, knat_block_addr(b)->addr, lo, hi))
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
	      knat_sub_blocks_fill(skb, sub);
	spin_unlock_bh(&kn->lock);
	return err ? -EMSGSIZE : 0;
}

static int knat_sub_entry_fill(struct sk_buff *skb, const void *sub)
{
	return knat_sub_attrs(skb, knat_pernet(sock_net(skb->sk)), sub);
}

static int knat_sub_fill(struct sk_buff *skb, struct netlink_callback *cb,
			 const void *obj)
{
	return knat_dump_one(skb, cb, KNAT_CMD_SUBSCRIBER_GET, knat_sub_entry_fill,
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
		      int (*fill)(struct sk_buff *, struct knat_net *,
				  struct genl_info *))
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = knat_msg_start(msg, info, NULL, cmd);
	err = hdr ? fill(msg, kn, info) : -EMSGSIZE;
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int knat_sub_get_fill(struct sk_buff *msg, struct knat_net *kn,
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
	return knat_reply(info, KNAT_CMD_SUBSCRIBER_GET, knat_sub_get_fill);
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
	if (!nest || knat_block_fill(msg, ext->addr, lo, hi))
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
	nfwd = knat_forwards_fill(msg, kn, addr, port);
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

static int knat_whois_fill(struct sk_buff *msg, struct knat_net *kn,
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
	return knat_reply(info, KNAT_CMD_WHOIS, knat_whois_fill);
}
