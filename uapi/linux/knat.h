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
	KNAT_CMD_POOL_ADD,	/* ADDR, PREFIXLEN, [PORT_MIN, PORT_MAX] */
	KNAT_CMD_POOL_DEL,	/* ADDR, PREFIXLEN */
	KNAT_CMD_POOL_GET,	/* dump: ADDR, PREFIXLEN, PORT_MIN, PORT_MAX, MAPPINGS */
	KNAT_CMD_INSIDE_ADD,	/* ADDR, PREFIXLEN */
	KNAT_CMD_INSIDE_DEL,	/* ADDR, PREFIXLEN */
	KNAT_CMD_INSIDE_GET,	/* dump: ADDR, PREFIXLEN */
	KNAT_CMD_CONFIG_GET,	/* reply: TIMEOUT_*, MAX_SESSIONS */
	KNAT_CMD_CONFIG_SET,	/* any of TIMEOUT_*, MAX_SESSIONS */
	KNAT_CMD_MAPPING_GET,	/* dump: PROTO, IN_*, EXT_*, SESSIONS */
	KNAT_CMD_SESSION_GET,	/* dump: PROTO, IN_*, EXT_*, REM_*, TCP_STATE, EXPIRES */
	KNAT_CMD_FLUSH,		/* remove every mapping and session */
	KNAT_CMD_STATS_GET,	/* reply: STATS */

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
	KNAT_A_TIMEOUT_TCP_TRANS,	/* u32: seconds */
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

	__KNAT_A_MAX
};
#define KNAT_A_MAX (__KNAT_A_MAX - 1)

enum knat_tcp_state {
	KNAT_TCP_NONE,		/* not TCP */
	KNAT_TCP_SYN_SENT,	/* outbound SYN seen, no answer yet */
	KNAT_TCP_SYN_RECV,	/* inbound SYN seen, no answer yet */
	KNAT_TCP_PICKUP,	/* created mid-stream, one direction seen */
	KNAT_TCP_ESTABLISHED,	/* traffic seen both ways, no FIN or RST */
	KNAT_TCP_FIN,		/* FIN seen */
	KNAT_TCP_RST,		/* RST seen */

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
	KNAT_STAT_DROP_NO_POOL,		/* no pool, or no free port */
	KNAT_STAT_DROP_NO_MAPPING,	/* inbound to an unmapped port */
	KNAT_STAT_DROP_MALFORMED,	/* truncated or bad headers */
	KNAT_STAT_DROP_INSERT,		/* table insert failed */
	KNAT_STAT_DROP_NOMEM,		/* allocation failed */
	KNAT_STAT_DROP_UNSUPPORTED,	/* protocol or ICMP type not translated */
	KNAT_STAT_DROP_TABLE_FULL,	/* max-sessions reached */
	KNAT_STAT_MAPPINGS,		/* gauge: mappings now */
	KNAT_STAT_SESSIONS,		/* gauge: sessions now */

	__KNAT_STAT_MAX
};
#define KNAT_STAT_MAX (__KNAT_STAT_MAX - 1)

#endif /* _UAPI_LINUX_KNAT_H */
