/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * knat: carrier-grade IPv4 NAPT, generic netlink interface.
 *
 * Every command is restricted to callers with CAP_NET_ADMIN over the
 * network namespace of the socket, and acts on that namespace only.
 * Requests are validated strictly: an attribute a command does not take is
 * an error, and every refusal carries an extended-ack message.
 */
#ifndef _UAPI_LINUX_KNAT_H
#define _UAPI_LINUX_KNAT_H

#include <linux/types.h>

#define KNAT_GENL_NAME		"knat"
#define KNAT_GENL_VERSION	1

enum knat_cmd {
	KNAT_CMD_UNSPEC,
	KNAT_CMD_POOL_ADD,	/* [POOL_ID], ADDR + PREFIXLEN or IFINDEX,
				 * [PORT_MIN, PORT_MAX,
				 * BLOCK_SIZE, MAX_BLOCKS, SUB_MAX_SESSIONS,
				 * COOLING, OVERLAP, PARITY, MODE,
				 * FILTER_TCP, FILTER_UDP, MAPPING_TCP,
				 * MAPPING_UDP,
				 * IN_ADDR + IN_PREFIXLEN]
				 */
	KNAT_CMD_POOL_DEL,	/* POOL_ID, [NOW]: drain the pool */
	KNAT_CMD_POOL_GET,	/* dump: POOL_ID, settings, [IFINDEX], RANGES,
				 * MAPPINGS, BLOCKS_*, DRAINING
				 */
	KNAT_CMD_INSIDE_ADD,	/* ADDR, PREFIXLEN, [POOL_ID] */
	KNAT_CMD_INSIDE_DEL,	/* ADDR, PREFIXLEN */
	KNAT_CMD_INSIDE_GET,	/* dump: ADDR, PREFIXLEN */
	KNAT_CMD_CONFIG_GET,	/* reply: the settings: TIMEOUT_UDP and the
				 * other timeouts (TCP_OPEN too),
				 * MAX_SESSIONS, INTERIM,
				 * INBOUND_REFRESH, SYN_UNREACH, ICMP_FILTER;
				 * and EPOCH
				 */
	KNAT_CMD_CONFIG_SET,	/* any of those but EPOCH */
	KNAT_CMD_MAPPING_GET,	/* dump: PROTO, IN_*, EXT_*, SESSIONS, STATIC */
	KNAT_CMD_SESSION_GET,	/* dump: PROTO, IN_*, EXT_*, REM_*, TCP_STATE, EXPIRES */
	KNAT_CMD_FLUSH,		/* [POOL_ID]: remove mappings and sessions */
	KNAT_CMD_STATS_GET,	/* reply: STATS */
	KNAT_CMD_RANGE_ADD,	/* POOL_ID, ADDR, PREFIXLEN */
	KNAT_CMD_RANGE_DEL,	/* POOL_ID, ADDR, PREFIXLEN, [NOW]: drain the
				 * range
				 */
	KNAT_CMD_SUBSCRIBER_GET, /* dump, or [IN_ADDR]: IN_ADDR, POOL_ID,
				  * EXT_ADDR, BLOCKS, MAPPINGS, SESSIONS
				  */
	KNAT_CMD_WHOIS,		/* IN_ADDR: its POOL_ID, EXT_ADDR and BLOCKS;
				 * or EXT_ADDR + EXT_PORT: POOL_ID, the
				 * FORWARDS of the port, and IN_ADDR,
				 * BLOCK_STATE and PORT_MIN/MAX of its block
				 */
	KNAT_CMD_EVENT,		/* multicast on KNAT_MCGRP_EVENTS: EVENT, TIME,
				 * POOL_ID, IN_ADDR, EXT_ADDR, PORT_MIN,
				 * PORT_MAX, [PROTO]
				 */
	KNAT_CMD_EXEMPT_ADD,	/* ADDR, PREFIXLEN: never translate toward it */
	KNAT_CMD_EXEMPT_DEL,	/* ADDR, PREFIXLEN */
	KNAT_CMD_EXEMPT_GET,	/* dump: ADDR, PREFIXLEN */
	KNAT_CMD_FORWARD_ADD,	/* PROTO, IN_ADDR, IN_PORT, EXT_ADDR, EXT_PORT:
				 * a static mapping (TCP or UDP)
				 */
	KNAT_CMD_FORWARD_DEL,	/* PROTO, EXT_ADDR, EXT_PORT */
	KNAT_CMD_FORWARD_GET,	/* dump: PROTO, IN_ADDR, IN_PORT, EXT_ADDR,
				 * EXT_PORT, SESSIONS, [EXPIRES, NONCE]
				 */
	KNAT_CMD_FORWARD_MAP,	/* PROTO, IN_ADDR, IN_PORT, LIFETIME, [NONCE],
				 * [EXT_PORT, [EXT_ADDR], [EXACT]]: a forward
				 * a subscriber asked for (PCP MAP), on its
				 * inside endpoint's mapping or on a new one in
				 * its blocks (EXT_*: the endpoint it would
				 * like), ending after LIFETIME seconds; the
				 * same NONCE renews it, LIFETIME 0 ends it.
				 * Reply: PROTO, IN_*, EXT_*, LIFETIME
				 */

