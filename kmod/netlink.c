// SPDX-License-Identifier: GPL-2.0
/*
 * knat: the "knat" generic netlink family.
 *
 * Each command has its own strict policy: an attribute it does not take is
 * refused.  Every command needs CAP_NET_ADMIN over the namespace it acts
 * on, and every refusal says why in the extended ack.  Configuration is
 * changed under genl_mutex (the family is not parallel), so the lists of
 * pools and inside prefixes have one writer; the packet path reads them
 * under RCU.
 */
#include <linux/inetdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "knat.h"
#include "events.h"
#include "gc.h"
#include "netlink.h"
#include "table.h"

#define KNAT_MAX_SESSIONS_MAX	BIT(26)

static struct netlink_range_validation knat_timeout_range = {
	.min = 1,
	.max = KNAT_TIMEOUT_MAX,
};

static struct netlink_range_validation knat_sessions_range = {
	.min = 1,
	.max = KNAT_MAX_SESSIONS_MAX,
};

static struct netlink_range_validation knat_cooling_range = {
	.max = 24 * 3600,
};

static struct netlink_range_validation knat_interim_range = {
	.max = KNAT_TIMEOUT_MAX,
};

static const struct nla_policy knat_prefix_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
};

static const struct nla_policy knat_inside_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[KNAT_A_POOL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy knat_ports_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy knat_pool_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_POOL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KNAT_A_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[KNAT_A_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_BLOCK_SIZE] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_MAX_BLOCKS] = NLA_POLICY_RANGE(NLA_U16, 1, 1024),
	[KNAT_A_SUB_MAX_SESSIONS] = { .type = NLA_U32 },
	[KNAT_A_COOLING] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_cooling_range),
	[KNAT_A_OVERLAP] = NLA_POLICY_MAX(NLA_U8, 1),
	[KNAT_A_PARITY] = NLA_POLICY_MAX(NLA_U8, 1),
	[KNAT_A_MODE] = NLA_POLICY_MAX(NLA_U8, KNAT_MODE_MAX),
	[KNAT_A_FILTER_TCP] = NLA_POLICY_MAX(NLA_U8, KNAT_FILTER_MAX),
	[KNAT_A_FILTER_UDP] = NLA_POLICY_MAX(NLA_U8, KNAT_FILTER_MAX),
	[KNAT_A_MAPPING_TCP] = NLA_POLICY_MAX(NLA_U8, KNAT_MAPPING_MAX),
	[KNAT_A_MAPPING_UDP] = NLA_POLICY_MAX(NLA_U8, KNAT_MAPPING_MAX),
	[KNAT_A_IN_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_IN_PREFIXLEN] = NLA_POLICY_RANGE(NLA_U8, 8, 32),
	[KNAT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[KNAT_A_LOW_BLOCK] = NLA_POLICY_MAX(NLA_U16, 1023),
	[KNAT_A_INBOUND_LIMIT] = { .type = NLA_U16 },
	[KNAT_A_INBOUND_SUB_LIMIT] = { .type = NLA_U32 },
	[KNAT_A_UNCONFIRMED_SHARE] = NLA_POLICY_RANGE(NLA_U8, 1, 100),
	[KNAT_A_ROUTER_PORTS] = NLA_POLICY_NESTED_ARRAY(knat_ports_policy),
};

static const struct nla_policy knat_pool_id_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_POOL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy knat_pool_del_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_POOL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KNAT_A_NOW] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy knat_range_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_POOL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KNAT_A_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
};

static const struct nla_policy knat_range_del_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_POOL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KNAT_A_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[KNAT_A_NOW] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy knat_sub_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_IN_ADDR] = { .type = NLA_BE32 },
};

static const struct nla_policy knat_whois_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_IN_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_EXT_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_EXT_PORT] = { .type = NLA_U16 },
};

static const struct nla_policy knat_forward_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_PROTO] = { .type = NLA_U8 },
	[KNAT_A_IN_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_IN_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_EXT_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_EXT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static struct netlink_range_validation knat_lifetime_range = {
	.max = KNAT_TIMEOUT_MAX,
};

static const struct nla_policy knat_forward_map_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_PROTO] = { .type = NLA_U8 },
	[KNAT_A_IN_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_IN_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_EXT_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_EXT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNAT_A_LIFETIME] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_lifetime_range),
	[KNAT_A_NONCE] = NLA_POLICY_EXACT_LEN(KNAT_NONCE_LEN),
	[KNAT_A_EXACT] = { .type = NLA_FLAG },
};

