/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knat: carrier-grade IPv4 NAPT.  Internal interfaces between the files of
 * the module; see Documentation/design.rst for the architecture.
 */
#ifndef _KNAT_H
#define _KNAT_H

#include <linux/rhashtable.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <linux/netlink.h>
#include <uapi/linux/knat.h>

#define KNAT_MAX_POOLS		16
#define KNAT_MAX_POOL_ADDRS	1024
#define KNAT_MAX_INSIDES	64
#define KNAT_MAX_EXEMPTS	64
#define KNAT_MAX_FORWARDS	4096
#define KNAT_MAX_SUB_FORWARDS	64	/* timed ones of one subscriber */
#define KNAT_MAX_TIMED_FORWARDS	3072	/* timed ones in all: the rest of
					 * KNAT_MAX_FORWARDS stays for the
					 * operator's static ones
					 */
#define KNAT_MAX_RANGE_BLOCKS	BIT(21)	/* 2M blocks: 112 MiB */
#define KNAT_PORTS		65536
#define KNAT_PORT_WORDS		(KNAT_PORTS / BITS_PER_LONG)
#define KNAT_NPROTO		3	/* TCP, UDP, ICMP */
#define KNAT_LOW_BLOCK		16	/* default ports per low block */
#define KNAT_TIMEOUT_MAX	(7 * 24 * 3600)	/* seconds: a week */

/* Index of @proto in per-protocol arrays, or -1: on every packet's path. */
static inline int knat_proto_index(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 0;
	case IPPROTO_UDP:
		return 1;
	case IPPROTO_ICMP:
		return 2;
	}
	return -1;
}

/*
 * A flow as one side of the NAT sees it: l = the inside (or external)
 * endpoint, r = the remote endpoint.  16 bytes, hashed as four words and
 * compared as two; the padding is always zero.
 */
struct knat_tuple {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u8 proto;
	u8 pad[3];
} __aligned(8);

/* One end of a mapping: (proto, address, port or ICMP id); one word. */
struct knat_endpoint {
	__be32 addr;
	__be16 port;
	u8 proto;
	u8 pad;
} __aligned(8);

/*
 * Ports in use on one external address for one protocol.  The summary has a
 * bit per word of @used that is full, so a search touches at most
 * KNAT_PORT_WORDS / BITS_PER_LONG summary words and two port words: its cost
 * does not grow with occupancy.
 */
struct knat_portmap {
	unsigned long full[KNAT_PORT_WORDS / BITS_PER_LONG];
	unsigned long used[KNAT_PORT_WORDS];
	u32 nused;
};

struct knat_pool;
struct knat_range;
struct knat_net;
struct knat_subscriber;

/*
 * A bitmap of taken entries with a summary bit per full word: the same
 * bounded search as struct knat_portmap, sized at run time (blocks).
 */
struct knat_bitmap {
	unsigned long *full;
	unsigned long *used;
	u32 nbits;
	u32 nused;
};

/* Bits (ports, or blocks) [lo, hi]. */
struct knat_span {
	u32 lo;
	u32 hi;
};

/*
 * Bits a search skips: sorted, neither overlapping nor touching.  The
 * router's ports on one of its addresses: its pool's router-ports and the
 * host's local port range.
 */
struct knat_spans {
	u8 n;
	struct knat_span s[KNAT_ROUTER_PORTS_MAX + 1];
};

/* A port block: @size consecutive ports of one external address. */
struct knat_block {
	struct list_head node;		/* owner->blocks, or pool->cooling */
	struct knat_subscriber *owner;	/* while active */
	__be32 last_owner;		/* kept while cooling, for attribution */
	u32 nmappings;
	unsigned long cool_until;	/* jiffies */
	struct knat_range *range;
	u32 index;			/* in range->blocks */
	u8 state;			/* enum knat_block_state */
};

struct knat_pool_addr {
	__be32 addr;
	bool local;			/* the host uses it: see alloc.c */
	struct knat_range *range;
	struct knat_portmap *ports[KNAT_NPROTO];
};

/* One prefix of external addresses of a pool. */
struct knat_range {
	struct list_head list;		/* pool->ranges, RCU */
	struct knat_pool *pool;
	__be32 prefix;
	u8 plen;
	bool draining;			/* under kn->lock */
	bool reaped;			/* being freed; under kn->lock */
	u32 naddrs;
	u32 first;			/* deterministic: index of addrs[0] */
	atomic_t nmappings;
	u32 nactive;			/* blocks; under kn->lock */
	u32 ncooling;
	struct knat_bitmap bmap;	/* blocks not free */
	struct knat_block *blocks;	/* naddrs * pool->nblocks */
	struct list_head gone;		/* being freed */
	struct knat_pool_addr addrs[];
};