	__KNAT_CMD_MAX
};

#define KNAT_CMD_MAX (__KNAT_CMD_MAX - 1)

enum knat_attr {
	KNAT_A_UNSPEC,
	KNAT_A_PAD,
	KNAT_A_ADDR,			/* be32: prefix address */
	KNAT_A_PREFIXLEN,		/* u8: 0..32 */
	KNAT_A_PORT_MIN,		/* u16: first external port (host order) */
	KNAT_A_PORT_MAX,		/* u16: last external port (host order) */
	KNAT_A_MAPPINGS,		/* u32: mappings using a pool */
	KNAT_A_TIMEOUT_UDP,		/* u32: seconds */
	KNAT_A_TIMEOUT_TCP_EST,		/* u32: seconds */
	KNAT_A_TIMEOUT_TCP_TRANS,	/* u32: seconds, closing (both FINs, RST) */
	KNAT_A_TIMEOUT_ICMP,		/* u32: seconds */
	KNAT_A_MAX_SESSIONS,		/* u32: sessions per namespace */
	KNAT_A_PROTO,			/* u8: IPPROTO_TCP, _UDP or _ICMP */
	KNAT_A_IN_ADDR,			/* be32 */
	KNAT_A_IN_PORT,			/* u16: port, or ICMP query id */
	KNAT_A_EXT_ADDR,		/* be32 */
	KNAT_A_EXT_PORT,		/* u16 */
	KNAT_A_REM_ADDR,		/* be32 */
	KNAT_A_REM_PORT,		/* u16 */
	KNAT_A_SESSIONS,		/* u32: sessions of a mapping */
	KNAT_A_TCP_STATE,		/* u8: enum knat_tcp_state */
	KNAT_A_EXPIRES,			/* u32: milliseconds until expiry */
	KNAT_A_STATS,			/* nested: enum knat_stat, each u64 */
	KNAT_A_POOL_ID,			/* u32: 1.. (default 1) */
	KNAT_A_BLOCK_SIZE,		/* u16: ports per block */
	KNAT_A_MAX_BLOCKS,		/* u16: blocks per subscriber */
	KNAT_A_SUB_MAX_SESSIONS,	/* u32: sessions per subscriber, 0: any */
	KNAT_A_COOLING,			/* u32: seconds before a block is reused */
	KNAT_A_OVERLAP,			/* u8: 0 or 1, port overlapping */
	KNAT_A_MODE,			/* u8: enum knat_pool_mode */
	KNAT_A_IN_PREFIXLEN,		/* u8: deterministic inside prefix */
	KNAT_A_RANGES,			/* nested: RANGE, ... */
	KNAT_A_RANGE,			/* nested: ADDR, PREFIXLEN, DRAINING */
	KNAT_A_DRAINING,		/* u8: 1 when being removed */
	KNAT_A_BLOCKS_TOTAL,		/* u32 */
	KNAT_A_BLOCKS_ACTIVE,		/* u32 */
	KNAT_A_BLOCKS_COOLING,		/* u32 */
	KNAT_A_BLOCKS,			/* nested: BLOCK, ... */
	KNAT_A_BLOCK,			/* nested: EXT_ADDR, PORT_MIN, PORT_MAX */
	KNAT_A_BLOCK_STATE,		/* u8: enum knat_block_state */
	KNAT_A_EVENT,			/* u8: enum knat_event */
	KNAT_A_TIME,			/* u64: wall clock, ns since the epoch */
	KNAT_A_INTERIM,			/* u32: seconds between interim events,
					 * 0: none
					 */
	KNAT_A_SUBSCRIBERS,		/* u32: subscribers with state */
	KNAT_A_PARITY,			/* u8: 0 or 1, external ports keep the
					 * inside port's parity (RFC 4787 REQ-4)
					 */
	KNAT_A_INBOUND_REFRESH,		/* u32: 0 or 1, inbound packets refresh
					 * their session (RFC 4787 REQ-6)
					 */
	KNAT_A_STATIC,			/* u8: on the mapping of a forward, 1
					 * (static) or 2 (timed)
					 */
	KNAT_A_FORWARDS,		/* nested: FORWARD, ... */
	KNAT_A_FORWARD,			/* nested: PROTO, IN_ADDR, IN_PORT */
	KNAT_A_NOW,			/* u8: 1 to retire a drained range's or
					 * pool's mappings at once
					 */
	KNAT_A_FILTER_TCP,		/* u8: enum knat_filter of a pool's TCP */
	KNAT_A_FILTER_UDP,		/* u8: enum knat_filter of its UDP */
	KNAT_A_TIMEOUT_TCP_OPEN,	/* u32: seconds, partially open */
	KNAT_A_SYN_UNREACH,		/* u32: 0 or 1, an unsolicited SYN is
					 * answered with ICMP port unreachable
					 * after 6 s (RFC 5382 REQ-4), or
					 * dropped silently (REQ-4a)
					 */
	KNAT_A_IFINDEX,			/* u32: the interface whose addresses a
					 * pool follows
					 */
	KNAT_A_MAPPING_TCP,		/* u8: enum knat_mapping_mode of a pool's TCP */
	KNAT_A_MAPPING_UDP,		/* u8: enum knat_mapping_mode of its UDP */
	KNAT_A_ICMP_FILTER,		/* u32: 0 or 1, an ICMP error from
					 * outside is taken only from the remote
					 * of the flow it quotes (RFC 4787
					 * REQ-12b)
					 */
	KNAT_A_LOW_BLOCK,		/* u16: ports per block below 1024,
					 * for inside ports below 1024 (RFC 4787
					 * REQ-3a); 0: none
					 */
	KNAT_A_LIFETIME,		/* u32: seconds a forward lives */
	KNAT_A_NONCE,			/* binary, KNAT_NONCE_LEN: the token of
					 * the one who asked for a forward
					 */
	KNAT_A_EXACT,			/* flag: the EXT_* asked for, or nothing */
	KNAT_A_EPOCH,			/* u32: seconds since knat's state in
					 * this namespace began
					 */
	KNAT_A_INBOUND_LIMIT,		/* u16: unanswered sessions outside
					 * hosts may open on one mapping of a
					 * pool; 0: no limit
					 */
	KNAT_A_INBOUND_SUB_LIMIT,	/* u32: the same, over all of one
					 * subscriber's mappings; 0: no limit
					 */
	KNAT_A_TIMEOUT_UNANSWERED,	/* u32: seconds, a session an outside
					 * host opened that the inside has not
					 * answered (at most its protocol's)
					 */
	KNAT_A_INSIDE_RPF,		/* u32: 0 or 1, inside traffic only
					 * from the interface the route back to
					 * its source leaves by
					 */
	KNAT_A_UNCONFIRMED_SHARE,	/* u8: percent of a dynamic pool's
					 * blocks subscribers not confirmed
					 * (no exchange with outside yet) may
					 * hold, 1-100; 100: no bound
					 */
	KNAT_A_BLOCKS_UNCONFIRMED,	/* u32: blocks such hold now */
	KNAT_A_ROUTER_PORTS,		/* nested array of PORTS, at most
					 * KNAT_ROUTER_PORTS_MAX: ports a pool
					 * never hands out on an address the
					 * router itself has
					 */
	KNAT_A_PORTS,			/* nested: PORT_MIN, PORT_MAX */