static const struct nla_policy knat_forward_del_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_PROTO] = { .type = NLA_U8 },
	[KNAT_A_EXT_ADDR] = { .type = NLA_BE32 },
	[KNAT_A_EXT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy knat_config_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_TIMEOUT_UDP] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
	[KNAT_A_TIMEOUT_TCP_EST] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
	[KNAT_A_TIMEOUT_TCP_TRANS] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
	[KNAT_A_TIMEOUT_TCP_OPEN] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
	[KNAT_A_TIMEOUT_ICMP] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
	[KNAT_A_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_sessions_range),
	[KNAT_A_INTERIM] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_interim_range),
	[KNAT_A_INBOUND_REFRESH] = NLA_POLICY_MAX(NLA_U32, 1),
	[KNAT_A_SYN_UNREACH] = NLA_POLICY_MAX(NLA_U32, 1),
	[KNAT_A_ICMP_FILTER] = NLA_POLICY_MAX(NLA_U32, 1),
	[KNAT_A_TIMEOUT_UNANSWERED] = NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
	[KNAT_A_INSIDE_RPF] = NLA_POLICY_MAX(NLA_U32, 1),
};

static const struct nla_policy knat_empty_policy[KNAT_A_MAX + 1] = {};

/*
 * Only an administrator of the whole host configures or reads knat, in
 * any namespace: its state is allocated from softirq, where no memory
 * cgroup is charged, so the root of an unprivileged user namespace (whose
 * network namespaces it administers) may not make it hold memory the host
 * cannot account for.  A carrier-grade NAT in an unprivileged container is
 * not a use case worth that risk.
 */
static bool knat_capable(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_NET_ADMIN))
		return true;
	NL_SET_ERR_MSG_MOD(extack,
			   "permission denied: CAP_NET_ADMIN in the initial user namespace is required");
	return false;
}

static int knat_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			 struct genl_info *info)
{
	return knat_capable(skb, info->extack) ? 0 : -EPERM;
}

void *knat_msg_start(struct sk_buff *skb, struct genl_info *info,
		     struct netlink_callback *cb, u8 cmd)
{
	if (cb)
		return genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, &knat_genl_family,
				   NLM_F_MULTI, cmd);
	return genlmsg_put_reply(skb, info, &knat_genl_family, 0, cmd);
}

/* A prefix of a request (ADDR and PREFIXLEN, say), host bits clear. */
int knat_get_prefix(struct genl_info *info, int addr_attr, int len_attr,
		    __be32 *prefix, u8 *plen)
{
	struct nlattr **a = info->attrs;

	if (GENL_REQ_ATTR_CHECK(info, addr_attr) ||
	    GENL_REQ_ATTR_CHECK(info, len_attr)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "missing attribute: a prefix needs an address and a length");
		return -EINVAL;
	}
	*prefix = nla_get_be32(a[addr_attr]);
	*plen = nla_get_u8(a[len_attr]);
	if (*prefix & ~inet_make_mask(*plen)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[addr_attr],
				    "address has bits set beyond the prefix length");
		return -EINVAL;
	}
	return 0;
}

/* Checked in the first dumpit call rather than in .start: on 6.1 only
 * dumpit's extended ack reaches the caller.
 */
int knat_dump_check(struct netlink_callback *cb)
{
	if (cb->args[1])
		return 0;
	if (!knat_capable(cb->skb, cb->extack))
		return -EPERM;
	cb->args[1] = 1;
	return 0;
}