struct knat_pool {
	struct list_head list;		/* kn->pools, RCU */
	unsigned long seq;		/* knat_list_seq() */
	struct list_head ranges;	/* knat_range, RCU */
	struct list_head cooling;	/* knat_block, oldest first */
	u32 id;
	u8 mode;			/* enum knat_pool_mode */
	bool overlap;
	bool parity;			/* RFC 4787 REQ-4 */
	u8 filter[2];			/* enum knat_filter of TCP, UDP */
	u8 mapping[2];			/* enum knat_mapping_mode of TCP, UDP */
	bool draining;			/* under kn->lock */
	u16 port_min;
	u16 port_max;
	u16 block_size;			/* dynamic: ports per block */
	u32 nblocks;			/* dynamic: blocks per address */
	u16 low_block;			/* ports per low block, 0: none */
	u16 low_min;			/* low blocks: [low_min, 1023] */
	u32 nlow;			/* low blocks per address */
	u16 max_blocks;			/* per subscriber */
	u32 max_sessions;		/* per subscriber, 0: unlimited */
	u16 inbound_limit;		/* unanswered sessions a mapping, 0: any */
	u32 inbound_sub_limit;		/* ... a subscriber, 0: any */
	u8 unconfirmed_share;		/* percent of the blocks such may
					 * hold
					 */
	/* Never handed out on an address of the router's (sorted, apart). */
	u8 nrouter_ports;
	struct knat_span router_ports[KNAT_ROUTER_PORTS_MAX];
	u32 unconfirmed_blocks;		/* held by subscribers not confirmed
					 * (pool.c); under kn->lock,
					 * READ_ONCE elsewhere
					 */
	unsigned long unconfirmed_kick;	/* jiffies; under kn->lock */
	u32 cooling_secs;
	__be32 det_prefix;		/* deterministic: inside prefix */
	u8 det_plen;
	u32 det_ports;			/* deterministic: ports per subscriber */
	u32 det_per_addr;		/* deterministic: subscribers per address */
	u32 naddrs;			/* live addresses */
	int ifindex;			/* addresses follow it; see ifaddr.c */
	atomic_t nmappings;
	struct list_head gone;		/* being freed */
};

/*
 * A pool as the operator asks for it (knat_pool_add()): knat_pool_cfg_init()
 * gives the defaults, the caller its addresses and options.
 */
struct knat_pool_cfg {
	u32 id;
	__be32 prefix;			/* its addresses, or */
	u8 plen;
	int ifindex;			/* those of this interface */
	u16 port_min;
	u16 port_max;
	u16 block_size;			/* 0: up to 256, within the range */
	int low_block;			/* ports per low block; -1: default */
	u16 max_blocks;
	u32 max_sessions;
	u16 inbound_limit;
	u32 inbound_sub_limit;
	u8 unconfirmed_share;
	u32 cooling_secs;
	bool overlap;
	bool parity;
	u8 mode;
	u8 filter[2];
	u8 mapping[2];
	u8 nrouter_ports;		/* up to KNAT_ROUTER_PORTS_MAX */
	struct knat_span router_ports[KNAT_ROUTER_PORTS_MAX];
	bool det_prefix_set;		/* deterministic: its inside prefix */
	__be32 det_prefix;
	u8 det_plen;
};

/* An inside prefix and its pool, or (pool_id 0) an exempt destination. */
struct knat_inside {
	struct list_head list;		/* kn->insides or kn->exempts, RCU */
	unsigned long seq;		/* knat_list_seq() */
	__be32 prefix;
	__be32 mask;
	u8 plen;
	u32 pool_id;
	struct rcu_head rcu;
};

/*
 * A port forward: the operator's static one, or one a subscriber asked for
 * (PCP), which ends at @expires unless renewed by the same @nonce.
 */
struct knat_forward {
	struct list_head list;		/* kn->forwards, RCU */
	unsigned long seq;		/* knat_list_seq() */
	struct knat_endpoint in;
	struct knat_endpoint ext;
	struct knat_mapping *map;	/* pinned */
	unsigned long expires;		/* jiffies, if timed; READ_ONCE */
	bool timed;
	u8 nonce[KNAT_NONCE_LEN];
	struct rcu_head rcu;
};

/*
 * One inside address: its pool, its paired external address and the
 * blocks it holds there.  Lives while it has mappings.
 */
