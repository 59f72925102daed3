// SPDX-License-Identifier: GPL-2.0
/*
 * replay: send the frames of a pcap file many times, and count the
 * frames that arrive at an interface, checking their checksums; for the
 * malformed-packet selftest, which builds its packets once with scapy.
 *
 *   replay send IFACE PCAP COUNT [PPS]
 *	Sends the Ethernet frames of PCAP, in order, COUNT times on IFACE
 *	(PPS frames a second, 5000 unless given).  Copy i of a frame
 *	carries the IP identification of the original plus i, its header
 *	checksum moved by as much (a wrong one stays wrong): the copies of
 *	a fragmented datagram reassemble each on its own.  Prints "sent N".
 *
 *   replay serve IFACE
 *	Reads lines "PCAP COUNT PPS" and sends each as send would, printing
 *	"sent N" for each (one process for many pcaps: under emulation,
 *	starting one costs more than sending a thousand frames).
 *
 *   replay sink IFACE
 *	Counts the IPv4 frames that arrive at IFACE; for each line read
 *	from stdin prints "FRAMES BAD DROPPED": the frames so far, how many
 *	of them had a wrong IP header checksum or, not being a fragment, a
 *	wrong TCP, UDP or ICMP checksum, and how many arrived but found the
 *	socket's buffer (16 MiB where allowed) full.  Ends at the end of
 *	stdin.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"

#define MAX_FRAMES	16
#define MAX_LEN		2048

struct frame {
	size_t len;
	uint8_t data[MAX_LEN];
};

static const char usage_text[] =
	"usage: replay send IFACE PCAP COUNT [PPS]\n"
	"       replay serve IFACE\n"
	"       replay sink IFACE\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/*
 * A packet socket on @ifname for IPv4, @sll filled in for it: SOCK_RAW
 * sends whole frames, SOCK_DGRAM receives packets without their link
 * header.
 */
static int packet_socket(const char *ifname, int type, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, type, htons(ETH_P_IP));

	if (fd < 0)
		die("replay: packet socket");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_IP);
	sll->sll_ifindex = if_nametoindex(ifname);
	if (!sll->sll_ifindex)
		die(ifname);
	if (bind(fd, (void *)sll, sizeof(*sll)))
		die("replay: bind");
	return fd;
}

/* The frames of a pcap file (microsecond or nanosecond, either order). */
static int read_pcap(const char *path, struct frame *frames)
{
	uint32_t hdr[6], rec[4];
	int n = 0, swap;
	FILE *f = fopen(path, "rb");

	if (!f)
		die(path);
	if (fread(hdr, sizeof(hdr), 1, f) != 1)
		die("replay: pcap header");
	swap = hdr[0] == 0xd4c3b2a1 || hdr[0] == 0x4d3cb2a1;
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		uint32_t len = swap ? __builtin_bswap32(rec[2]) : rec[2];

		if (n == MAX_FRAMES || len > MAX_LEN ||
		    fread(frames[n].data, len, 1, f) != 1) {
			fprintf(stderr, "replay: %s: frame %d unreadable\n", path, n);
			exit(1);
		}
		frames[n++].len = len;
	}
	fclose(f);
	return n;
}

/* Copy @i of @fr: its IP identification moved on by @i. */
static void renumber(struct frame *fr, const struct frame *orig, unsigned long i)
{
	struct iphdr *ip = (void *)(fr->data + ETH_HLEN);
	uint16_t id, check;
	uint32_t sum;

	memcpy(fr, orig, sizeof(*fr));
	if (fr->len < ETH_HLEN + sizeof(*ip))
		return;
	id = ntohs(ip->id);
	check = ntohs(ip->check);
	ip->id = htons(id + i);
	/* RFC 1624: HC' = ~(~HC + ~m + m') */
	sum = (uint16_t)~check + (uint16_t)~id + (uint16_t)(id + i);
	ip->check = fold(sum);
}

static void pace(const struct timespec *start, unsigned long sent,
		 unsigned long pps)
{
	struct timespec now;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start->tv_sec) * 1e9 +
		    (now.tv_nsec - start->tv_nsec) >= sent * 1e9 / pps)
			return;
		usleep(50);
	}
}

/*
 * Send from one CPU only.  A veth hands each frame to the backlog of the
 * CPU that sent it: a sender that moves between CPUs has its frames
 * processed out of order, by hundreds when the router is slow, and a
 * datagram whose fragments arrive more than ipfrag_max_dist (64) of the
 * sender's fragments apart is given up (ReasmFails), which the replayed
 * cases must not see.
 */
static void stay_on_this_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("replay: sched_setaffinity");
}

