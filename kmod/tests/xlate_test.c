// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: header rewrite of crafted packets.  Every checksum is checked
 * against a full recomputation over the rewritten packet.
 */
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "util.h"

#define PAYLOAD 37	/* odd on purpose */

/* An IPv4 packet with valid checksums, from @src:@sport to @dst:@dport. */
static struct sk_buff *craft(struct kunit *test, u8 proto, const char *src,
			     u16 sport, const char *dst, u16 dport)
{
	unsigned int l4len = (proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
			      proto == IPPROTO_UDP ? sizeof(struct udphdr) :
			      sizeof(struct icmphdr)) + PAYLOAD;
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct iphdr *iph;
	void *l4;
	u8 *data;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = knat_test_addr(src);
	iph->daddr = knat_test_addr(dst);
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->id = htons(0x1234);
	skb_set_transport_header(skb, sizeof(*iph));
	l4 = skb_put_zero(skb, l4len);
	data = l4 + l4len - PAYLOAD;
	for (i = 0; i < PAYLOAD; i++)
		data[i] = i * 7 + 3;

	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		th->source = htons(sport);
		th->dest = htons(dport);
		th->doff = 5;
		th->syn = 1;
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, proto,
					      csum_partial(l4, l4len, 0));
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		uh->source = htons(sport);
		uh->dest = htons(dport);
		uh->len = htons(l4len);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, proto,
					      csum_partial(l4, l4len, 0));
		if (!uh->check)
			uh->check = CSUM_MANGLED_0;
	} else {
		struct icmphdr *ih = l4;

		ih->type = sport ? ICMP_ECHO : ICMP_ECHOREPLY;
		ih->un.echo.id = htons(sport ?: dport);
		ih->un.echo.sequence = htons(1);
		ih->checksum = csum_fold(csum_partial(l4, l4len, 0));
	}
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

static unsigned int l4len(struct sk_buff *skb)
{
	return ntohs(ip_hdr(skb)->tot_len) - ip_hdrlen(skb);
}

/* Full recomputation: zero when the checksum in the packet is right. */
static __sum16 l4_verify(struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	void *l4 = skb_transport_header(skb);
	__wsum sum = csum_partial(l4, l4len(skb), 0);

	if (iph->protocol == IPPROTO_ICMP)
		return csum_fold(sum);
	return csum_tcpudp_magic(iph->saddr, iph->daddr, l4len(skb),
				 iph->protocol, sum);
}

static void rewrite(struct kunit *test, struct sk_buff *skb, bool outbound,
		    const char *addr, u16 port)
{
	struct knat_pkt pkt;

	KUNIT_ASSERT_EQ(test, knat_parse(skb, outbound, &pkt), 0);
	KUNIT_ASSERT_EQ(test, knat_rewrite(skb, &pkt, outbound,
					   knat_test_addr(addr), htons(port)), 0);
}

static void checksums_valid(struct kunit *test, struct sk_buff *skb)
{
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), ip_hdr(skb)->ihl), 0);
	KUNIT_EXPECT_EQ(test, l4_verify(skb), 0);
}

static void tcp_source_rewrite(struct kunit *test)
{
	struct sk_buff *skb = craft(test, IPPROTO_TCP, "100.64.0.2", 40000,
				    "203.0.113.9", 443);

	rewrite(test, skb, true, "198.51.100.7", 1999);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->saddr, knat_test_addr("198.51.100.7"));
	KUNIT_EXPECT_EQ(test, ntohs(tcp_hdr(skb)->source), 1999);
	KUNIT_EXPECT_EQ(test, ntohs(tcp_hdr(skb)->dest), 443);
	checksums_valid(test, skb);
	kfree_skb(skb);
}

static void udp_destination_rewrite(struct kunit *test)
{
	struct sk_buff *skb = craft(test, IPPROTO_UDP, "203.0.113.9", 53,
				    "198.51.100.7", 1999);

	rewrite(test, skb, false, "100.64.0.2", 40000);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->daddr, knat_test_addr("100.64.0.2"));
	KUNIT_EXPECT_EQ(test, ntohs(udp_hdr(skb)->dest), 40000);
	checksums_valid(test, skb);
	kfree_skb(skb);
}

static void udp_zero_checksum_stays_zero(struct kunit *test)
{
	struct sk_buff *skb = craft(test, IPPROTO_UDP, "100.64.0.2", 40000,
				    "203.0.113.9", 53);

	udp_hdr(skb)->check = 0;
	rewrite(test, skb, true, "198.51.100.7", 2000);
	KUNIT_EXPECT_EQ(test, udp_hdr(skb)->check, 0);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), ip_hdr(skb)->ihl), 0);
	kfree_skb(skb);
}

static void icmp_echo_id_rewrite(struct kunit *test)
{
	struct sk_buff *skb = craft(test, IPPROTO_ICMP, "100.64.0.2", 777,
				    "203.0.113.9", 0);

	rewrite(test, skb, true, "198.51.100.7", 31000);
	KUNIT_EXPECT_EQ(test, ntohs(icmp_hdr(skb)->un.echo.id), 31000);
	checksums_valid(test, skb);
	kfree_skb(skb);

	skb = craft(test, IPPROTO_ICMP, "203.0.113.9", 0, "198.51.100.7", 31000);
	rewrite(test, skb, false, "100.64.0.2", 777);
	KUNIT_EXPECT_EQ(test, ntohs(icmp_hdr(skb)->un.echo.id), 777);
	checksums_valid(test, skb);
	kfree_skb(skb);
}

