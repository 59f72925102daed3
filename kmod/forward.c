// SPDX-License-Identifier: GPL-2.0
/*
 * knat: port forwards.
 *
 * A forward is a pinned mapping, kept when its last session goes.  Remote
 * hosts reach the inside endpoint through it unsolicited, whatever its
 * pool's filtering; the inside endpoint's own flows leave through it.
 *
 * A static forward is an inside endpoint and the external endpoint an
 * operator chose for it, reserved in the port bitmap so that no dynamic
 * mapping takes it.  Removing it, its pool's addresses or its inside
 * prefix removes its mapping and sessions at once.
 *
 * A timed forward is one a subscriber asked for (PCP MAP, RFC 6887): on
 * the mapping its inside endpoint has, or on a new one in its own blocks,
 * so that the attribution logs name it.  It ends after its lifetime unless
 * asked for again with the same nonce; its mapping then lives on as long
 * as its sessions do, as any other.
 *
 * The list of forwards has one writer at a time (kn->cfg_lock); dumps and
 * whois read it under RCU.
 */
#include <linux/slab.h>
#include <linux/inetdevice.h>
#include "knat.h"
#include "forward.h"
#include "mapping.h"

/* The forward of external endpoint @ext, or (@inside) of inside one. */
static struct knat_forward *knat_forward_find(struct knat_net *kn,
					      const struct knat_endpoint *ep,
					      bool inside)
{
	struct knat_forward *fwd;

	list_for_each_entry(fwd, &kn->forwards, list)
		if (!memcmp(inside ? &fwd->in : &fwd->ext, ep, sizeof(*ep)))
			return fwd;
	return NULL;
}

/* A forward on knat_mapping_pin(@how), not yet listed. */
static struct knat_forward *knat_forward_new(struct knat_net *kn,
					     const struct knat_endpoint *in,
					     const struct knat_endpoint *ext,
					     unsigned int how,
					     struct netlink_ext_ack *extack)
{
	struct knat_forward *fwd;
	struct knat_mapping *m;

	if (kn->nforwards >= KNAT_MAX_FORWARDS ||
	    (how != KNAT_PIN_STATIC && kn->ntimed >= KNAT_MAX_TIMED_FORWARDS)) {
		NL_SET_ERR_MSG_MOD(extack, "too many forwards");
		return ERR_PTR(-ENOSPC);
	}
	fwd = kzalloc(sizeof(*fwd), GFP_KERNEL);
	if (!fwd)
		return ERR_PTR(-ENOMEM);
	m = knat_mapping_pin(kn, in, ext, how, extack);
	if (IS_ERR(m)) {
		kfree(fwd);
		return ERR_CAST(m);
	}
	fwd->in = knat_mapping_in(m);
	fwd->ext = knat_mapping_ext(m);
	fwd->map = m;
	return fwd;
}

static void knat_forward_link(struct knat_net *kn, struct knat_forward *fwd)
{
	fwd->seq = knat_list_seq(kn);
	list_add_tail_rcu(&fwd->list, &kn->forwards);
	kn->nforwards++;
	kn->ntimed += fwd->timed;
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

	lockdep_assert_held(&kn->cfg_lock);
	if (knat_forward_find(kn, ext, false)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the external endpoint is forwarded already");
		return -EEXIST;
	}
	fwd = knat_forward_new(kn, in, ext, KNAT_PIN_STATIC, extack);
	if (IS_ERR(fwd))
		return PTR_ERR(fwd);
	knat_forward_link(kn, fwd);
	return 0;
}

static void knat_forward_remove(struct knat_net *kn, struct knat_forward *fwd)
{
	list_del_rcu(&fwd->list);
	kn->nforwards--;
	kn->ntimed -= fwd->timed;
	if (fwd->timed)
		knat_mapping_unclaim(kn, fwd->map);
	else
		knat_mapping_unpin(kn, fwd->map);
	kfree_rcu(fwd, rcu);
}

