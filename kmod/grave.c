// SPDX-License-Identifier: GPL-2.0
/*
 * knat: graves, where unlinked sessions and mappings wait out their readers.
 *
 * A session or mapping taken out of the indexes may still be in use by
 * readers under RCU, so it is freed only after a grace period.  It carries
 * no rcu_head for that: 16 bytes of each, that is, of every flow.  Its
 * pointer goes in a grave instead, a kilobyte of pointers to objects of
 * one cache with a single rcu_head.  A grave that is closed goes to
 * call_rcu() whole, and one callback frees its objects: one callback per
 * hundred objects or so.  It frees them one at a time: what a sweep
 * removes comes in hash order, each object from another slab, where
 * kmem_cache_free_bulk() finds no neighbours to batch.  Why not the
 * kernel's own ways is in Documentation/design.rst ("State").
 *
 * Writers bury under kn->lock, and a writer must know that there is room
 * before it unlinks anything: it cannot wait for memory there.
 * knat_grave_room() closes a grave without the room asked for and opens a
 * new one, without sleeping; a writer that gets false unlinks nothing.  The
 * packet path then drops the packet (KNAT_STAT_DROP_NOMEM), and the sweep
 * leaves its doomed sessions noted for later.  In process context,
 * knat_graves_prepare() makes room before the lock is taken, waiting for
 * memory if it must.  The GC closes what graves hold at the end of each
 * walk, so no object waits longer than a walk.
 */
#include <linux/slab.h>
#include "knat.h"
#include "grave.h"

static struct knat_grave *knat_grave_new(struct kmem_cache *cache, gfp_t gfp)
{
	struct knat_grave *g = kmalloc(KNAT_GRAVE_BYTES, gfp);

	if (g) {
		g->cache = cache;
		g->n = 0;
	}
	return g;
}

static void knat_grave_free_rcu(struct rcu_head *head)
{
	struct knat_grave *g = container_of(head, struct knat_grave, rcu);
	unsigned int i;

	for (i = 0; i < g->n; i++)
		kmem_cache_free(g->cache, g->obj[i]);
	kfree(g);
}

/* Worth closing to make room for @need?  Never when empty. */
static bool knat_grave_tight(const struct knat_grave *g, unsigned int need)
{
	unsigned int n = READ_ONCE(g->n);

	return n && KNAT_GRAVE_SLOTS - n < need;
}

static struct knat_grave *knat_grave(struct knat_net *kn,
				     enum knat_grave_kind kind)
{
	return rcu_dereference_protected(kn->graves[kind],
					 lockdep_is_held(&kn->lock));
}

/* Under kn->lock: close grave @kind and open @fresh in its place. */
static void knat_grave_swap(struct knat_net *kn, enum knat_grave_kind kind,
			    struct knat_grave *fresh)
{
	struct knat_grave *g = knat_grave(kn, kind);

	fresh->cache = g->cache;
	rcu_assign_pointer(kn->graves[kind], fresh);
	call_rcu(&g->rcu, knat_grave_free_rcu);
}

/**
 * knat_grave_room - make sure every grave has room for @need more objects
 * @kn: namespace state
 * @need: objects of each kind the caller may bury, at most KNAT_GRAVE_SLOTS
 *
 * Under kn->lock; does not sleep.  Return: true when there is room.
 */
bool knat_grave_room(struct knat_net *kn, unsigned int need)
{
	struct knat_grave *fresh;
	int kind;

	lockdep_assert_held(&kn->lock);
	for (kind = 0; kind < __KNAT_GRAVE_MAX; kind++) {
		if (!knat_grave_tight(knat_grave(kn, kind), need))
			continue;
		fresh = knat_grave_new(NULL, GFP_ATOMIC | __GFP_NOWARN);
		if (!fresh)
			return false;
		knat_grave_swap(kn, kind, fresh);
	}
	return true;
}

/**
 * knat_bury - free @obj once the readers that may hold it are gone
 * @kn: namespace state
 * @kind: the cache it came from
 * @obj: an object no index holds any more
 *
 * Under kn->lock, after knat_grave_room() said yes.
 */
void knat_bury(struct knat_net *kn, enum knat_grave_kind kind, void *obj)
{
	struct knat_grave *g = knat_grave(kn, kind);

	lockdep_assert_held(&kn->lock);
	if (WARN_ON_ONCE(g->n >= KNAT_GRAVE_SLOTS))
		return;		/* leaked rather than freed too early */
	g->obj[g->n] = obj;
	WRITE_ONCE(g->n, g->n + 1);
}

/**
 * knat_graves_prepare - make room for @need objects of each kind
 * @kn: namespace state
 * @need: objects of each kind; KNAT_GRAVE_SLOTS or more closes every
 *        grave that holds any
 *
 * Process context, without kn->lock; may wait for memory.  Writers on the
 * packet path may take some of the room before the caller takes the lock:
 * it still checks with knat_grave_room().
 */
void knat_graves_prepare(struct knat_net *kn, unsigned int need)
{
	struct knat_grave *fresh;
	bool tight;
	int kind;

	for (kind = 0; kind < __KNAT_GRAVE_MAX; kind++) {
		rcu_read_lock();
		tight = knat_grave_tight(rcu_dereference(kn->graves[kind]), need);
		rcu_read_unlock();
		if (!tight)
			continue;
		fresh = knat_grave_new(NULL, GFP_KERNEL | __GFP_NOFAIL);
		spin_lock_bh(&kn->lock);
		if (knat_grave_tight(knat_grave(kn, kind), need)) {
			knat_grave_swap(kn, kind, fresh);
			fresh = NULL;
		}
		spin_unlock_bh(&kn->lock);
		kfree(fresh);
	}
}

/* Close every grave that holds objects. */
void knat_graves_close(struct knat_net *kn)
{
	knat_graves_prepare(kn, KNAT_GRAVE_SLOTS);
}

/**
 * knat_graves_init - open a grave for each kind of object
 * @kn: namespace state
 * @caches: the cache of each kind, by enum knat_grave_kind
 *
 * Return: 0 or -ENOMEM.
 */
int knat_graves_init(struct knat_net *kn, struct kmem_cache *const *caches)
{
	struct knat_grave *g;
	int kind;

	for (kind = 0; kind < __KNAT_GRAVE_MAX; kind++) {
		g = knat_grave_new(caches[kind], GFP_KERNEL);
		if (!g) {
			knat_graves_destroy(kn, kind);
			return -ENOMEM;
		}
		RCU_INIT_POINTER(kn->graves[kind], g);
	}
	return 0;
}

/*
 * Free the first @n graves, and what they hold, after a grace period.  No
 * writer may remain.
 */
void knat_graves_destroy(struct knat_net *kn, int n)
{
	struct knat_grave *g;

	while (n--) {
		g = rcu_dereference_protected(kn->graves[n], true);
		call_rcu(&g->rcu, knat_grave_free_rcu);
	}
}