struct knat_subscriber {
	struct rhash_head node;
	__be32 addr;
	u32 nmappings;			/* under kn->lock */
	u32 nsessions;			/* under kn->lock */
	u32 nunanswered;		/* under kn->lock */
	bool confirmed;			/* it sent on a flow after an answer
					 * from outside; under kn->lock
					 */
	u16 nblocks;
	u16 det_lo;			/* deterministic: the port range */
	u16 det_hi;
	struct knat_pool *pool;
	struct knat_pool_addr *ext;
	struct list_head blocks;	/* knat_block, under kn->lock */
	unsigned long last_event;	/* jiffies of the last refusal event */
	struct rcu_head rcu;
};

/*
 * What every session has: one remote endpoint of a mapping, found by its
 * inside tuple.  Outside, it is the mapping's address, @ext_port (the
 * mapping's port except in port-overlapping pools) and the same remote:
 * see knat_session_out().  Inbound packets find it through the mapping
 * (map_out, then the mapping's own session or sess_in).
 *
 * A mapping's first session is part of it (KNAT_SESS_OWN): a flow of one
 * remote costs one object and the mapping's two index entries.  Its
 * others are struct knat_xsession, in sess_in.
 */
struct knat_session {
	struct rhash_head in_node;	/* sess_in; own: the mapping's node */
	struct knat_tuple in;		/* laddr/lport: inside endpoint */
	u32 last_used;			/* knat_stamp(); READ_ONCE/WRITE_ONCE */
	__be16 ext_port;
	u8 tcp;				/* KNAT_TCPF_* bits */
	u8 flags;			/* KNAT_SESS_*; READ_ONCE */
};

/*
 * A session's last use: jiffies in 32 bits, compared modulo 2^32, which
 * holds timeouts up to KNAT_TIMEOUT_MAX (a week) at any HZ.
 */
static inline u32 knat_stamp(unsigned long now)
{
	return (u32)now;
}

#define KNAT_SESS_OWN		BIT(0)	/* a mapping's own: its first */
#define KNAT_SESS_LIVE		BIT(1)	/* own: a session still, not only the
					 * mapping's endpoint; cleared under
					 * kn->lock, never set again
					 */
#define KNAT_SESS_OVERLAP	BIT(2)	/* a struct knat_osession */
#define KNAT_SESS_UNANSWERED	BIT(3)	/* opened by an outside host, and not
					 * answered from the inside yet;
					 * cleared under kn->lock
					 */
#define KNAT_SESS_REPLIED	BIT(4)	/* own: an outside host answered a
					 * flow of the mapping the inside
					 * opened; set under kn->lock
					 */
#define KNAT_SESS_CONFIRMED	BIT(5)	/* own: the mapping's subscriber is
					 * confirmed, or it is pinned; set
					 * under kn->lock
					 */

/* A session of a mapping other than its first: in sess_in. */
struct knat_xsession {
	struct knat_session s;
	struct knat_mapping *map;
};

/*
 * A session of a port-overlapping pool.  Its mapping is in no outside
 * index (others share the port), so inbound packets find the session by
 * its external tuple in sess_out.
 */
struct knat_osession {
	struct knat_xsession x;
	struct rhash_head out_node;
	struct knat_tuple out;
};

/*
 * (proto, inside endpoint) <-> (proto, external endpoint): the inside
 * endpoint is that of @s, its own session (whose in_node is the mapping's
 * in map_in or map_dep); the external one @paddr's address, @s.ext_port
 * and the same protocol.  Its subscriber is that of its inside address
 * (knat_sub_find()).
 */
struct knat_mapping {
	struct knat_session s;		/* first: a mapping is its session */
	struct rhash_head out_node;
	struct knat_pool_addr *paddr;
	u32 nsessions;			/* under kn->lock, READ_ONCE elsewhere */
	bool overlap:1;			/* port shared: not in map_out */
	bool pinned:1;			/* a forward's: outlives its sessions */
	bool claimed:1;			/* pinned by a timed forward */
	bool blocked:1;			/* counted in its port's block */
	u8 dep;				/* enum knat_mapping_mode; not EIM: in
					 * map_dep, not map_in, and no own
					 * session
					 */
	u16 nunanswered;		/* KNAT_SESS_UNANSWERED sessions; under
					 * kn->lock
					 */
};

static inline struct knat_mapping *knat_session_map(const struct knat_session *s)
{
	if (READ_ONCE(s->flags) & KNAT_SESS_OWN)
		return container_of(s, struct knat_mapping, s);
	return container_of(s, struct knat_xsession, s)->map;
}

