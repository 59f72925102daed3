// SPDX-License-Identifier: GPL-2.0
/*
 * knat: static port forwards.
 *
 * A forward is a static mapping: an inside endpoint and the external
 * endpoint an operator chose for it, reserved in the port bitmap so that
 * no dynamic mapping takes it, linked into both mapping indexes like any
 * other, and kept when its last session goes.  Remote hosts reach the
 * inside endpoint through it unsolicited; the inside endpoint's own flows
 * leave through it.  Removing a forward, its pool's addresses or its
 * inside prefix removes its mapping and sessions at once.
 *
 * The list of forwards has one writer at a time (kn->cfg_lock); dumps and
 * whois read it under RCU.
 */
#include <linux/slab.h>
#include <linux/inetdevice.h>
#include "knat.h"

static struct knat_forward *knat_forward_find(struct knat_net *kn,
					      const struct knat_endpoint *ext)
{
	struct knat_forward *fwd;

	list_for_each_entry(fwd, &kn->forwards, list)
		if (!memcmp(&fwd->ext, ext, sizeof(*ext)))
			return fwd;
	return NULL;
}

/**
 * knat_forward_add - forward an external endpoint to an inside one
 * @kn: namespace state
 * @in: the inside endpoint: proto, address, port
 * @ext: the external endpoint: proto, address, port
 * @extack: the reason of a refusal
 *
 * Under kn->cfg_lock.  Return: 0 or -errno.
 */
int knat_forward_add(struct knat_net *kn, const struct knat_endpoint *in,
		     const struct knat_endpoint *ext,
		     struct netlink_ext_ack *extack)
{
	struct knat_forward *fwd;
	struct knat_mapping *m;

	lockdep_assert_held(&kn->cfg_lock);
	if (knat_forward_find(kn, ext)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the external endpoint is forwarded already");
		return -EEXIST;
	}
	if (kn->nforwards >= KNAT_MAX_FORWARDS) {
		NL_SET_ERR_MSG_MOD(extack, "too many forwards");
		return -ENOSPC;
	}
	fwd = kzalloc(sizeof(*fwd), GFP_KERNEL);
	if (!fwd)
		return -ENOMEM;
	m = knat_mapping_pin(kn, in, ext, extack);
	if (IS_ERR(m)) {
		kfree(fwd);
		return PTR_ERR(m);
	}
	fwd->in = *in;
	fwd->ext = *ext;
	fwd->map = m;
	list_add_tail_rcu(&fwd->list, &kn->forwards);
	kn->nforwards++;
	return 0;
}

static void knat_forward_remove(struct knat_net *kn, struct knat_forward *fwd)
{
	list_del_rcu(&fwd->list);
	kn->nforwards--;
	knat_mapping_unpin(kn, fwd->map);
	kfree_rcu(fwd, rcu);
}

/* Under kn->cfg_lock.  Return: 0, or -ENOENT. */
int knat_forward_del(struct knat_net *kn, const struct knat_endpoint *ext)
{
	struct knat_forward *fwd;

	lockdep_assert_held(&kn->cfg_lock);
	fwd = knat_forward_find(kn, ext);
	if (!fwd)
		return -ENOENT;
	knat_forward_remove(kn, fwd);
	return 0;
}

/**
 * knat_forwards_retire - remove the forwards a change of configuration broke
 * @kn: namespace state
 * @range: remove those on this range's addresses (or NULL)
 * @prefix: and those whose inside address is in @prefix/@plen
 * @plen: 0..32, or KNAT_NO_PREFIX
 *
 * A draining range would otherwise never drain, and an inside address no
 * longer inside would take traffic it could not answer.  Under
 * kn->cfg_lock.
 */
void knat_forwards_retire(struct knat_net *kn, const struct knat_range *range,
			  __be32 prefix, u8 plen)
{
	struct knat_forward *fwd, *tmp;

	lockdep_assert_held(&kn->cfg_lock);
	list_for_each_entry_safe(fwd, tmp, &kn->forwards, list) {
		if (fwd->map->paddr->range == range ||
		    (plen != KNAT_NO_PREFIX &&
		     !((fwd->in.addr ^ prefix) & inet_make_mask(plen))))
			knat_forward_remove(kn, fwd);
	}
}

/* Tear down with the namespace: the tables free the mappings. */
void knat_forwards_free(struct knat_net *kn)
{
	struct knat_forward *fwd, *tmp;

	list_for_each_entry_safe(fwd, tmp, &kn->forwards, list) {
		list_del(&fwd->list);
		kfree(fwd);
	}
	kn->nforwards = 0;
}