static int knat_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	const struct knat_config *c = &kn->cfg;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = knat_msg_start(msg, info, NULL, KNAT_CMD_CONFIG_GET);
	if (!hdr ||
	    nla_put_u32(msg, KNAT_A_TIMEOUT_UDP, c->timeout_udp) ||
	    nla_put_u32(msg, KNAT_A_TIMEOUT_TCP_EST, c->timeout_tcp_est) ||
	    nla_put_u32(msg, KNAT_A_TIMEOUT_TCP_TRANS, c->timeout_tcp_trans) ||
	    nla_put_u32(msg, KNAT_A_TIMEOUT_TCP_OPEN, c->timeout_tcp_open) ||
	    nla_put_u32(msg, KNAT_A_TIMEOUT_ICMP, c->timeout_icmp) ||
	    nla_put_u32(msg, KNAT_A_MAX_SESSIONS, c->max_sessions) ||
	    nla_put_u32(msg, KNAT_A_INTERIM, c->interim) ||
	    nla_put_u32(msg, KNAT_A_INBOUND_REFRESH, c->inbound_refresh) ||
	    nla_put_u32(msg, KNAT_A_SYN_UNREACH, c->syn_unreach) ||
	    nla_put_u32(msg, KNAT_A_ICMP_FILTER, c->icmp_filter) ||
	    nla_put_u32(msg, KNAT_A_TIMEOUT_UNANSWERED, c->timeout_unanswered) ||
	    nla_put_u32(msg, KNAT_A_INSIDE_RPF, c->inside_rpf) ||
	    nla_put_u32(msg, KNAT_A_EPOCH, knat_epoch(kn))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static void knat_config_update(u32 *field, const struct nlattr *attr)
{
	if (attr)
		WRITE_ONCE(*field, nla_get_u32(attr));
}

static int knat_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_config *c = &kn->cfg;
	struct nlattr **a = info->attrs;

	if (!a[KNAT_A_TIMEOUT_UDP] && !a[KNAT_A_TIMEOUT_TCP_EST] &&
	    !a[KNAT_A_TIMEOUT_TCP_TRANS] && !a[KNAT_A_TIMEOUT_TCP_OPEN] &&
	    !a[KNAT_A_TIMEOUT_ICMP] &&
	    !a[KNAT_A_MAX_SESSIONS] && !a[KNAT_A_INTERIM] &&
	    !a[KNAT_A_INBOUND_REFRESH] && !a[KNAT_A_SYN_UNREACH] &&
	    !a[KNAT_A_ICMP_FILTER] && !a[KNAT_A_TIMEOUT_UNANSWERED] &&
	    !a[KNAT_A_INSIDE_RPF]) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to set");
		return -EINVAL;
	}
	/* A request's settings land together; readers take each alone. */
	mutex_lock(&kn->cfg_lock);
	knat_config_update(&c->timeout_udp, a[KNAT_A_TIMEOUT_UDP]);
	knat_config_update(&c->timeout_tcp_est, a[KNAT_A_TIMEOUT_TCP_EST]);
	knat_config_update(&c->timeout_tcp_trans, a[KNAT_A_TIMEOUT_TCP_TRANS]);
	knat_config_update(&c->timeout_tcp_open, a[KNAT_A_TIMEOUT_TCP_OPEN]);
	knat_config_update(&c->timeout_icmp, a[KNAT_A_TIMEOUT_ICMP]);
	knat_config_update(&c->max_sessions, a[KNAT_A_MAX_SESSIONS]);
	knat_config_update(&c->interim, a[KNAT_A_INTERIM]);
	knat_config_update(&c->inbound_refresh, a[KNAT_A_INBOUND_REFRESH]);
	knat_config_update(&c->syn_unreach, a[KNAT_A_SYN_UNREACH]);
	knat_config_update(&c->icmp_filter, a[KNAT_A_ICMP_FILTER]);
	knat_config_update(&c->timeout_unanswered,
			   a[KNAT_A_TIMEOUT_UNANSWERED]);
	knat_config_update(&c->inside_rpf, a[KNAT_A_INSIDE_RPF]);
	mutex_unlock(&kn->cfg_lock);
	return 0;
}

static int knat_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	u64 v[__KNAT_STAT_MAX];
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	knat_stats_read(kn, v);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = knat_msg_start(msg, info, NULL, KNAT_CMD_STATS_GET);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, KNAT_A_STATS);
	if (!nest)
		goto nospace;
	for (i = KNAT_STAT_XLATE_OUT; i < __KNAT_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, i, v[i], KNAT_STAT_PAD))
			goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Mapping and session dumps walk an rhashtable, then @then if not NULL;
 * the walker lives in cb->args[0] (@then in cb->args[2]) between calls,
 * so a dump resumes where its last message ended (entries that move during
 * a resize may be seen twice).
 */
int knat_walk_start(struct netlink_callback *cb, struct rhashtable *ht,
		    struct rhashtable *then)
{
	struct rhashtable_iter *iter;

	iter = kmalloc(sizeof(*iter), GFP_KERNEL);
	if (!iter)
		return -ENOMEM;
	rhashtable_walk_enter(ht, iter);
	cb->args[0] = (long)iter;
	cb->args[2] = (long)then;
	return 0;
}

