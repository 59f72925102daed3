// SPDX-License-Identifier: GPL-2.0
/*
 * knat: expiry.
 *
 * The packet path only stores a timestamp.  A per-namespace delayed_work
 * walks the session index and removes the sessions whose time is up (and with
 * the last one, their mapping and its port).  Each run examines enough
 * entries to cover the index in KNAT_GC_WALK_SECS at the pace runs come (at
 * least KNAT_GC_BATCH), so a quiet table costs a small, steady share of a CPU
 * however big it is.  A run that finds expired flows goes on until
 * KNAT_GC_MAX_NS and comes back at once: a backlog is collected at the speed
 * of one CPU.  A complete walk rests KNAT_GC_INTERVAL, unless its last run
 * was collecting: a backlog goes on where the walk began.  An entry is
 * collected at most one full walk after it expired.  Each run queues the next
 * on the CPU that translated the fewest packets since the run before: off the
 * CPUs the traffic is on, where there are such, whose softirqs would take the
 * walk's time between its batches and its batches theirs.  Where every CPU
 * carries traffic, the GC's time is the traffic's: the next run then waits
 * for a tick at least, and lasts KNAT_GC_SHARE per mille of the time since
 * this one (KNAT_GC_BUSY_MAX_NS at most), so a backlog takes longer and
 * forwarding loses about that share of a CPU to it.  No run lasts longer
 * than that and a batch.  Each run first answers up to KNAT_GC_SYNS of the
 * unsolicited SYNs whose wait is over (syn.c), and comes back at the next
 * tick while more are due.  A complete walk closes the graves of what it
 * removed (grave.c) and ends the timed forwards whose lifetime is over.
 */
#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/sched/clock.h>
#include <linux/in.h>
#include "knat.h"
#include "block.h"
#include "events.h"
#include "forward.h"
#include "gc.h"
#include "grave.h"
#include "pool.h"
#include "subscriber.h"
#include "sweep.h"
#include "syn.h"

#define KNAT_GC_BATCH		64	/* entries between clock checks */
#define KNAT_GC_MAX_NS		(NSEC_PER_MSEC / 2)
#define KNAT_GC_WALK_SECS	5
#define KNAT_GC_REAP		1024	/* blocks and subscribers per walk */
#define KNAT_GC_INTERVAL	HZ
#define KNAT_GC_SYNS		64	/* held SYNs answered per run */
#define KNAT_GC_SHARE		75	/* per mille of a CPU with traffic */
#define KNAT_GC_BUSY_MAX_NS	NSEC_PER_MSEC
#define KNAT_GC_REST_MAX_NS	(4 * TICK_NSEC)

/*
 * The TCP state of RFC 7857 section 2.1 (after RFC 6146), from what the
 * packet path observed: opening until traffic went both ways, established
 * until FINs went both ways (a half-closed connection may idle as long as
 * an open one), closing after that or after a RST.
 */
enum knat_tcp_state knat_tcp_state(u8 tcp)
{
	if (tcp & KNAT_TCPF_RST)
		return KNAT_TCP_RST;
	if ((tcp & KNAT_TCPF_FIN) == KNAT_TCPF_FIN)
		return KNAT_TCP_FIN;
	if (tcp & KNAT_TCPF_FIN)
		return KNAT_TCP_HALF_CLOSED;
	if ((tcp & KNAT_TCPF_SEEN_OUT) && (tcp & KNAT_TCPF_SEEN_IN))
		return KNAT_TCP_ESTABLISHED;
	if (tcp & KNAT_TCPF_SYN_OUT)
		return KNAT_TCP_SYN_SENT;
	if (tcp & KNAT_TCPF_SYN_IN)
		return KNAT_TCP_SYN_RECV;
	return KNAT_TCP_PICKUP;
}

/* RFC 5382 REQ-5 and RFC 7857 section 2.1: a timer per phase. */
static u32 knat_tcp_timeout(const struct knat_net *kn,
			    enum knat_tcp_state state)
{
	switch (state) {
	case KNAT_TCP_ESTABLISHED:
	case KNAT_TCP_HALF_CLOSED:
		return READ_ONCE(kn->cfg.timeout_tcp_est);
	case KNAT_TCP_FIN:
	case KNAT_TCP_RST:
		return READ_ONCE(kn->cfg.timeout_tcp_trans);
	default:
		return READ_ONCE(kn->cfg.timeout_tcp_open);
	}
}

