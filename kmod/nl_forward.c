// SPDX-License-Identifier: GPL-2.0
/*
 * knat: netlink commands of static port forwards.
 */
#include <linux/in.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "knat.h"
#include "forward.h"
#include "netlink.h"

/* The endpoint of PROTO, @addr_attr and @port_attr; all are required. */
static int knat_get_endpoint(struct genl_info *info, int addr_attr,
			     int port_attr, struct knat_endpoint *ep)
{
	struct nlattr **a = info->attrs;
	u8 proto;

	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_PROTO) ||
	    GENL_REQ_ATTR_CHECK(info, addr_attr) ||
	    GENL_REQ_ATTR_CHECK(info, port_attr))
		return -EINVAL;
	proto = nla_get_u8(a[KNAT_A_PROTO]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KNAT_A_PROTO],
				    "only TCP and UDP ports are forwarded");
		return -EINVAL;
	}
	memset(ep, 0, sizeof(*ep));
	ep->proto = proto;
	ep->addr = nla_get_be32(a[addr_attr]);
	ep->port = htons(nla_get_u16(a[port_attr]));
	return 0;
}

int knat_nl_forward_add(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_endpoint in, ext;
	int err;

	err = knat_get_endpoint(info, KNAT_A_IN_ADDR, KNAT_A_IN_PORT, &in);
	if (!err)
		err = knat_get_endpoint(info, KNAT_A_EXT_ADDR, KNAT_A_EXT_PORT,
					&ext);
	if (err)
		return err;
	mutex_lock(&kn->cfg_lock);
	err = knat_forward_add(kn, &in, &ext, info->extack);
	mutex_unlock(&kn->cfg_lock);
	return err;
}

int knat_nl_forward_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	struct knat_endpoint ext;
	int err;

	err = knat_get_endpoint(info, KNAT_A_EXT_ADDR, KNAT_A_EXT_PORT, &ext);
	if (err)
		return err;
	mutex_lock(&kn->cfg_lock);
	err = knat_forward_del(kn, &ext);
	mutex_unlock(&kn->cfg_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no such forward");
	return err;
}

/* Seconds since knat's state in the namespace began: the PCP epoch. */
u32 knat_epoch(const struct knat_net *kn)
{
	return ktime_get_boottime_seconds() - kn->born;
}

static int knat_forward_fill_endpoints(struct sk_buff *skb,
				       const struct knat_endpoint *in,
				       const struct knat_endpoint *ext)
{
	if (nla_put_u8(skb, KNAT_A_PROTO, in->proto) ||
	    nla_put_be32(skb, KNAT_A_IN_ADDR, in->addr) ||
	    nla_put_u16(skb, KNAT_A_IN_PORT, ntohs(in->port)) ||
	    nla_put_be32(skb, KNAT_A_EXT_ADDR, ext->addr) ||
	    nla_put_u16(skb, KNAT_A_EXT_PORT, ntohs(ext->port)))
		return -EMSGSIZE;
	return 0;
}

static int knat_forward_map_reply(struct genl_info *info,
				  const struct knat_endpoint *in,
				  const struct knat_endpoint *ext, u32 lifetime)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = knat_msg_start(msg, info, NULL, KNAT_CMD_FORWARD_MAP);
	if (!hdr || knat_forward_fill_endpoints(msg, in, ext) ||
	    nla_put_u32(msg, KNAT_A_LIFETIME, lifetime)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int knat_nl_forward_map(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_pernet(genl_info_net(info));
	u8 nonce[KNAT_NONCE_LEN] = {};
	struct nlattr **a = info->attrs;
	struct knat_endpoint in, ext;
	u32 lifetime;
	int err;

	if (a[KNAT_A_EXT_ADDR] && !a[KNAT_A_EXT_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KNAT_A_EXT_ADDR],
				    "an external address asked for needs a port");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_LIFETIME)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "missing attribute: a forward asked for needs a lifetime");
		return -EINVAL;
	}
	err = knat_get_endpoint(info, KNAT_A_IN_ADDR, KNAT_A_IN_PORT, &in);
	if (err)
		return err;
	ext = in;
	ext.addr = 0;
	ext.port = 0;
	if (a[KNAT_A_EXT_ADDR])
		ext.addr = nla_get_be32(a[KNAT_A_EXT_ADDR]);
	if (a[KNAT_A_EXT_PORT])
		ext.port = htons(nla_get_u16(a[KNAT_A_EXT_PORT]));
	if (a[KNAT_A_NONCE])
		nla_memcpy(nonce, a[KNAT_A_NONCE], sizeof(nonce));
	lifetime = nla_get_u32(a[KNAT_A_LIFETIME]);
	mutex_lock(&kn->cfg_lock);
	err = knat_forward_map(kn, &in, &ext, nla_get_flag(a[KNAT_A_EXACT]),
			       lifetime, nonce, info->extack);
	mutex_unlock(&kn->cfg_lock);
	if (err)
		return err;
	return knat_forward_map_reply(info, &in, &ext, ext.port ? lifetime : 0);
}

static int knat_forward_fill_timed(struct sk_buff *skb,
				   const struct knat_forward *fwd)
{
	long left = READ_ONCE(fwd->expires) - jiffies;

	if (nla_put_u32(skb, KNAT_A_EXPIRES,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put(skb, KNAT_A_NONCE, KNAT_NONCE_LEN, fwd->nonce))
		return -EMSGSIZE;
	return 0;
}

static int knat_forward_fill(struct sk_buff *skb, const void *pos)
{
	const struct knat_forward *fwd = list_entry(pos, struct knat_forward,
						    list);

	if (knat_forward_fill_endpoints(skb, &fwd->in, &fwd->ext) ||
	    nla_put_u32(skb, KNAT_A_SESSIONS, READ_ONCE(fwd->map->nsessions)))
		return -EMSGSIZE;
	if (fwd->timed && knat_forward_fill_timed(skb, fwd))
		return -EMSGSIZE;
	return 0;
}

static unsigned long knat_forward_seq(const struct list_head *pos)
{
	return list_entry(pos, struct knat_forward, list)->seq;
}

int knat_nl_forward_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return knat_list_dump(skb, cb,
			      &knat_pernet(sock_net(skb->sk))->forwards,
			      KNAT_CMD_FORWARD_GET, knat_forward_fill,
			      knat_forward_seq);
}

/**
 * knat_forwards_fill - the forwards of an external address and port, for whois
 * @skb: the reply
 * @kn: namespace state
 * @addr: the external address
 * @port: the port
 *
 * Under RCU.  Return: the number of forwards put, or -EMSGSIZE.
 */
int knat_forwards_fill(struct sk_buff *skb, struct knat_net *kn, __be32 addr,
		       u16 port)
{
	const struct knat_forward *fwd;
	struct nlattr *nest = NULL, *one;
	int n = 0;

	knat_assert_rcu();
	list_for_each_entry_rcu(fwd, &kn->forwards, list) {
		if (fwd->ext.addr != addr || ntohs(fwd->ext.port) != port)
			continue;
		if (!nest)
			nest = nla_nest_start(skb, KNAT_A_FORWARDS);
		one = nest ? nla_nest_start(skb, KNAT_A_FORWARD) : NULL;
		if (!one || nla_put_u8(skb, KNAT_A_PROTO, fwd->in.proto) ||
		    nla_put_be32(skb, KNAT_A_IN_ADDR, fwd->in.addr) ||
		    nla_put_u16(skb, KNAT_A_IN_PORT, ntohs(fwd->in.port)))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
		n++;
	}
	if (nest)
		nla_nest_end(skb, nest);
	return n;
}