/* At the end of a table: go on with the next, if any. */
static bool knat_walk_next_table(struct netlink_callback *cb,
				 struct rhashtable_iter *iter)
{
	struct rhashtable *then = (void *)cb->args[2];

	if (!then)
		return false;
	rhashtable_walk_stop(iter);
	rhashtable_walk_exit(iter);
	rhashtable_walk_enter(then, iter);
	cb->args[2] = 0;
	rhashtable_walk_start(iter);
	return true;
}

int knat_walk_done(struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (void *)cb->args[0];

	if (iter) {
		rhashtable_walk_exit(iter);
		kfree(iter);
	}
	return 0;
}

int knat_walk_dump(struct sk_buff *skb, struct netlink_callback *cb,
		   int (*fill)(struct sk_buff *, struct netlink_callback *,
			       const void *))
{
	struct rhashtable_iter *iter = (void *)cb->args[0];
	void *obj;
	int err = knat_dump_check(cb);

	if (err)
		return err;
	rhashtable_walk_start(iter);
	for (;;) {
		obj = rhashtable_walk_peek(iter);
		if (!obj && knat_walk_next_table(cb, iter))
			continue;
		if (!obj)
			break;
		if (IS_ERR(obj)) {
			if (PTR_ERR(obj) == -EAGAIN)
				continue;
			err = PTR_ERR(obj);
			break;
		}
		/* No room: this entry opens the next message. */
		if (fill(skb, cb, obj))
			break;
		rhashtable_walk_next(iter);
	}
	rhashtable_walk_stop(iter);
	return err ?: skb->len;
}

static int knat_put_endpoints(struct sk_buff *skb, const struct knat_tuple *in,
			      const struct knat_tuple *out)
{
	if (nla_put_u8(skb, KNAT_A_PROTO, in->proto) ||
	    nla_put_be32(skb, KNAT_A_IN_ADDR, in->laddr) ||
	    nla_put_u16(skb, KNAT_A_IN_PORT, ntohs(in->lport)) ||
	    nla_put_be32(skb, KNAT_A_EXT_ADDR, out->laddr) ||
	    nla_put_u16(skb, KNAT_A_EXT_PORT, ntohs(out->lport)))
		return -EMSGSIZE;
	return 0;
}

