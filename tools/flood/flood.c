// SPDX-License-Identifier: GPL-2.0
/*
 * flood: send many crafted IPv4 packets fast, for the hostile-traffic
 * selftests (a Python sender costs too much per packet under emulation).
 *
 *   flood [-p udp|syn|ack|rst] -s SRC[/PLEN] [-S SPORT[-SPORT]]
 *         -d DST[/PLEN] -D DPORT[-DPORT] -n COUNT [-r PPS]
 *
 * Packet i comes from the i-th address of SRC/PLEN and the i-th port of
 * the SPORT range, each taken in turn and wrapping, and goes to the i-th
 * address of DST/PLEN and a port of the DPORT range picked at random, so
 * that COUNT packets from a /16 have COUNT distinct sources up to 65536.
 * Sent through a raw socket with the IP header included: the source may
 * be any address (a spoofed one).  -r paces the packets at PPS a second.
 * Prints "sent N" and exits 0 when every packet was sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"

struct range {
	uint32_t first;		/* host order */
	uint32_t count;
};

static const char usage_text[] =
	"usage: flood [-p udp|syn|ack|rst] -s SRC[/PLEN] [-S SPORT[-SPORT]]\n"
	"             -d DST[/PLEN] -D DPORT[-DPORT] -n COUNT [-r PPS]\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static struct range parse_prefix(const char *arg)
{
	char buf[32], *slash;
	struct in_addr a;
	struct range r;
	int plen = 32;

	if (strlen(arg) >= sizeof(buf))
		usage();
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		plen = atoi(slash + 1);
		if (plen < 8 || plen > 32)
			usage();
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		usage();
	r.first = ntohl(a.s_addr);
	r.count = plen == 32 ? 1 : 1U << (32 - plen);
	r.first &= ~(r.count - 1);
	return r;
}

static struct range parse_ports(const char *arg)
{
	unsigned int lo, hi;
	struct range r;
	int n = sscanf(arg, "%u-%u", &lo, &hi);

	if (n < 1)
		usage();
	if (n == 1)
		hi = lo;
	if (!lo || hi > 65535 || lo > hi)
		usage();
	r.first = lo;
	r.count = hi - lo + 1;
	return r;
}

int main(int argc, char **argv)
{
	struct range src = { 0 }, dst = { 0 }, sport = { 40000, 1 }, dport = { 0 };
	const char *proto = "udp";
	unsigned long count = 0, pps = 0, i;
	uint8_t pkt[64];
	struct iphdr *ip = (void *)pkt;
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timespec start, now;
	size_t l4len, len;
	int fd, c, one = 1;

	while ((c = getopt(argc, argv, "p:s:S:d:D:n:r:")) != -1) {
		switch (c) {
		case 'p':
			proto = optarg;
			break;
		case 's':
			src = parse_prefix(optarg);
			break;
		case 'S':
			sport = parse_ports(optarg);
			break;
		case 'd':
			dst = parse_prefix(optarg);
			break;
		case 'D':
			dport = parse_ports(optarg);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			pps = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (!src.count || !dst.count || !dport.count || !count)
		usage();
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("flood: raw socket");
		return 1;
	}
	srandom(getpid());
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < count; i++) {
		memset(pkt, 0, sizeof(pkt));
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->saddr = htonl(src.first + i % src.count);
		ip->daddr = htonl(dst.first + i % dst.count);
		if (!strcmp(proto, "udp")) {
			struct udphdr *uh = (void *)(ip + 1);

			ip->protocol = IPPROTO_UDP;
			l4len = sizeof(*uh) + 4;
			uh->source = htons(sport.first + i % sport.count);
			uh->dest = htons(dport.first + random() % dport.count);
			uh->len = htons(l4len);
			memcpy(uh + 1, "knat", 4);
			uh->check = l4_csum(ip, uh, l4len);
		} else {
			struct tcphdr *th = (void *)(ip + 1);

			ip->protocol = IPPROTO_TCP;
			l4len = sizeof(*th);
			th->source = htons(sport.first + i % sport.count);
			th->dest = htons(dport.first + random() % dport.count);
			th->seq = htonl(random());
			th->doff = 5;
			th->window = htons(65535);
			if (!strcmp(proto, "syn"))
				th->syn = 1;
			else if (!strcmp(proto, "ack"))
				th->ack = 1;
			else if (!strcmp(proto, "rst"))
				th->rst = 1;
			else
				usage();
			th->check = l4_csum(ip, th, l4len);
		}
		len = sizeof(*ip) + l4len;
		ip->tot_len = htons(len);
		ip->check = fold(sum16(ip, sizeof(*ip), 0));
		to.sin_addr.s_addr = ip->daddr;
		while (sendto(fd, pkt, len, 0, (void *)&to, sizeof(to)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("flood: sendto");
				return 1;
			}
			usleep(100);
		}
		while (pps) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - start.tv_sec) * 1e9 +
			    (now.tv_nsec - start.tv_nsec) >= (i + 1) * 1e9 / pps)
				break;
			usleep(50);
		}
	}
	printf("sent %lu\n", count);
	return 0;
}