	__KNAT_A_MAX
};

#define KNAT_A_MAX (__KNAT_A_MAX - 1)

#define KNAT_NONCE_LEN		12
#define KNAT_ROUTER_PORTS_MAX	8

#define KNAT_MCGRP_EVENTS	"events"

enum knat_pool_mode {
	KNAT_MODE_DYNAMIC,		/* port blocks handed out on demand */
	KNAT_MODE_DETERMINISTIC,	/* RFC 7422: ports follow the address */

	__KNAT_MODE_MAX
};

#define KNAT_MODE_MAX (__KNAT_MODE_MAX - 1)

/* Who may reach a mapping unsolicited (RFC 4787 section 5). */
enum knat_filter {
	KNAT_FILTER_EIF,		/* any remote endpoint */
	KNAT_FILTER_ADF,		/* a remote address it has sent to */
	KNAT_FILTER_APDF,		/* a remote endpoint it has sent to */

	__KNAT_FILTER_MAX
};

#define KNAT_FILTER_MAX (__KNAT_FILTER_MAX - 1)

/*
 * Which flows of an inside endpoint share its external endpoint (RFC 4787
 * REQ-1): all of them, those to one remote address, or those to one remote
 * endpoint.  A dependent mapping filters at least as much: an ADM mapping
 * as with KNAT_FILTER_ADF, an APDM one as with KNAT_FILTER_APDF.
 */
