// SPDX-License-Identifier: GPL-2.0
/*
 * knat: attribution events: what happened, and when to say so.
 *
 * A block allocated or released, and an interim notice for every block
 * still held, say who held which ports of which address when: with the
 * wall-clock time of the event, that is what an operator needs to answer
 * "who was 198.51.100.7:40123 at 10:02?" without logging every flow.
 * Refusals (exhaustion, limits) are events too, at most one a second per
 * subscriber and a bounded number a second per namespace.  Nothing is built
 * when nobody listens.  They leave through the netlink family's "events"
 * multicast group (nl_events.c), which registers itself here: the core
 * calls no netlink file.
 */
#include <linux/ktime.h>
#include "knat.h"
#include "block.h"
#include "events.h"
#include "gc.h"
#include "subscriber.h"

/* Where events go: the family's multicast group, once nl_events.c is up. */
static const struct knat_event_ops __rcu *knat_event_ops;

void knat_events_register(const struct knat_event_ops *ops)
{
	rcu_assign_pointer(knat_event_ops, ops);
}

/* No event is being sent once this returns. */
void knat_events_unregister(void)
{
	RCU_INIT_POINTER(knat_event_ops, NULL);
	synchronize_rcu();
}

static bool knat_events_wanted(struct knat_net *kn)
{
	const struct knat_event_ops *ops;
	bool wanted;

	rcu_read_lock();
	ops = rcu_dereference(knat_event_ops);
	wanted = ops && ops->wanted(kn);
	rcu_read_unlock();
	return wanted;
}

/* Any context; callers may hold kn->lock. */
static void knat_event(struct knat_net *kn, const struct knat_event_info *ev)
{
	const struct knat_event_ops *ops;

	rcu_read_lock();
	ops = rcu_dereference(knat_event_ops);
	if (ops)
		ops->send(kn, ev);
	rcu_read_unlock();
}

void knat_event_block(struct knat_net *kn, u8 type, const struct knat_block *b,
		      __be32 sub)
{
	struct knat_event_info ev = {
		.type = type,
		.pool_id = b->range->pool->id,
		.sub = sub,
		.ext = knat_block_addr(b)->addr,
	};

	knat_block_bounds(b, &ev.lo, &ev.hi);
	knat_event(kn, &ev);
}

/* Under kn->lock. */
void knat_event_refusal(struct knat_net *kn, struct knat_subscriber *sub,
			u8 type, u8 proto)
{
	struct knat_event_info ev = {
		.type = type,
		.proto = proto,
		.pool_id = sub->pool->id,
		.sub = sub->addr,
	};

	lockdep_assert_held(&kn->lock);
	if (sub->last_event && time_before(jiffies, sub->last_event + HZ))
		return;
	sub->last_event = jiffies ?: 1;
	if (!knat_events_wanted(kn) || !__ratelimit(&kn->ev.rs))
		return;
	ev.ext = knat_sub_ext(sub);
	knat_event(kn, &ev);
}

/**
 * knat_event_table_full - the namespace is at max-sessions
 * @kn: namespace state, under kn->lock
 * @proto: of the flow refused
 *
 * Says so once a second at most, and has the collector run now rather than
 * at its next pass: what expired meanwhile makes room at once.
 */
void knat_event_table_full(struct knat_net *kn, u8 proto)
{
	struct knat_event_info ev = {
		.type = KNAT_EVENT_TABLE_FULL,
		.proto = proto,
	};

	lockdep_assert_held(&kn->lock);
	if (kn->ev.last_full && time_before(jiffies, kn->ev.last_full + HZ))
		return;
	kn->ev.last_full = jiffies ?: 1;
	knat_gc_kick(kn);
	if (__ratelimit(&kn->ev.rs))
		knat_event(kn, &ev);
}

static void knat_interim_sub(struct knat_net *kn, struct knat_subscriber *sub)
{
	struct knat_block *b;

	spin_lock_bh(&kn->lock);
	list_for_each_entry(b, &sub->blocks, node)
		knat_event_block(kn, KNAT_EVENT_BLOCK_ACTIVE, b, sub->addr);
	spin_unlock_bh(&kn->lock);
}

/**
 * knat_interim - announce the blocks still held, every interim period
 * @kn: namespace state
 * @budget: subscribers to visit in this call
 *
 * A walk over the subscribers spread over GC runs.  Process context.
 */
void knat_interim(struct knat_net *kn, unsigned int budget)
{
	u32 period = READ_ONCE(kn->cfg.interim);
	struct knat_subscriber *sub;
	bool done = false;

	if (!kn->ev.interim_active) {
		if (!period || time_before(jiffies, kn->ev.interim_next))
			return;
		kn->ev.interim_next = jiffies + period * HZ;
		if (!knat_events_wanted(kn))
			return;
		rhashtable_walk_enter(&kn->subs, &kn->ev.interim_iter);
		kn->ev.interim_active = true;
	}
	rhashtable_walk_start(&kn->ev.interim_iter);
	while (budget--) {
		sub = rhashtable_walk_next(&kn->ev.interim_iter);
		if (IS_ERR(sub))
			continue;
		if (!sub) {
			done = true;
			break;
		}
		knat_interim_sub(kn, sub);
	}
	rhashtable_walk_stop(&kn->ev.interim_iter);
	if (done)
		knat_interim_stop(kn);
}

void knat_interim_stop(struct knat_net *kn)
{
	if (kn->ev.interim_active)
		rhashtable_walk_exit(&kn->ev.interim_iter);
	kn->ev.interim_active = false;
}
