// SPDX-License-Identifier: GPL-2.0
/*
 * knat-pcpd: a Port Control Protocol server (RFC 6887) for knat's
 * subscribers (RFC 6888 REQ-9).
 *
 * It answers ANNOUNCE and MAP; PEER, THIRD_PARTY and FILTER are refused
 * as unsupported.  A MAP becomes a timed forward in the kernel
 * (KNAT_CMD_FORWARD_MAP): on the mapping the inside endpoint has, or on a
 * new one in the subscriber's own port blocks, so the attribution logs
 * name it.  The kernel keeps the nonce, ends the forward when its lifetime
 * is over, and counts the epoch: the server keeps no state, and may be
 * restarted without the subscribers noticing.
 *
 * The inside address of a mapping is always the request's source: a
 * request claiming another one is refused (ADDRESS_MISMATCH), and so is a
 * source outside the inside prefixes (NOT_AUTHORIZED, by the kernel).  A
 * request is only taken from the interface the route back to its source
 * leaves by (a reverse-path check, whatever rp_filter says): one from
 * outside with a subscriber's address is dropped unanswered, so nobody
 * outside can open a forward into a subscriber, or use the server to
 * reflect traffic.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <linux/knat.h>
#include <linux/rtnetlink.h>
#include "natctl.h"

#define PCP_SERVER_PORT		5351
#define PCP_VERSION		2
#define PCP_MAX_LEN		1100
#define PCP_HDR_LEN		24
#define PCP_MAP_LEN		36
#define PCP_R			0x80	/* a response */
#define PCP_ERR_SHORT		30	/* seconds an error holds: load */
#define PCP_ERR_LONG		1800	/* configuration, malformed */
#define PCP_LIFETIME_MAX	(7 * 24 * 3600)	/* knat's */

enum pcp_opcode {
	PCP_ANNOUNCE,
	PCP_MAP,
};

enum pcp_option {
	PCP_OPT_PREFER_FAILURE = 2,
};

enum pcp_result {
	PCP_SUCCESS,
	PCP_UNSUPP_VERSION,
	PCP_NOT_AUTHORIZED,
	PCP_MALFORMED_REQUEST,
	PCP_UNSUPP_OPCODE,
	PCP_UNSUPP_OPTION,
	PCP_MALFORMED_OPTION,
	PCP_NETWORK_FAILURE,
	PCP_NO_RESOURCES,
	PCP_UNSUPP_PROTOCOL,
	PCP_USER_EX_QUOTA,
	PCP_CANNOT_PROVIDE_EXTERNAL,
	PCP_ADDRESS_MISMATCH,
	__PCP_RESULT_MAX
};

static const char *const pcp_results[__PCP_RESULT_MAX] = {
	"success", "unsupp-version", "not-authorized", "malformed-request",
	"unsupp-opcode", "unsupp-option", "malformed-option",
	"network-failure", "no-resources", "unsupp-protocol", "user-ex-quota",
	"cannot-provide-external", "address-mismatch",
};

#define PCP_EPOCH_REFRESH	60	/* seconds between asking the kernel */

struct pcp_server {
	uint32_t min_lifetime;
	uint32_t max_lifetime;
	struct mnl_socket *rt;		/* route lookups */
	unsigned int rt_seq;
	uint32_t epoch;			/* the kernel's, at epoch_at */
	time_t epoch_at;		/* CLOCK_BOOTTIME seconds, 0: never */
	unsigned long answered;
	unsigned long dropped;		/* shorter than 2 bytes, longer than
					 * PCP_MAX_LEN, a response, or not
					 * from the inside
					 */
};

/* One MAP: what the request asks, what the kernel grants. */
struct pcp_map {
	uint32_t in_addr;		/* network order */
	uint16_t in_port;
	uint8_t proto;
	const uint8_t *nonce;
	uint32_t ext_addr;		/* network order */
	uint16_t ext_port;
	uint32_t lifetime;
	bool prefer_failure;
};

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as @addr; 0 for ::. */
static bool get_v4(const uint8_t *p, uint32_t *addr)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];

	if (!memcmp(p, zero, sizeof(zero))) {
		*addr = 0;
		return true;
	}
	if (memcmp(p, prefix, sizeof(prefix)))
		return false;
	memcpy(addr, p + 12, 4);
	return true;
}