enum knat_mapping_mode {
	KNAT_MAPPING_EIM,		/* endpoint-independent */
	KNAT_MAPPING_ADM,		/* address-dependent */
	KNAT_MAPPING_APDM,		/* address-and-port-dependent */

	__KNAT_MAPPING_MAX
};

#define KNAT_MAPPING_MAX (__KNAT_MAPPING_MAX - 1)

enum knat_block_state {
	KNAT_BLOCK_FREE,
	KNAT_BLOCK_ACTIVE,		/* held by a subscriber */
	KNAT_BLOCK_COOLING,		/* released, not yet reusable */
};

enum knat_event {
	KNAT_EVENT_UNSPEC,
	KNAT_EVENT_BLOCK_ALLOC,		/* a subscriber took a block */
	KNAT_EVENT_BLOCK_RELEASE,	/* its last mapping expired */
	KNAT_EVENT_BLOCK_ACTIVE,	/* interim: still held */
	KNAT_EVENT_EXHAUSTED,		/* no block or port left for it */
	KNAT_EVENT_LIMIT_BLOCKS,	/* at its pool's max-blocks */
	KNAT_EVENT_LIMIT_SESSIONS,	/* at its pool's max-sessions */
	KNAT_EVENT_TABLE_FULL,		/* the namespace at max-sessions: no
					 * pool or subscriber; at most one a
					 * second
					 */

	__KNAT_EVENT_MAX
};