/* The local endpoint of @t: the inside one, or the external one outside. */
static inline struct knat_endpoint
knat_tuple_endpoint(const struct knat_tuple *t)
{
	return (struct knat_endpoint){
		.addr = t->laddr, .port = t->lport, .proto = t->proto,
	};
}

static inline struct knat_endpoint knat_mapping_in(const struct knat_mapping *m)
{
	return knat_tuple_endpoint(&m->s.in);
}

static inline struct knat_endpoint
knat_mapping_ext(const struct knat_mapping *m)
{
	return (struct knat_endpoint){
		.addr = m->paddr->addr, .port = m->s.ext_port,
		.proto = m->s.in.proto,
	};
}

/*
 * The remote addresses a mapping has sessions with, each counted: what
 * address-dependent filtering admits, and how address-dependent mapping
 * finds the mapping of a new remote port.  Only mappings that filter ADF or
 * map ADM have them.  The key is the inside endpoint, the remote address
 * and the mapping's external port, or 0 for an ADM mapping, the one of
 * its inside endpoint toward that address: entries of two mappings of one
 * inside endpoint (an ADM one and a forward made later) never mix, and
 * none outlives its mapping.
 */
struct knat_perm_key {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 eport;
	u8 proto;
	u8 pad[3];
};

struct knat_perm {
	struct rhash_head node;
	struct knat_perm_key key;
	u32 nsessions;			/* under kn->lock */
	struct knat_mapping *map;	/* the mapping these sessions use */
	struct rcu_head rcu;
};

/* TCP observations; the state and timeout are derived from them. */
#define KNAT_TCPF_SEEN_OUT	BIT(0)
#define KNAT_TCPF_SEEN_IN	BIT(1)
#define KNAT_TCPF_SYN_OUT	BIT(2)
#define KNAT_TCPF_SYN_IN	BIT(3)
#define KNAT_TCPF_FIN_OUT	BIT(4)
#define KNAT_TCPF_RST		BIT(5)
#define KNAT_TCPF_FIN_IN	BIT(6)
#define KNAT_TCPF_FIN		(KNAT_TCPF_FIN_OUT | KNAT_TCPF_FIN_IN)

struct knat_config {
	u32 timeout_udp;		/* seconds; READ_ONCE on the fast path */
	u32 timeout_tcp_est;
	u32 timeout_tcp_trans;		/* closing */
	u32 timeout_tcp_open;		/* partially open */
	u32 timeout_icmp;
	u32 max_sessions;
	u32 interim;			/* seconds; 0: no interim events */
	u32 inbound_refresh;		/* 0 or 1 (RFC 4787 REQ-6) */
	u32 syn_unreach;		/* 0 or 1 (RFC 5382 REQ-4, REQ-4a) */
	u32 icmp_filter;		/* 0 or 1 (RFC 4787 REQ-12b) */
	u32 timeout_unanswered;		/* seconds */
	u32 inside_rpf;			/* 0 or 1: see hooks.c */
};

struct knat_stats {
	u64 c[__KNAT_STAT_MAX];
	/* The GC's, not the CPU's: its packets when the GC last looked. */
	u64 gc_seen ____cacheline_aligned_in_smp;
};

/* Doomed sessions a sweep removes in one critical section, at most. */
#define KNAT_SWEEP_BATCH	32

/* Empty buckets a sweep crosses for the cost of examining one entry. */
#define KNAT_SWEEP_SPAN		8

/*
 * A resumable walk over the sessions that removes those a predicate
 * dooms.  The walk itself takes no lock: it notes the doomed sessions it
 * passes, and removes them KNAT_SWEEP_BATCH at a time under kn->lock,
 * before its RCU section ends.  It resumes at a bucket, which it goes
 * through whole: a bucket's chain is short, whatever the index holds.
 */
struct knat_sweep {
	struct knat_session *doomed[KNAT_SWEEP_BATCH];
	unsigned int ndoomed;
	unsigned long tbl;		/* the bucket table walked: compared,
					 * never followed
					 */
	u32 rnd;			/* its hash_rnd, to tell it from a
					 * table at the same address later
					 */
	unsigned int slot;		/* its next bucket */
	bool own;			/* walking map_in: own sessions */
};

/* The caches whose objects wait out their readers in graves (grave.c). */
enum knat_grave_kind {
	KNAT_GRAVE_SESSION,
	KNAT_GRAVE_OSESSION,
	KNAT_GRAVE_MAPPING,
	__KNAT_GRAVE_MAX,
};