/* Under RCU: is @s of an unconfirmed subscriber's mapping, in a pool whose
 * share for such is full?
 */
static bool knat_session_unconfirmed(const struct knat_session *s)
{
	const struct knat_mapping *m = knat_session_map(s);

	knat_assert_rcu();
	return !(READ_ONCE(m->s.flags) & KNAT_SESS_CONFIRMED) &&
	       m->paddr->range->pool->mode == KNAT_MODE_DYNAMIC &&
	       knat_unconfirmed_full(m->paddr->range->pool);
}

/* The timeout of @s's protocol and state, in seconds. */
static u32 knat_proto_timeout(const struct knat_net *kn,
			      const struct knat_session *s)
{
	switch (s->in.proto) {
	case IPPROTO_TCP:
		return knat_tcp_timeout(kn, knat_tcp_state(READ_ONCE(s->tcp)));
	case IPPROTO_UDP:
		return READ_ONCE(kn->cfg.timeout_udp);
	default:
		return READ_ONCE(kn->cfg.timeout_icmp);
	}
}

/*
 * Opened from outside and not answered: short-lived, as conntrack's
 * unreplied entries, so a flood's sessions make room soon.  So are those
 * of a subscriber not yet confirmed while such hold their share of its
 * pool (subscriber.c): made-up sources, likely.
 */
static bool knat_session_brief(const struct knat_session *s)
{
	return (READ_ONCE(s->flags) & KNAT_SESS_UNANSWERED) ||
	       knat_session_unconfirmed(s);
}

unsigned long knat_session_timeout(const struct knat_net *kn,
				   const struct knat_session *s)
{
	u32 secs = knat_proto_timeout(kn, s);

	if (knat_session_brief(s))
		secs = min(secs, READ_ONCE(kn->cfg.timeout_unanswered));
	return (unsigned long)secs * HZ;
}

/*
 * Is @s idle longer than knat_session_timeout() says?  Past its protocol's
 * timeout, or short of the unanswered one, it is or it is not whatever
 * else holds: only between the two does the brief test count, which a
 * mass expiry, where every session is past its timeout, then skips.
 */
bool knat_session_expired(const struct knat_net *kn,
			  const struct knat_session *s, unsigned long now)
{
	u32 idle = knat_stamp(now) - READ_ONCE(s->last_used);

	BUILD_BUG_ON((u64)KNAT_TIMEOUT_MAX * HZ >= S32_MAX);
	if ((s32)(idle - knat_proto_timeout(kn, s) * HZ) > 0)
		return true;
	if ((s32)(idle - READ_ONCE(kn->cfg.timeout_unanswered) * HZ) <= 0)
		return false;
	return knat_session_brief(s);
}

static bool knat_gc_doomed(struct knat_net *kn, const struct knat_session *s,
			   void *now)
{
	return knat_session_expired(kn, s, *(unsigned long *)now);
}

/**
 * knat_gc_batch - examine up to @budget sessions, removing expired ones
 * @kn: namespace state
 * @budget: sessions to examine
 * @done: set when the walk over the whole index is complete
 *
 * The walk resumes where the previous batch stopped.  Process context.
 * Return: sessions removed.
 */
unsigned int knat_gc_batch(struct knat_net *kn, unsigned int budget,
			   bool *done)
{
	unsigned long now = jiffies;

	return knat_sweep(kn, &kn->gc.sweep, budget, knat_gc_doomed, &now,
			  true, done);
}

/*
 * The online CPU that translated the fewest packets since the last call,
 * this one if none did fewer; @busy says whether it translated any.
 * Reads every CPU's counters once.  Under cpus_read_lock().
 */
static int knat_gc_cpu(struct knat_net *kn, bool *busy)
{
	int cpu, here = raw_smp_processor_id(), best = here;
	u64 least = U64_MAX, n, d;
	struct knat_stats *st;

	for_each_online_cpu(cpu) {
		st = per_cpu_ptr(kn->stats, cpu);
		n = READ_ONCE(st->c[KNAT_STAT_XLATE_OUT]) +
		    READ_ONCE(st->c[KNAT_STAT_XLATE_IN]);
		d = n - st->gc_seen;
		st->gc_seen = n;
		if (d < least || (d == least && cpu == here)) {
			least = d;
			best = cpu;
		}
	}
	*busy = least > 0;
	return best;
}