enum knat_tcp_state {
	KNAT_TCP_NONE,		/* not TCP */
	KNAT_TCP_SYN_SENT,	/* outbound SYN seen, no answer yet */
	KNAT_TCP_SYN_RECV,	/* inbound SYN seen, no answer yet */
	KNAT_TCP_PICKUP,	/* created mid-stream, one direction seen */
	KNAT_TCP_ESTABLISHED,	/* traffic seen both ways, no FIN or RST */
	KNAT_TCP_FIN,		/* FIN seen both ways: closing */
	KNAT_TCP_RST,		/* RST seen, no other packet since */
	KNAT_TCP_HALF_CLOSED,	/* FIN seen one way: still established */

	__KNAT_TCP_MAX
};

enum knat_stat {
	KNAT_STAT_UNSPEC,
	KNAT_STAT_PAD,
	KNAT_STAT_XLATE_OUT,		/* packets translated inside -> outside */
	KNAT_STAT_XLATE_IN,		/* packets translated outside -> inside */
	KNAT_STAT_MAPPINGS_CREATED,
	KNAT_STAT_MAPPINGS_EXPIRED,
	KNAT_STAT_MAPPINGS_FLUSHED,
	KNAT_STAT_SESSIONS_CREATED,
	KNAT_STAT_SESSIONS_EXPIRED,
	KNAT_STAT_DROP_NO_POOL,		/* no live pool for the subscriber */
	KNAT_STAT_DROP_NO_MAPPING,	/* inbound to an unmapped port */
	KNAT_STAT_DROP_MALFORMED,	/* truncated or bad headers */
	KNAT_STAT_DROP_INSERT,		/* table insert failed */
	KNAT_STAT_DROP_NOMEM,		/* allocation failed */
	KNAT_STAT_DROP_UNSUPPORTED,	/* protocol or ICMP type not translated */
	KNAT_STAT_DROP_TABLE_FULL,	/* max-sessions reached */
	KNAT_STAT_MAPPINGS,		/* gauge: mappings now */
	KNAT_STAT_SESSIONS,		/* gauge: sessions now */
	KNAT_STAT_DROP_EXHAUSTED,	/* no free block or port */
	KNAT_STAT_DROP_LIMIT_BLOCKS,	/* subscriber at max-blocks */
	KNAT_STAT_DROP_LIMIT_SESSIONS,	/* subscriber at max-sessions */
	KNAT_STAT_BLOCKS_ALLOCATED,
	KNAT_STAT_BLOCKS_RELEASED,
	KNAT_STAT_EVENTS_LOST,		/* no memory for an event */
	KNAT_STAT_XLATE_ICMP_ERR,	/* ICMP errors translated, both ways */
	KNAT_STAT_HAIRPIN,		/* packets translated both ways */
	KNAT_STAT_EXEMPT,		/* inside packets to exempt destinations */
	KNAT_STAT_DROP_FILTERED,	/* inbound refused by the pool's filter */
	KNAT_STAT_SYN_HELD,		/* unsolicited SYNs held (also dropped) */
	KNAT_STAT_SYN_UNREACH,		/* ... answered after 6 s, unmatched */
	KNAT_STAT_INDEX_BUCKETS,	/* gauge: buckets of the indexes now */
	KNAT_STAT_DROP_SPOOFED,		/* inside source, not from the inside */
	KNAT_STAT_INBOUND_UNTRACKED,	/* admitted inbound, no session made:
					 * at an unanswered-session limit
					 */
	KNAT_STAT_UNANSWERED,		/* gauge: sessions outside hosts
					 * opened, not yet answered
					 */
	KNAT_STAT_DROP_UNCONFIRMED,	/* a new block for a subscriber not
					 * confirmed (no exchange with outside
					 * yet), when such hold their share
					 */

	__KNAT_STAT_MAX
};

#define KNAT_STAT_MAX (__KNAT_STAT_MAX - 1)

#endif /* _UAPI_LINUX_KNAT_H */