/* Objects of @cache, freed together after a grace period. */
struct knat_grave {
	struct rcu_head rcu;
	struct kmem_cache *cache;
	unsigned int n;			/* under kn->lock, READ_ONCE elsewhere */
	void *obj[];
};

#define KNAT_GRAVE_BYTES	1024	/* 124 objects; 3 KiB per namespace */
#define KNAT_GRAVE_SLOTS \
	((KNAT_GRAVE_BYTES - sizeof(struct knat_grave)) / sizeof(void *))

typedef bool (*knat_doomed_fn)(struct knat_net *kn,
			       const struct knat_session *s, void *arg);

/* The collector (gc.c). */
struct knat_gc {
	struct delayed_work work;
	struct knat_sweep sweep;
	bool busy;			/* its CPU had traffic */
	u64 ended;			/* local_clock() of the last run's end */
};

/* Attribution events (events.c). */
struct knat_events {
	struct ratelimit_state rs;	/* refusal events */
	unsigned long last_full;	/* jiffies of the last table-full
					 * event; under kn->lock
					 */
	struct rhashtable_iter interim_iter;
	bool interim_active;
	unsigned long interim_next;	/* jiffies */
};

/* Unsolicited inbound SYNs held (syn.c). */
struct knat_syns {
	struct rhashtable table;
	struct list_head list;		/* the same, oldest first */
	spinlock_t lock;		/* both, and every lookup */
	atomic_t n;
};

struct knat_net {
	struct net *net;
	struct rhashtable sess_in;	/* knat_xsession by inside tuple */
	struct rhashtable sess_out;	/* knat_osession by external tuple */
	struct rhashtable map_in;	/* knat_mapping by inside endpoint */
	struct rhashtable map_out;	/* knat_mapping by external endpoint */
	struct rhashtable map_dep;	/* dependent ones, by external endpoint */
	struct rhashtable subs;		/* knat_subscriber by inside address */
	struct rhashtable perms;	/* knat_perm, ADF pools only */
	spinlock_t lock;		/* all table writers and allocation */
	struct knat_grave __rcu *graves[__KNAT_GRAVE_MAX]; /* under lock */
	struct mutex cfg_lock;		/* configuration writers, reaper */
	atomic_t nsessions;
	atomic_t nmappings;
	u32 nunanswered;		/* under lock, READ_ONCE elsewhere */

	/* The configuration lists: changed under cfg_lock, each change
	 * under kn->lock too; read under RCU.
	 */
	struct list_head pools;
	struct list_head insides;
	struct list_head exempts;	/* destinations left untranslated */
	struct list_head forwards;	/* knat_forward, under cfg_lock */
	unsigned long list_seq;		/* the last knat_list_seq() */
	u32 npools;
	u32 ninsides;
	u32 nexempts;
	u32 nforwards;
	u32 ntimed;			/* of them, subscribers' (timed) */
	u64 born;			/* boot time, seconds: the PCP epoch */
	u32 npool_addrs;
	u64 pool_span;			/* see knat_is_pool_addr() */
	struct knat_config cfg;

	struct knat_stats __percpu *stats;
	struct knat_gc gc;
	struct knat_events ev;
	struct knat_syns syn;
	bool attached;			/* hooks and defrag, under cfg_lock */
	struct work_struct if_work;	/* pools following interfaces */
};

/*
 * The number an entry of a configuration list (pools, inside prefixes,
 * exempt destinations, forwards) is listed with, larger than any before
 * it: each list is in the order of these numbers, and a dump resumes
 * after the last it sent, however the list changed meanwhile.
 */
static inline unsigned long knat_list_seq(struct knat_net *kn)
{
	lockdep_assert_held(&kn->cfg_lock);
	return ++kn->list_seq;
}

/* In a reader's section: RCU, or anything that holds a grace period off. */
#define knat_assert_rcu() \
	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(), "knat: outside RCU")

/* main.c */
struct knat_net *knat_pernet(struct net *net);
int knat_state_init(struct knat_net *kn);
void knat_state_destroy(struct knat_net *kn);

/* stats.c */
static inline void knat_count(struct knat_net *kn, enum knat_stat which)
{
	this_cpu_inc(kn->stats->c[which]);
}

static inline unsigned int knat_drop(struct knat_net *kn,
				     enum knat_stat reason)
{
	knat_count(kn, reason);
	return NF_DROP;
}

void knat_stats_read(struct knat_net *kn, u64 *out);
enum knat_tcp_state knat_tcp_state(u8 tcp);

#endif /* _KNAT_H */