static void put_v4(uint8_t *p, uint32_t addr)
{
	memset(p, 0, 10);
	p[10] = 0xff;
	p[11] = 0xff;
	memcpy(p + 12, &addr, 4);
}

static int epoch_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];

	nl_parse(nlh, tb, KNAT_A_MAX);
	*(uint32_t *)data = attr_u32(tb[KNAT_A_EPOCH]);
	return MNL_CB_OK;
}

static time_t boottime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec;
}

/*
 * Seconds since knat's state began: it forgets mappings only then.  Asked
 * of the kernel once a minute, and counted here in between.
 */
static uint32_t pcp_epoch(struct pcp_server *srv)
{
	time_t now = boottime();
	uint32_t epoch = 0;

	if (srv->epoch_at && now - srv->epoch_at < PCP_EPOCH_REFRESH)
		return srv->epoch + (now - srv->epoch_at);
	if (!nl_talk(&nl, nl_request(&nl, KNAT_CMD_CONFIG_GET, 0), epoch_msg,
		     &epoch)) {
		srv->epoch = epoch;
		srv->epoch_at = now;
	}
	return epoch;
}

static int route_oif_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == RTA_OIF &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
		*(int *)data = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int route_oif(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct rtmsg), route_oif_attr, data);
	return MNL_CB_OK;
}

/*
 * Did a datagram from @src come in on @ifindex, the interface the route
 * back to @src leaves by?
 */
static bool pcp_from_inside(struct pcp_server *srv, uint32_t src, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int oif = 0;
	ssize_t len;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++srv->rt_seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put(nlh, RTA_DST, sizeof(src), &src);
	if (mnl_socket_sendto(srv->rt, nlh, nlh->nlmsg_len) < 0)
		return false;
	len = mnl_socket_recvfrom(srv->rt, buf, sizeof(buf));
	if (len <= 0 ||
	    mnl_cb_run(buf, len, srv->rt_seq, mnl_socket_get_portid(srv->rt),
		       route_oif, &oif) < 0)
		return false;
	return ifindex && oif == ifindex;
}

/* The options of a MAP request; only PREFER_FAILURE is understood. */
static uint8_t pcp_options(const uint8_t *p, size_t len, struct pcp_map *map)
{
	while (len) {
		uint16_t olen;

		if (len < 4)
			return PCP_MALFORMED_OPTION;
		olen = get16(p + 2);
		if ((size_t)((olen + 3) & ~3) > len - 4)
			return PCP_MALFORMED_OPTION;
		if (p[0] == PCP_OPT_PREFER_FAILURE) {
			if (olen || map->prefer_failure)
				return PCP_MALFORMED_OPTION;
			map->prefer_failure = true;
		} else if (p[0] < 128) {
			/* THIRD_PARTY, FILTER, any other mandatory one. */
			return PCP_UNSUPP_OPTION;
		}
		len -= 4 + ((olen + 3) & ~3);
		p += 4 + ((olen + 3) & ~3);
	}
	return PCP_SUCCESS;
}

static int map_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	struct pcp_map *map = data;

	nl_parse(nlh, tb, KNAT_A_MAX);
	map->ext_addr = attr_u32(tb[KNAT_A_EXT_ADDR]);
	map->ext_port = attr_u16(tb[KNAT_A_EXT_PORT]);
	map->lifetime = attr_u32(tb[KNAT_A_LIFETIME]);
	return MNL_CB_OK;
}

static uint8_t pcp_errno_result(int err)
{
	switch (err) {
	case ENOENT:
	case EPERM:
		return PCP_NOT_AUTHORIZED;
	case EADDRINUSE:
		return PCP_CANNOT_PROVIDE_EXTERNAL;
	case EDQUOT:
		return PCP_USER_EX_QUOTA;
	case EOPNOTSUPP:
		return PCP_UNSUPP_OPCODE;
	case ENOSPC:
	case ENOMEM:
		return PCP_NO_RESOURCES;
	}
	return PCP_NETWORK_FAILURE;
}