/*
 * The time since the last run ended, as much of it as counts: measured,
 * as the timer that brings a run rounds its tick up (one jiffy of delay
 * ends on the second tick).
 */
static u64 knat_gc_rest(const struct knat_net *kn, u64 now)
{
	s64 rest = now - kn->gc.ended;

	return clamp_t(s64, rest, 0, KNAT_GC_REST_MAX_NS);
}

/* How long a run may go on: on a CPU with traffic, its share of @rest. */
static u64 knat_gc_budget(const struct knat_net *kn, u64 rest)
{
	if (!kn->gc.busy)
		return KNAT_GC_MAX_NS;
	return min_t(u64, KNAT_GC_BUSY_MAX_NS,
		     div_u64(rest * KNAT_GC_SHARE, 1000 - KNAT_GC_SHARE));
}

/* The entries to examine after @rest, to cover the index in time. */
static unsigned int knat_gc_quota(struct knat_net *kn, u64 rest)
{
	return div64_u64(knat_sweep_size(kn) * rest,
			 KNAT_GC_WALK_SECS * NSEC_PER_SEC);
}

static void knat_gc_work(struct work_struct *work)
{
	struct knat_net *kn = container_of(to_delayed_work(work),
					   struct knat_net, gc.work);
	u64 now = local_clock(), rest = knat_gc_rest(kn, now);
	u64 end = now + knat_gc_budget(kn, rest);
	unsigned int quota = knat_gc_quota(kn, rest);
	unsigned int removed = 0, examined = 0;
	unsigned long delay;
	bool done, syns;
	int cpu;

	syns = knat_syn_expire(kn, jiffies, KNAT_GC_SYNS);
	do {
		removed += knat_gc_batch(kn, KNAT_GC_BATCH, &done);
		examined += KNAT_GC_BATCH;
	} while (!done && (examined < quota || removed) &&
		 local_clock() < end);
	if (done) {
		knat_graves_close(kn);
		knat_cooling_reap(kn, KNAT_GC_REAP);
		knat_interim(kn, KNAT_GC_REAP / 4);
		mutex_lock(&kn->cfg_lock);
		knat_forwards_expire(kn, jiffies);
		/* An address that came back while its old range drained
		 * could not be taken then: now it can.
		 */
		if (knat_pools_reap(kn))
			queue_work(system_wq, &kn->if_work);
		mutex_unlock(&kn->cfg_lock);
		delay = removed ? 0 : KNAT_GC_INTERVAL;
	} else {
		delay = removed ? 0 : 1;
	}
	if (syns)
		delay = min(delay, 1UL);
	/*
	 * The CPU must stay online until the timer is on it: one going
	 * offline after that hands its timers on, one going offline before
	 * would keep this one until it came back.
	 */
	cpus_read_lock();
	cpu = knat_gc_cpu(kn, &kn->gc.busy);
	if (kn->gc.busy)
		delay = max(delay, 1UL);
	kn->gc.ended = local_clock();
	queue_delayed_work_on(cpu, system_wq, &kn->gc.work, delay);
	cpus_read_unlock();
}

void knat_gc_init(struct knat_net *kn)
{
	memset(&kn->gc.sweep, 0, sizeof(kn->gc.sweep));
	kn->ev.interim_next = jiffies;
	INIT_DELAYED_WORK(&kn->gc.work, knat_gc_work);
}

void knat_gc_start(struct knat_net *kn)
{
	queue_delayed_work(system_wq, &kn->gc.work, KNAT_GC_INTERVAL);
}

/*
 * Any context: run the collector now, on whatever CPU, if the namespace
 * has one (it is attached, knat_attach()); it then goes on at its pace.
 */
void knat_gc_kick(struct knat_net *kn)
{
	if (READ_ONCE(kn->attached))
		mod_delayed_work(system_wq, &kn->gc.work, 0);
}

void knat_gc_stop(struct knat_net *kn)
{
	cancel_delayed_work_sync(&kn->gc.work);
	knat_sweep_end(&kn->gc.sweep);
	knat_interim_stop(kn);
}