static int knat_mapping_fill(struct sk_buff *skb, struct netlink_callback *cb,
			     const void *obj)
{
	const struct knat_mapping *m = obj;
	struct knat_tuple in = {
		.laddr = m->s.in.laddr, .lport = m->s.in.lport,
		.proto = m->s.in.proto,
	};
	struct knat_tuple out = { .laddr = m->paddr->addr, .lport = m->s.ext_port };
	void *hdr = knat_msg_start(skb, NULL, cb, KNAT_CMD_MAPPING_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (knat_put_endpoints(skb, &in, &out) ||
	    nla_put_u32(skb, KNAT_A_SESSIONS, READ_ONCE(m->nsessions)) ||
	    (m->pinned && nla_put_u8(skb, KNAT_A_STATIC, m->claimed ? 2 : 1))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int knat_session_fill(struct sk_buff *skb, struct netlink_callback *cb,
			     const void *obj)
{
	struct knat_net *kn = knat_pernet(sock_net(skb->sk));
	const struct knat_session *s = obj;	/* or a mapping: its own */
	struct knat_tuple out;
	s32 left = READ_ONCE(s->last_used) +
		   (u32)knat_session_timeout(kn, s) - knat_stamp(jiffies);
	u8 state = KNAT_TCP_NONE;
	void *hdr;

	if ((READ_ONCE(s->flags) & (KNAT_SESS_OWN | KNAT_SESS_LIVE)) ==
	    KNAT_SESS_OWN)
		return 0;		/* a mapping without its first session */
	hdr = knat_msg_start(skb, NULL, cb, KNAT_CMD_SESSION_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (s->in.proto == IPPROTO_TCP)
		state = knat_tcp_state(READ_ONCE(s->tcp));
	knat_session_out(s, &out);
	if (knat_put_endpoints(skb, &s->in, &out) ||
	    nla_put_be32(skb, KNAT_A_REM_ADDR, s->in.raddr) ||
	    nla_put_u16(skb, KNAT_A_REM_PORT, ntohs(s->in.rport)) ||
	    nla_put_u8(skb, KNAT_A_TCP_STATE, state) ||
	    nla_put_u32(skb, KNAT_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int knat_nl_mapping_start(struct netlink_callback *cb)
{
	struct knat_net *kn = knat_pernet(sock_net(cb->skb->sk));

	return knat_walk_start(cb, &kn->map_in, &kn->map_dep);
}

static int knat_nl_session_start(struct netlink_callback *cb)
{
	struct knat_net *kn = knat_pernet(sock_net(cb->skb->sk));

	return knat_walk_start(cb, &kn->sess_in, &kn->map_in);
}

static int knat_nl_mapping_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_walk_dump(skb, cb, knat_mapping_fill);
}

static int knat_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_walk_dump(skb, cb, knat_session_fill);
}

static const struct genl_ops knat_genl_ops[] = {
	{
		.cmd = KNAT_CMD_POOL_ADD,
		.doit = knat_nl_pool_add,
		.policy = knat_pool_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_POOL_DEL,
		.doit = knat_nl_pool_del,
		.policy = knat_pool_del_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_POOL_GET,
		.dumpit = knat_nl_pool_dump,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_INSIDE_ADD,
		.doit = knat_nl_inside_add,
		.policy = knat_inside_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_INSIDE_DEL,
		.doit = knat_nl_inside_del,
		.policy = knat_prefix_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_INSIDE_GET,
		.dumpit = knat_nl_inside_dump,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_EXEMPT_ADD,
		.doit = knat_nl_exempt_add,
		.policy = knat_prefix_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_EXEMPT_DEL,
		.doit = knat_nl_exempt_del,
		.policy = knat_prefix_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_EXEMPT_GET,
		.dumpit = knat_nl_exempt_dump,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_FORWARD_ADD,
		.doit = knat_nl_forward_add,
		.policy = knat_forward_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_FORWARD_DEL,
		.doit = knat_nl_forward_del,
		.policy = knat_forward_del_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_FORWARD_MAP,
		.doit = knat_nl_forward_map,
		.policy = knat_forward_map_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_FORWARD_GET,
		.dumpit = knat_nl_forward_dump,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_CONFIG_GET,
		.doit = knat_nl_config_get,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_CONFIG_SET,
		.doit = knat_nl_config_set,
		.policy = knat_config_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_MAPPING_GET,
		.start = knat_nl_mapping_start,
		.dumpit = knat_nl_mapping_dump,
		.done = knat_walk_done,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_SESSION_GET,
		.start = knat_nl_session_start,
		.dumpit = knat_nl_session_dump,
		.done = knat_walk_done,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_FLUSH,
		.doit = knat_nl_flush,
		.policy = knat_pool_id_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_STATS_GET,
		.doit = knat_nl_stats_get,
		.policy = knat_empty_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_RANGE_ADD,
		.doit = knat_nl_range_add,
		.policy = knat_range_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_RANGE_DEL,
		.doit = knat_nl_range_del,
		.policy = knat_range_del_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_SUBSCRIBER_GET,
		.doit = knat_nl_sub_get,
		.start = knat_nl_sub_start,
		.dumpit = knat_nl_sub_dump,
		.done = knat_walk_done,
		.policy = knat_sub_policy,
		.maxattr = KNAT_A_MAX,
	}, {
		.cmd = KNAT_CMD_WHOIS,
		.doit = knat_nl_whois,
		.policy = knat_whois_policy,
		.maxattr = KNAT_A_MAX,
	},
};

static const struct genl_multicast_group knat_mcgrps[] = {
	/* Attribution data: for administrators only. */
	{ .name = KNAT_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family knat_genl_family __ro_after_init = {
	.name = KNAT_GENL_NAME,
	.version = KNAT_GENL_VERSION,
	.maxattr = KNAT_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = knat_genl_ops,
	.n_ops = ARRAY_SIZE(knat_genl_ops),
	.mcgrps = knat_mcgrps,
	.n_mcgrps = ARRAY_SIZE(knat_mcgrps),
	.resv_start_op = KNAT_CMD_POOL_ADD,
	.pre_doit = knat_pre_doit,
};

int knat_genl_init(void)
{
	int err = genl_register_family(&knat_genl_family);

	if (!err)
		knat_events_register(&knat_nl_event_ops);
	return err;
}

void knat_genl_exit(void)
{
	knat_events_unregister();
	genl_unregister_family(&knat_genl_family);
}