/* Ask the kernel for the forward of @map; the result code. */
static uint8_t pcp_forward(struct pcp_map *map)
{
	struct nlmsghdr *nlh = nl_request(&nl, KNAT_CMD_FORWARD_MAP, 0);

	mnl_attr_put_u8(nlh, KNAT_A_PROTO, map->proto);
	mnl_attr_put_u32(nlh, KNAT_A_IN_ADDR, map->in_addr);
	mnl_attr_put_u16(nlh, KNAT_A_IN_PORT, map->in_port);
	mnl_attr_put_u32(nlh, KNAT_A_LIFETIME, map->lifetime);
	mnl_attr_put(nlh, KNAT_A_NONCE, KNAT_NONCE_LEN, map->nonce);
	if (map->ext_port) {
		mnl_attr_put_u16(nlh, KNAT_A_EXT_PORT, map->ext_port);
		if (map->ext_addr)
			mnl_attr_put_u32(nlh, KNAT_A_EXT_ADDR, map->ext_addr);
		if (map->prefer_failure)
			mnl_attr_put(nlh, KNAT_A_EXACT, 0, NULL);
	}
	if (nl_talk(&nl, nlh, map_msg, map))
		return pcp_errno_result(errno);
	return PCP_SUCCESS;
}

static uint32_t pcp_lifetime(const struct pcp_server *srv, uint32_t asked)
{
	if (!asked)
		return 0;
	if (asked < srv->min_lifetime)
		return srv->min_lifetime;
	return asked > srv->max_lifetime ? srv->max_lifetime : asked;
}

/*
 * MAP (RFC 6887 section 11): @req of @len bytes, answered in @resp, whose
 * MAP payload is the request's.  Return: the result code; the response's
 * length in @rlen.
 */
static uint8_t pcp_map(const struct pcp_server *srv, const uint8_t *req,
		       size_t len, uint32_t src, uint8_t *resp, size_t *rlen,
		       uint32_t *lifetime)
{
	const uint8_t *op = req + PCP_HDR_LEN;
	struct pcp_map map = { .in_addr = src, .nonce = op };
	uint8_t result;

	if (len < PCP_HDR_LEN + PCP_MAP_LEN)
		return PCP_MALFORMED_REQUEST;
	result = pcp_options(op + PCP_MAP_LEN, len - PCP_HDR_LEN - PCP_MAP_LEN,
			     &map);
	if (result)
		return result;
	map.proto = op[12];
	map.in_port = get16(op + 16);
	map.ext_port = get16(op + 18);
	if (!get_v4(op + 20, &map.ext_addr))
		map.ext_addr = 0;	/* an IPv6 address: no use here */
	if (map.proto != IPPROTO_TCP && map.proto != IPPROTO_UDP)
		return PCP_UNSUPP_PROTOCOL;
	if (!map.in_port)
		return PCP_NOT_AUTHORIZED;	/* all ports: not offered */
	map.lifetime = pcp_lifetime(srv, get32(req + 4));
	result = pcp_forward(&map);
	if (result)
		return result;
	*rlen = PCP_HDR_LEN + PCP_MAP_LEN;
	if (map.prefer_failure) {
		memset(resp + *rlen, 0, 4);
		resp[*rlen] = PCP_OPT_PREFER_FAILURE;
		*rlen += 4;
	}
	put16(resp + PCP_HDR_LEN + 18, map.ext_port);
	put_v4(resp + PCP_HDR_LEN + 20, map.ext_addr);
	*lifetime = map.lifetime;
	out_obj_start();
	out_str("opcode", NULL, "map");
	out_str("proto", NULL, proto_name(map.proto));
	out_endpoint("inside", NULL, map.in_addr, map.in_port);
	out_endpoint("external", "->", map.ext_addr, map.ext_port);
	out_u64("lifetime", "lifetime", map.lifetime);
	out_obj_end();
	fflush(stdout);
	return PCP_SUCCESS;
}