/* Send the frames of pcap @path @count times, at @pps; return how many. */
static unsigned long send_pcap(int fd, const struct sockaddr_ll *sll,
			       const char *path, unsigned long count,
			       unsigned long pps)
{
	static struct frame frames[MAX_FRAMES], copy;
	unsigned long i, sent = 0;
	struct timespec start;
	int n = read_pcap(path, frames), k;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < count; i++) {
		for (k = 0; k < n; k++) {
			renumber(&copy, &frames[k], i);
			while (sendto(fd, copy.data, copy.len, 0, (void *)sll,
				      sizeof(*sll)) < 0) {
				if (errno != ENOBUFS && errno != EAGAIN)
					die("replay: sendto");
				usleep(100);
			}
			pace(&start, ++sent, pps);
		}
	}
	return sent;
}

static int do_send(int argc, char **argv)
{
	unsigned long count, pps = 5000;
	struct sockaddr_ll sll;
	int fd;

	if (argc < 5 || argc > 6)
		usage();
	fd = packet_socket(argv[2], SOCK_RAW, &sll);
	stay_on_this_cpu();
	count = strtoul(argv[4], NULL, 10);
	if (argc == 6)
		pps = strtoul(argv[5], NULL, 10);
	if (!pps)
		usage();
	printf("sent %lu\n", send_pcap(fd, &sll, argv[3], count, pps));
	return 0;
}

/*
 * "replay MODE IFACE", asked one line at a time: its packet socket, once
 * it said "ready".
 */
static int serving_socket(int argc, char **argv, int type,
			  struct sockaddr_ll *sll)
{
	int fd;

	if (argc != 3)
		usage();
	fd = packet_socket(argv[2], type, sll);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	return fd;
}

/* Lines "PCAP COUNT PPS" from stdin, each sent as do_send() would. */
static int do_serve(int argc, char **argv)
{
	unsigned long count, pps;
	struct sockaddr_ll sll;
	char line[4096], path[4000];
	int fd = serving_socket(argc, argv, SOCK_RAW, &sll);

	stay_on_this_cpu();
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%3999s %lu %lu", path, &count, &pps) != 3 ||
		    !pps) {
			fprintf(stderr, "replay: bad request: %s", line);
			return 2;
		}
		printf("sent %lu\n", send_pcap(fd, &sll, path, count, pps));
	}
	return 0;
}

/* Are the checksums of the IPv4 packet @ip (@len bytes) right? */
static int checksums_ok(const struct iphdr *ip, size_t len)
{
	size_t hl = ip->ihl * 4, tot = ntohs(ip->tot_len);
	const uint8_t *l4 = (const uint8_t *)ip + hl;

	if (hl < sizeof(*ip) || tot < hl || tot > len)
		return 0;
	if (fold(sum16(ip, hl, 0)) != 0)
		return 0;
	if (ntohs(ip->frag_off) & (IP_MF | IP_OFFMASK))
		return 1;
	if (ip->protocol == IPPROTO_UDP && tot - hl >= 8 && !l4[6] && !l4[7])
		return 1;	/* UDP without a checksum */
	if (ip->protocol == IPPROTO_UDP || ip->protocol == IPPROTO_TCP)
		return fold(sum16(&ip->saddr, 8, ip->protocol + tot - hl) +
			    sum16(l4, tot - hl, 0)) == 0;
	if (ip->protocol == IPPROTO_ICMP)
		return fold(sum16(l4, tot - hl, 0)) == 0;
	return 1;
}

/* Frames that arrived for socket @fd and found its buffer full, since the
 * last call (the kernel resets its count as it reports it).
 */
static unsigned long sink_drops(int fd)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		die("replay: PACKET_STATISTICS");
	return st.tp_drops;
}

static int do_sink(int argc, char **argv)
{
	unsigned long frames = 0, bad = 0, dropped = 0;
	static uint8_t buf[65536];
	struct sockaddr_ll sll, from;
	int rcvbuf = 16 << 20;
	struct pollfd p[2];
	char line[64];
	int fd = serving_socket(argc, argv, SOCK_DGRAM, &sll);

	/* Room for a case's frames however late this process runs. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sink_drops(fd);

	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = 0, .events = POLLIN };
	for (;;) {
		socklen_t fl = sizeof(from);
		ssize_t len;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			die("replay: poll");
		if (p[0].revents & POLLIN) {
			len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				       (void *)&from, &fl);
			if (len >= (ssize_t)sizeof(struct iphdr) &&
			    from.sll_pkttype != PACKET_OUTGOING) {
				frames++;
				bad += !checksums_ok((void *)buf, len);
			}
			continue;
		}
		if (p[1].revents) {
			if (!fgets(line, sizeof(line), stdin))
				return 0;
			dropped += sink_drops(fd);
			printf("%lu %lu %lu\n", frames, bad, dropped);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "send"))
		return do_send(argc, argv);
	if (!strcmp(argv[1], "sink"))
		return do_sink(argc, argv);
	if (!strcmp(argv[1], "serve"))
		return do_serve(argc, argv);
	usage();
	return 2;
}
