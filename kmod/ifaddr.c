// SPDX-License-Identifier: GPL-2.0
/*
 * knat: interface addresses.
 *
 * A pool added with an interface (natctl pool add dev IFNAME) has no
 * addresses of its own: it has each global IPv4 address of the interface,
 * as a /32, while the interface has it.  When one goes, its mappings are
 * retired at once, as with "pool addr del ... now": their flows could not
 * come back to it, and their next packet maps onto an address the
 * interface still has.  The inetaddr notifier (under RTNL) only queues
 * kn->if_work, which brings every such pool in line with its interface
 * under cfg_lock.
 *
 * The notifier also keeps the "local" flag of pool addresses (alloc.c).
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include "knat.h"
#include "config.h"
#include "ifaddr.h"
#include "pool.h"
#include "sweep.h"

#define KNAT_IF_ADDRS		16	/* followed per interface */

/* Up to KNAT_IF_ADDRS global addresses of interface @ifindex. */
static unsigned int knat_if_addrs(struct knat_net *kn, int ifindex,
				  __be32 *addrs)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	struct net_device *dev;
	unsigned int n = 0;

	if (!kn->net)
		return 0;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(kn->net, ifindex);
	in_dev = dev ? __in_dev_get_rcu(dev) : NULL;
	if (in_dev) {
		in_dev_for_each_ifa_rcu(ifa, in_dev) {
			if (ifa->ifa_scope == RT_SCOPE_UNIVERSE &&
			    n < KNAT_IF_ADDRS)
				addrs[n++] = ifa->ifa_local;
		}
	}
	rcu_read_unlock();
	return n;
}

static bool knat_if_has(const __be32 *addrs, unsigned int n, __be32 addr)
{
	while (n--)
		if (addrs[n] == addr)
			return true;
	return false;
}

static bool knat_pool_has(const struct knat_pool *pool, __be32 addr)
{
	const struct knat_range *range;

	list_for_each_entry(range, &pool->ranges, list)
		if (!range->draining && range->prefix == addr)
			return true;
	return false;
}

/* Retire the ranges of @pool whose address its interface no longer has. */
static void knat_if_pool_retire(struct knat_net *kn, struct knat_pool *pool)
{
	__be32 addrs[KNAT_IF_ADDRS];
	unsigned int n = knat_if_addrs(kn, pool->ifindex, addrs);
	struct knat_range *range;

	list_for_each_entry(range, &pool->ranges, list) {
		if (range->draining || knat_if_has(addrs, n, range->prefix))
			continue;
		knat_range_drain(kn, range);
		knat_retire(kn, pool, range);
	}
}

/**
 * knat_if_pool_fill - give @pool the addresses of its interface it lacks
 * @kn: namespace state
 * @pool: a pool with an ifindex
 * @extack: where to say why an address was refused; NULL: the log
 *
 * An address is refused when its /32 overlaps another pool or an inside
 * prefix (or a range of this pool still draining), or for lack of memory.
 * Under cfg_lock.  Return: 0, or the error of the first refusal.
 */
int knat_if_pool_fill(struct knat_net *kn, struct knat_pool *pool,
		      struct netlink_ext_ack *extack)
{
	__be32 addrs[KNAT_IF_ADDRS];
	unsigned int n = knat_if_addrs(kn, pool->ifindex, addrs), i;
	int err, ret = 0;

	lockdep_assert_held(&kn->cfg_lock);
	for (i = 0; i < n; i++) {
		if (knat_pool_has(pool, addrs[i]))
			continue;
		err = knat_pool_add_range(kn, pool, addrs[i], 32, extack);
		if (!err)
			continue;
		if (!extack)
			pr_warn_ratelimited("knat: pool %u cannot take %pI4 of its interface (%d)\n",
					    pool->id, &addrs[i], err);
		if (!ret)
			ret = err;
		extack = NULL;		/* the first reason only */
	}
	return ret;
}

/*
 * Bring every pool in line with its interface: retire first, so that an
 * address that went and came back finds its old range reaped.
 */
static void knat_if_work(struct work_struct *work)
{
	struct knat_net *kn = container_of(work, struct knat_net, if_work);
	struct knat_pool *pool;

	mutex_lock(&kn->cfg_lock);
	list_for_each_entry(pool, &kn->pools, list)
		if (pool->ifindex && !pool->draining)
			knat_if_pool_retire(kn, pool);
	knat_pools_reap(kn);
	list_for_each_entry(pool, &kn->pools, list)
		if (pool->ifindex && !pool->draining)
			knat_if_pool_fill(kn, pool, NULL);
	mutex_unlock(&kn->cfg_lock);
}

void knat_if_init(struct knat_net *kn)
{
	INIT_WORK(&kn->if_work, knat_if_work);
}

/* No address event can queue the work any more. */
void knat_if_stop(struct knat_net *kn)
{
	cancel_work_sync(&kn->if_work);
}

/* Process context; the address came or went on an interface of kn->net. */
static void knat_addr_set_local(struct knat_net *kn, __be32 addr, bool local)
{
	struct knat_pool_addr *pa;

	rcu_read_lock();
	pa = knat_pool_addr_find(kn, addr);
	if (pa)
		WRITE_ONCE(pa->local, local);
	rcu_read_unlock();
}

static int knat_inetaddr_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct in_ifaddr *ifa = ptr;
	struct knat_net *kn = knat_pernet(dev_net(ifa->ifa_dev->dev));

	if (event != NETDEV_UP && event != NETDEV_DOWN)
		return NOTIFY_DONE;
	knat_addr_set_local(kn, ifa->ifa_local, event == NETDEV_UP);
	if (READ_ONCE(kn->npools))
		queue_work(system_wq, &kn->if_work);
	return NOTIFY_DONE;
}

static struct notifier_block knat_inetaddr_notifier = {
	.notifier_call = knat_inetaddr_event,
};

int knat_notifier_init(void)
{
	return register_inetaddr_notifier(&knat_inetaddr_notifier);
}

void knat_notifier_exit(void)
{
	unregister_inetaddr_notifier(&knat_inetaddr_notifier);
}