/*
 * The answer to request @req of @len bytes from @src (network order) in
 * @resp (PCP_MAX_LEN bytes): its length, or 0 for none (RFC 6887 section
 * 8.3).  An error answer is the request, as much as fits, with a
 * response's header.
 */
static size_t pcp_answer(struct pcp_server *srv, const uint8_t *req,
			 size_t len, uint32_t src, uint8_t *resp)
{
	size_t rlen = len > PCP_MAX_LEN ? PCP_MAX_LEN : len & ~(size_t)3;
	uint8_t opcode, result = PCP_SUCCESS;
	uint32_t client, lifetime = 0;

	if (len < 2 || len > PCP_MAX_LEN || req[1] & PCP_R) {
		srv->dropped++;
		return 0;
	}
	opcode = req[1] & ~PCP_R;
	memset(resp, 0, PCP_MAX_LEN);
	memcpy(resp, req, rlen);
	if (rlen < PCP_HDR_LEN)
		rlen = PCP_HDR_LEN;
	if (req[0] != PCP_VERSION) {
		result = PCP_UNSUPP_VERSION;
		rlen = PCP_HDR_LEN;
	} else if (len < PCP_HDR_LEN || len % 4) {
		result = PCP_MALFORMED_REQUEST;
	} else if (!get_v4(req + 8, &client) || client != src) {
		result = PCP_ADDRESS_MISMATCH;
	} else if (opcode == PCP_MAP) {
		result = pcp_map(srv, req, len, src, resp, &rlen, &lifetime);
	} else if (opcode != PCP_ANNOUNCE) {
		result = PCP_UNSUPP_OPCODE;
	}
	if (result)
		lifetime = result == PCP_NO_RESOURCES ||
			   result == PCP_USER_EX_QUOTA ||
			   result == PCP_CANNOT_PROVIDE_EXTERNAL ||
			   result == PCP_NETWORK_FAILURE ?
			   PCP_ERR_SHORT : PCP_ERR_LONG;
	resp[0] = PCP_VERSION;
	resp[1] = PCP_R | opcode;
	resp[2] = 0;
	resp[3] = result;
	put32(resp + 4, lifetime);
	put32(resp + 8, pcp_epoch(srv));
	memset(resp + 12, 0, 12);
	if (result) {
		char buf[INET_ADDRSTRLEN];

		fprintf(stderr, "knat-pcpd: %s: opcode %u: %s\n",
			inet_ntop(AF_INET, &src, buf, sizeof(buf)), opcode,
			pcp_results[result]);
	}
	srv->answered++;
	return rlen;
}