/* With CHECKSUM_PARTIAL the field holds the pseudo-header sum only, and
 * must end as the pseudo-header sum of the new addresses.
 */
static void checksum_partial(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct sk_buff *skb = craft(test, protos[i], "100.64.0.2", 40000,
					    "203.0.113.9", 80);
		struct iphdr *iph = ip_hdr(skb);
		__sum16 *check = protos[i] == IPPROTO_TCP ? &tcp_hdr(skb)->check :
							    &udp_hdr(skb)->check;

		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = (u8 *)check - skb_transport_header(skb);
		*check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, l4len(skb),
					    protos[i], 0);
		rewrite(test, skb, true, "198.51.100.7", 2001);
		iph = ip_hdr(skb);
		check = protos[i] == IPPROTO_TCP ? &tcp_hdr(skb)->check :
						   &udp_hdr(skb)->check;
		KUNIT_EXPECT_EQ(test, *check,
				(__sum16)~csum_tcpudp_magic(iph->saddr, iph->daddr,
							    l4len(skb), protos[i], 0));
		KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
		kfree_skb(skb);
	}
}

static void parse_tuples(struct kunit *test)
{
	struct sk_buff *skb = craft(test, IPPROTO_UDP, "203.0.113.9", 53,
				    "198.51.100.7", 1999);
	struct knat_tuple want = knat_test_tuple(IPPROTO_UDP, "198.51.100.7", 1999,
						 "203.0.113.9", 53);
	struct knat_pkt pkt;

	KUNIT_ASSERT_EQ(test, knat_parse(skb, false, &pkt), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&pkt.key, &want, sizeof(want)), 0);
	kfree_skb(skb);
}

static void parse_rejects_bad_packets(struct kunit *test)
{
	struct knat_pkt pkt;
	struct sk_buff *skb;

	/* Truncated: the UDP header is cut short. */
	skb = craft(test, IPPROTO_UDP, "100.64.0.2", 1, "203.0.113.9", 2);
	skb_trim(skb, sizeof(struct iphdr) + 4);
	KUNIT_EXPECT_EQ(test, knat_parse(skb, true, &pkt), -EINVAL);
	kfree_skb(skb);

	/* A TCP data offset below the header size. */
	skb = craft(test, IPPROTO_TCP, "100.64.0.2", 1, "203.0.113.9", 2);
	tcp_hdr(skb)->doff = 2;
	KUNIT_EXPECT_EQ(test, knat_parse(skb, true, &pkt), -EINVAL);
	kfree_skb(skb);

	/* A non-first fragment. */
	skb = craft(test, IPPROTO_UDP, "100.64.0.2", 1, "203.0.113.9", 2);
	ip_hdr(skb)->frag_off = htons(8);
	KUNIT_EXPECT_EQ(test, knat_parse(skb, true, &pkt), -EINVAL);
	kfree_skb(skb);

	/* An echo reply leaving, an echo request arriving, GRE. */
	skb = craft(test, IPPROTO_ICMP, "100.64.0.2", 0, "203.0.113.9", 5);
	KUNIT_EXPECT_EQ(test, knat_parse(skb, true, &pkt), -EPROTONOSUPPORT);
	kfree_skb(skb);
	skb = craft(test, IPPROTO_ICMP, "203.0.113.9", 5, "198.51.100.7", 0);
	KUNIT_EXPECT_EQ(test, knat_parse(skb, false, &pkt), -EPROTONOSUPPORT);
	kfree_skb(skb);
	skb = craft(test, IPPROTO_UDP, "100.64.0.2", 1, "203.0.113.9", 2);
	ip_hdr(skb)->protocol = IPPROTO_GRE;
	KUNIT_EXPECT_EQ(test, knat_parse(skb, true, &pkt), -EPROTONOSUPPORT);
	kfree_skb(skb);
}

/* A clone shares its data: the rewrite must not show through the other. */
static void rewrite_unshares_clone(struct kunit *test)
{
	struct sk_buff *skb = craft(test, IPPROTO_UDP, "100.64.0.2", 40000,
				    "203.0.113.9", 53);
	struct sk_buff *clone = skb_clone(skb, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, clone);
	rewrite(test, skb, true, "198.51.100.7", 2000);
	KUNIT_EXPECT_EQ(test, ip_hdr(clone)->saddr, knat_test_addr("100.64.0.2"));
	KUNIT_EXPECT_EQ(test, ntohs(udp_hdr(clone)->source), 40000);
	KUNIT_EXPECT_EQ(test, l4_verify(clone), 0);
	checksums_valid(test, skb);
	kfree_skb(clone);
	kfree_skb(skb);
}

static struct kunit_case knat_xlate_cases[] = {
	KUNIT_CASE(tcp_source_rewrite),
	KUNIT_CASE(udp_destination_rewrite),
	KUNIT_CASE(udp_zero_checksum_stays_zero),
	KUNIT_CASE(icmp_echo_id_rewrite),
	KUNIT_CASE(checksum_partial),
	KUNIT_CASE(parse_tuples),
	KUNIT_CASE(parse_rejects_bad_packets),
	KUNIT_CASE(rewrite_unshares_clone),
	{}
};

static struct kunit_suite knat_xlate_suite = {
	.name = "knat_xlate",
	.test_cases = knat_xlate_cases,
	.suite_init = knat_test_suite_init,
	.suite_exit = knat_test_suite_exit,
};

kunit_test_suite(knat_xlate_suite);