/* Renew or end (@lifetime 0) timed forward @fwd for the one who asked. */
static int knat_forward_renew(struct knat_net *kn, struct knat_forward *fwd,
			      struct knat_endpoint *ext, u32 lifetime,
			      const u8 *nonce, struct netlink_ext_ack *extack)
{
	if (!fwd->timed) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the inside endpoint has a static forward");
		return -EPERM;
	}
	if (memcmp(fwd->nonce, nonce, KNAT_NONCE_LEN)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the forward was asked for with another nonce");
		return -EPERM;
	}
	*ext = fwd->ext;
	if (lifetime)
		WRITE_ONCE(fwd->expires, jiffies + lifetime * HZ);
	else
		knat_forward_remove(kn, fwd);
	return 0;
}

/* The timed forwards of inside address @addr. */
static unsigned int knat_forwards_of(struct knat_net *kn, __be32 addr)
{
	struct knat_forward *fwd;
	unsigned int n = 0;

	list_for_each_entry(fwd, &kn->forwards, list)
		n += fwd->timed && fwd->in.addr == addr;
	return n;
}

/**
 * knat_forward_map - the timed forward of an inside endpoint (PCP MAP)
 * @kn: namespace state
 * @in: the inside endpoint: proto, address, port
 * @ext: the external endpoint asked for (port 0: any; address 0: the
 *       subscriber's); set to the forward's, or zeroes when none is left
 * @exact: @ext or nothing
 * @lifetime: seconds from now; 0 ends the forward
 * @nonce: KNAT_NONCE_LEN bytes: who asks; only they renew or end it
 * @extack: the reason of a refusal
 *
 * Under kn->cfg_lock.  Return: 0 or -errno.
 */
int knat_forward_map(struct knat_net *kn, const struct knat_endpoint *in,
		     struct knat_endpoint *ext, bool exact, u32 lifetime,
		     const u8 *nonce, struct netlink_ext_ack *extack)
{
	struct knat_forward *fwd;

	lockdep_assert_held(&kn->cfg_lock);
	fwd = knat_forward_find(kn, in, true);
	if (fwd)
		return knat_forward_renew(kn, fwd, ext, lifetime, nonce,
					  extack);
	if (!lifetime) {
		/* Nothing to end (RFC 6887 section 15). */
		memset(ext, 0, sizeof(*ext));
		return 0;
	}
	if (knat_forwards_of(kn, in->addr) >= KNAT_MAX_SUB_FORWARDS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the subscriber has as many forwards as it may");
		return -EDQUOT;
	}
	fwd = knat_forward_new(kn, in, ext,
			       exact ? KNAT_PIN_EXACT : KNAT_PIN_CLAIM, extack);
	if (IS_ERR(fwd))
		return PTR_ERR(fwd);
	fwd->timed = true;
	fwd->expires = jiffies + lifetime * HZ;
	memcpy(fwd->nonce, nonce, KNAT_NONCE_LEN);
	knat_forward_link(kn, fwd);
	*ext = fwd->ext;
	return 0;
}

/**
 * knat_forwards_expire - end the timed forwards whose lifetime is over
 * @kn: namespace state
 * @now: jiffies
 *
 * At most KNAT_MAX_FORWARDS of them.  Under kn->cfg_lock.
 */
void knat_forwards_expire(struct knat_net *kn, unsigned long now)
{
	struct knat_forward *fwd, *tmp;

	lockdep_assert_held(&kn->cfg_lock);
	list_for_each_entry_safe(fwd, tmp, &kn->forwards, list)
		if (fwd->timed && time_after_eq(now, fwd->expires))
			knat_forward_remove(kn, fwd);
}

/* Under kn->cfg_lock.  Return: 0, or -ENOENT. */
int knat_forward_del(struct knat_net *kn, const struct knat_endpoint *ext)
{
	struct knat_forward *fwd;

	lockdep_assert_held(&kn->cfg_lock);
	fwd = knat_forward_find(kn, ext, false);
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
	kn->ntimed = 0;
}