static int pcp_socket(uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "knat-pcpd: cannot listen on UDP port %u: %s\n",
			port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One request in, its answer out, from the address it was sent to. */
static int pcp_serve_one(struct pcp_server *srv, int fd)
{
	uint8_t req[PCP_MAX_LEN + 4], resp[PCP_MAX_LEN];
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_in from;
	struct iovec iov = { req, sizeof(req) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct in_pktinfo *pi = NULL;
	struct cmsghdr *cm;
	ssize_t len;
	size_t rlen;

	len = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (len < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO)
			pi = (struct in_pktinfo *)CMSG_DATA(cm);
	if (!pi || !pcp_from_inside(srv, from.sin_addr.s_addr, pi->ipi_ifindex)) {
		srv->dropped++;
		return 0;
	}
	rlen = pcp_answer(srv, req, len, from.sin_addr.s_addr, resp);
	if (!rlen)
		return 0;
	iov.iov_base = resp;
	iov.iov_len = rlen;
	if (pi) {
		pi->ipi_ifindex = 0;
		pi->ipi_spec_dst = pi->ipi_addr;
	} else {
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	if (sendmsg(fd, &msg, 0) < 0)
		fprintf(stderr, "knat-pcpd: cannot answer: %s\n",
			strerror(errno));
	return 0;
}

/* SIGINT and SIGTERM, as a file to poll with the socket. */
static int pcp_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/* [port PORT] [min-lifetime SECS] [max-lifetime SECS] */
static int pcp_args(int argc, char **argv, struct pcp_server *srv,
		    uint32_t *port)
{
	int i;

	for (i = 0; i + 1 < argc; i += 2) {
		uint32_t *val = NULL, max = PCP_LIFETIME_MAX;

		if (matches(argv[i], "port")) {
			val = port;
			max = 65535;
		} else if (matches(argv[i], "min-lifetime")) {
			val = &srv->min_lifetime;
		} else if (matches(argv[i], "max-lifetime")) {
			val = &srv->max_lifetime;
		} else {
			break;
		}
		if (parse_u32(argv[i + 1], max, val) || !*val)
			return usage_error("invalid value \"%s\"", argv[i + 1]);
	}
	if (i < argc)
		return usage_error("unexpected argument \"%s\"", argv[i]);
	if (srv->min_lifetime > srv->max_lifetime)
		return usage_error("%s", "min-lifetime is above max-lifetime");
	return 0;
}

/* Serve until a signal comes: 0, or 1 on a failure. */
static int pcp_serve(struct pcp_server *srv, uint32_t port)
{
	struct pollfd p[2];
	int fd, sfd;

	sfd = pcp_signals();
	if (sfd < 0) {
		fprintf(stderr, "knat-pcpd: signalfd: %s\n", strerror(errno));
		return 1;
	}
	fd = pcp_socket(port);
	srv->rt = mnl_socket_open(NETLINK_ROUTE);
	if (fd < 0 || !srv->rt || mnl_socket_bind(srv->rt, 0, MNL_SOCKET_AUTOPID)) {
		if (fd >= 0)
			fprintf(stderr, "knat-pcpd: route socket: %s\n",
				strerror(errno));
		if (srv->rt)
			mnl_socket_close(srv->rt);
		if (fd >= 0)
			close(fd);
		close(sfd);
		return 1;
	}
	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	while (!p[1].revents) {
		if ((poll(p, 2, -1) < 0 && errno != EINTR) ||
		    (p[0].revents && pcp_serve_one(srv, fd))) {
			fprintf(stderr, "knat-pcpd: %s\n", strerror(errno));
			break;
		}
	}
	mnl_socket_close(srv->rt);
	close(fd);
	close(sfd);
	fprintf(stderr, "knat-pcpd: %lu answered, %lu dropped\n",
		srv->answered, srv->dropped);
	return !p[1].revents;
}

static const char usage_text[] =
"Usage: knat-pcpd [-j] [-n NETNS] [port PORT] [min-lifetime SECS] [max-lifetime SECS]\n"
"\n"
"Answer knat's subscribers' PCP requests (RFC 6887) on UDP port 5351 of\n"
"every address: MAP makes a forward on a port of the subscriber's blocks,\n"
"for 120-86400 s by default; only from the inside (the route back to the\n"
"source leaves by the interface the request came in on).  One line per\n"
"mapping on stdout; ends on SIGINT or SIGTERM.\n"
"\n"
"Options:\n"
"  -j, --json         JSON lines\n"
"  -n, --netns NETNS  serve in network namespace NETNS (as ip netns names it)\n"
"  -h, --help         this text\n"
"\n"
"Exit status: 0 when stopped by a signal, 1 on a failure, 2 on a usage error.\n";

int main(int argc, char **argv)
{
	struct pcp_server srv = { .min_lifetime = 120, .max_lifetime = 86400 };
	uint32_t port = PCP_SERVER_PORT;
	const char *netns = NULL;
	bool json = false;
	int c, ret;

	prog_name = "knat-pcpd";
	c = parse_options(argc, argv, usage_text, &json, &netns);
	if (c < 0)
		return -1 - c;
	ret = pcp_args(argc - c, argv + c, &srv, &port);
	if (ret)
		return ret;
	if (knat_open(netns, json))
		return 1;
	ret = pcp_serve(&srv, port);
	nl_close(&nl);
	return ret;
}
