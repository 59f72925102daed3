// SPDX-License-Identifier: GPL-2.0
/*
 * knat: carrier-grade IPv4 NAPT.  Module and per-namespace life.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include "knat.h"
#include "alloc.h"
#include "forward.h"
#include "gc.h"
#include "hooks.h"
#include "ifaddr.h"
#include "netlink.h"
#include "pool.h"
#include "syn.h"
#include "table.h"

static unsigned int knat_net_id __read_mostly;

struct knat_net *knat_pernet(struct net *net)
{
	return net_generic(net, knat_net_id);
}

/* Defaults that meet RFC 4787 REQ-5 and REQ-6, RFC 5382 REQ-5 and RFC 5508
 * REQ-2.
 */
static const struct knat_config knat_default_config = {
	.timeout_udp = 300,
	.timeout_tcp_est = 7440,
	.timeout_tcp_trans = 240,
	.timeout_tcp_open = 240,
	.timeout_icmp = 60,
	.max_sessions = 1U << 20,
	.interim = 0,
	.inbound_refresh = 1,
	.syn_unreach = 1,
	.icmp_filter = 0,
	.timeout_unanswered = 30,
	.inside_rpf = 1,
};

/**
 * knat_state_init - set up the state of one namespace, or of a test
 * @kn: zeroed state; @kn->net may be NULL in tests
 */
int knat_state_init(struct knat_net *kn)
{
	int err;

	INIT_LIST_HEAD(&kn->pools);
	kn->pool_span = KNAT_SPAN_EMPTY;
	INIT_LIST_HEAD(&kn->insides);
	INIT_LIST_HEAD(&kn->exempts);
	INIT_LIST_HEAD(&kn->forwards);
	kn->cfg = knat_default_config;
	kn->born = ktime_get_boottime_seconds();
	ratelimit_state_init(&kn->ev.rs, HZ, 100);
	ratelimit_set_flags(&kn->ev.rs, RATELIMIT_MSG_ON_RELEASE);
	kn->stats = alloc_percpu(struct knat_stats);
	if (!kn->stats)
		return -ENOMEM;
	err = knat_tables_init(kn);
	if (err)
		goto stats;
	err = knat_syn_init(kn);
	if (err)
		goto tables;
	knat_gc_init(kn);
	knat_if_init(kn);
	return 0;

tables:
	knat_tables_destroy(kn);
stats:
	free_percpu(kn->stats);
	return err;
}

static void knat_prefixes_free(struct list_head *list)
{
	struct knat_inside *in, *tmp;

	list_for_each_entry_safe(in, tmp, list, list) {
		list_del(&in->list);
		kfree(in);
	}
}

/* Tear down; no packet, GC run or netlink call can reach @kn any more. */
void knat_state_destroy(struct knat_net *kn)
{
	struct knat_pool *pool, *tmp;

	knat_if_stop(kn);
	knat_gc_stop(kn);
	knat_forwards_free(kn);
	knat_syn_destroy(kn);
	knat_tables_destroy(kn);
	list_for_each_entry_safe(pool, tmp, &kn->pools, list) {
		list_del(&pool->list);
		knat_pool_destroy(pool);
	}
	knat_prefixes_free(&kn->insides);
	knat_prefixes_free(&kn->exempts);
	free_percpu(kn->stats);
}

static int __net_init knat_net_init(struct net *net)
{
	struct knat_net *kn = knat_pernet(net);

	kn->net = net;
	return knat_state_init(kn);
}

static void __net_exit knat_net_exit(struct net *net)
{
	struct knat_net *kn = knat_pernet(net);

	knat_detach(kn);
	knat_state_destroy(kn);
}

static struct pernet_operations knat_net_ops = {
	.init = knat_net_init,
	.exit = knat_net_exit,
	.id = &knat_net_id,
	.size = sizeof(struct knat_net),
};

static int __init knat_init(void)
{
	int err;

	err = knat_caches_init();
	if (err)
		return err;
	err = register_pernet_subsys(&knat_net_ops);
	if (err)
		goto caches;
	err = knat_notifier_init();
	if (err)
		goto pernet;
	err = knat_genl_init();
	if (err)
		goto notifier;
	pr_info("knat: carrier-grade IPv4 NAPT loaded\n");
	return 0;

notifier:
	knat_notifier_exit();
pernet:
	unregister_pernet_subsys(&knat_net_ops);
caches:
	knat_caches_destroy();
	return err;
}

static void __exit knat_exit(void)
{
	knat_genl_exit();
	knat_notifier_exit();
	unregister_pernet_subsys(&knat_net_ops);
	knat_caches_destroy();
}

module_init(knat_init);
module_exit(knat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("knat: carrier-grade IPv4 NAPT");
MODULE_ALIAS_GENL_FAMILY(KNAT_GENL_NAME);
