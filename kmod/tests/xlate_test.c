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
#include "icmp.h"
#include "syn.h"
#include "xlate.h"

#define PAYLOAD 37	/* odd on purpose */

/* A packet of @size bytes with only its IP header (checksum not set). */
static struct sk_buff *craft_ip(struct kunit *test, u8 proto, const char *src,
				const char *dst, unsigned int l4len,
				unsigned int size)
{
	struct sk_buff *skb = alloc_skb(size, GFP_KERNEL);
	struct iphdr *iph;

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
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

/* An IPv4 packet with valid checksums, from @src:@sport to @dst:@dport. */
static struct sk_buff *craft(struct kunit *test, u8 proto, const char *src,
			     u16 sport, const char *dst, u16 dport)
{
	unsigned int l4len = (proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
			      proto == IPPROTO_UDP ? sizeof(struct udphdr) :
			      sizeof(struct icmphdr)) + PAYLOAD;
	struct sk_buff *skb = craft_ip(test, proto, src, dst, l4len, 256);
	struct iphdr *iph = ip_hdr(skb);
	void *l4 = skb_put_zero(skb, l4len);
	u8 *data;
	int i;

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
	static const char * const martians[] = {
		"0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255",
	};
	struct knat_pkt pkt;
	struct sk_buff *skb;
	unsigned int i;

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

	/* Arriving from a source no packet comes from. */
	for (i = 0; i < ARRAY_SIZE(martians); i++) {
		skb = craft(test, IPPROTO_UDP, martians[i], 1, "198.51.100.7", 2);
		KUNIT_EXPECT_EQ_MSG(test, knat_parse(skb, false, &pkt), -EINVAL,
				    "from %s", martians[i]);
		kfree_skb(skb);
	}

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

/* An ICMP error from @src to @dst quoting all of @quoted, which is freed. */
static struct sk_buff *craft_error(struct kunit *test, struct sk_buff *quoted,
				   const char *src, const char *dst, u8 type,
				   u8 code)
{
	unsigned int qlen = quoted->len;
	struct sk_buff *skb = craft_ip(test, IPPROTO_ICMP, src, dst,
				       sizeof(struct icmphdr) + qlen, 512);
	struct icmphdr *ih = skb_put_zero(skb, sizeof(*ih));

	ih->type = type;
	ih->code = code;
	skb_copy_bits(quoted, 0, skb_put(skb, qlen), qlen);
	ih->checksum = csum_fold(csum_partial(ih, sizeof(*ih) + qlen, 0));
	ip_send_check(ip_hdr(skb));
	kfree_skb(quoted);
	return skb;
}

/* The quoted packet of an error, as a packet of its own: a copy. */
static struct sk_buff *quote_of(struct kunit *test, struct sk_buff *skb)
{
	unsigned int off = ip_hdrlen(skb) + sizeof(struct icmphdr);
	struct sk_buff *q = alloc_skb(skb->len, GFP_KERNEL);
	struct iphdr *iph;

	KUNIT_ASSERT_NOT_NULL(test, q);
	skb_reset_network_header(q);
	skb_copy_bits(skb, off, skb_put(q, skb->len - off), skb->len - off);
	iph = ip_hdr(q);
	skb_set_transport_header(q, iph->ihl * 4);
	return q;
}

/* The own session of a mapping of no table, on external address @ext. */
static struct knat_session *bare_session(struct kunit *test, const char *ext)
{
	struct knat_mapping *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->paddr = kunit_kzalloc(test, sizeof(*m->paddr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->paddr);
	m->paddr->addr = knat_test_addr(ext);
	m->s.flags = KNAT_SESS_OWN | KNAT_SESS_LIVE;
	return &m->s;
}

/* Translate @skb as an error about the flow of a session with inside
 * endpoint @in:@inport and external endpoint @ext:@extport.
 */
static unsigned int translate_error(struct kunit *test, struct knat_net *kn,
				    struct sk_buff *skb, bool outbound,
				    const char *in, u16 inport, const char *ext,
				    u16 extport)
{
	struct knat_session *s = bare_session(test, ext);
	struct knat_pkt pkt;

	s->in.laddr = knat_test_addr(in);
	s->in.lport = htons(inport);
	s->ext_port = htons(extport);
	KUNIT_ASSERT_EQ(test, knat_parse(skb, outbound, &pkt), 0);
	KUNIT_EXPECT_NE(test, pkt.inner, 0u);
	return knat_icmp_error(kn, skb, &pkt, s, outbound, true);
}

/* Outer IP, ICMP over the whole message, and the quote's own IP and
 * transport checksums (the quote is whole, so they can be checked).
 */
static void error_checksums_valid(struct kunit *test, struct sk_buff *skb)
{
	struct sk_buff *q = quote_of(test, skb);

	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), ip_hdr(skb)->ihl), 0);
	KUNIT_EXPECT_EQ(test, l4_verify(skb), 0);
	checksums_valid(test, q);
	kfree_skb(q);
}

/* An error's quoted endpoints: addresses, and ports (echo id for ICMP). */
struct endpoints {
	const char *src;
	u16 sport;
	const char *dst;
	u16 dport;
};

static void expect_quote(struct kunit *test, struct sk_buff *skb,
			 const struct endpoints *want)
{
	struct sk_buff *q = quote_of(test, skb);
	const __be16 *l4 = (const __be16 *)skb_transport_header(q);
	struct iphdr *iph = ip_hdr(q);

	KUNIT_EXPECT_EQ(test, iph->saddr, knat_test_addr(want->src));
	KUNIT_EXPECT_EQ(test, iph->daddr, knat_test_addr(want->dst));
	if (iph->protocol == IPPROTO_ICMP) {
		KUNIT_EXPECT_EQ(test, ntohs(l4[2]), want->sport ?: want->dport);
	} else {
		KUNIT_EXPECT_EQ(test, ntohs(l4[0]), want->sport);
		KUNIT_EXPECT_EQ(test, ntohs(l4[1]), want->dport);
	}
	kfree_skb(q);
}

/*
 * Errors about flows of the session 100.64.0.2:40000 (echo id 777) <->
 * 198.51.100.7:1999 (echo id 31000), both ways: the outer address on the
 * inside end and the quoted packet's become those of the other side.
 */
static const struct icmp_error_case {
	const char *name;
	u8 proto, type, code;
	bool outbound;
	struct endpoints quote, outer, quote_after;
	u16 inport, extport;
} icmp_error_cases[] = {
	{
		/* A port unreachable about a datagram that went out. */
		"udp port unreachable in", IPPROTO_UDP, ICMP_DEST_UNREACH,
		ICMP_PORT_UNREACH, false,
		{ "198.51.100.7", 1999, "203.0.113.9", 53 },
		{ "203.0.113.9", 0, "100.64.0.2", 0 },
		{ "100.64.0.2", 40000, "203.0.113.9", 53 }, 40000, 1999,
	}, {
		/* An inside host refusing a segment that came in. */
		"tcp port unreachable out", IPPROTO_TCP, ICMP_DEST_UNREACH,
		ICMP_PORT_UNREACH, true,
		{ "203.0.113.9", 443, "100.64.0.2", 40000 },
		{ "198.51.100.7", 0, "203.0.113.9", 0 },
		{ "203.0.113.9", 443, "198.51.100.7", 1999 }, 40000, 1999,
	}, {
		/* A router's time exceeded about an echo request. */
		"echo time exceeded in", IPPROTO_ICMP, ICMP_TIME_EXCEEDED,
		ICMP_EXC_TTL, false,
		{ "198.51.100.7", 31000, "203.0.113.9", 0 },
		{ "192.0.2.1", 0, "100.64.0.2", 0 },
		{ "100.64.0.2", 777, "203.0.113.9", 0 }, 777, 31000,
	},
};

static void icmp_error_translation(struct kunit *test)
{
	const struct icmp_error_case *c;
	struct knat_net *kn;
	struct sk_buff *skb;
	struct knat_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(icmp_error_cases); i++) {
		c = &icmp_error_cases[i];
		kn = knat_test_net_empty(test);
		skb = craft(test, c->proto, c->quote.src, c->quote.sport,
			    c->quote.dst, c->quote.dport);
		skb = craft_error(test, skb, c->outbound ? "100.64.0.2" :
				  c->outer.src, c->outbound ? c->outer.dst :
				  "198.51.100.7", c->type, c->code);
		KUNIT_ASSERT_EQ_MSG(test, knat_parse(skb, c->outbound, &pkt), 0,
				    "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, pkt.key.lport,
				    htons(c->outbound ? c->inport : c->extport),
				    "%s: the key is the flow's", c->name);
		KUNIT_EXPECT_EQ_MSG(test,
				    translate_error(test, kn, skb, c->outbound,
						    "100.64.0.2", c->inport,
						    "198.51.100.7", c->extport),
				    NF_ACCEPT, "%s", c->name);
		KUNIT_EXPECT_EQ(test, ip_hdr(skb)->saddr,
				knat_test_addr(c->outer.src));
		KUNIT_EXPECT_EQ(test, ip_hdr(skb)->daddr,
				knat_test_addr(c->outer.dst));
		expect_quote(test, skb, &c->quote_after);
		error_checksums_valid(test, skb);
		KUNIT_EXPECT_EQ(test,
				knat_test_stat(kn, KNAT_STAT_XLATE_ICMP_ERR), 1);
		kfree_skb(skb);
		knat_test_net_free(kn);
	}
}

/* A quoted TCP header cut at 8 bytes: ports rewritten, no checksum to
 * update, the ICMP checksum still right.
 */
static void icmp_error_short_quote(struct kunit *test)
{
	struct knat_net *kn = knat_test_net_empty(test);
	struct sk_buff *skb;
	unsigned int len;

	skb = craft(test, IPPROTO_TCP, "198.51.100.7", 1999, "203.0.113.9", 443);
	skb_trim(skb, sizeof(struct iphdr) + KNAT_ICMP_QUOTE);
	skb = craft_error(test, skb, "203.0.113.9", "198.51.100.7",
			  ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED);
	len = skb->len;
	KUNIT_EXPECT_EQ(test, translate_error(test, kn, skb, false, "100.64.0.2",
					      40000, "198.51.100.7", 1999),
			NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(ip_hdr(skb), ip_hdr(skb)->ihl), 0);
	KUNIT_EXPECT_EQ(test, l4_verify(skb), 0);
	kfree_skb(skb);
	knat_test_net_free(kn);
}

/* Quotes knat cannot trust are malformed, never translated. */
static void icmp_error_rejects_bad_quotes(struct kunit *test)
{
	unsigned int qoff = sizeof(struct iphdr) + sizeof(struct icmphdr);
	struct knat_pkt pkt;
	struct sk_buff *skb;
	struct iphdr *inner;
	int i;

	for (i = 0; i < 6; i++) {
		skb = craft(test, i == 4 ? IPPROTO_ICMP : IPPROTO_UDP,
			    "198.51.100.7", 1999, "203.0.113.9", 53);
		if (i == 4)	/* an error about an error */
			icmp_hdr(skb)->type = ICMP_DEST_UNREACH;
		skb = craft_error(test, skb, "203.0.113.9", "198.51.100.7",
				  ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
		inner = (void *)ip_hdr(skb) + qoff;
		switch (i) {
		case 0:		/* less than 8 bytes of the transport header */
			skb_trim(skb, qoff + sizeof(*inner) + 4);
			break;
		case 1:		/* a broken quoted IP header checksum */
			inner->check ^= htons(1);
			break;
		case 2:		/* not the first fragment */
			inner->frag_off = htons(8);
			ip_send_check(inner);
			break;
		case 3:		/* not IPv4 */
			inner->version = 6;
			break;
		case 5:		/* a protocol knat never translates */
			inner->protocol = IPPROTO_GRE;
			ip_send_check(inner);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, knat_parse(skb, false, &pkt), -EINVAL,
				    "bad quote %d", i);
		kfree_skb(skb);
	}
}

/* A corrupted ICMP checksum: dropped and counted, nothing rewritten. */
static void icmp_error_bad_checksum(struct kunit *test)
{
	struct knat_net *kn = knat_test_net_empty(test);
	struct sk_buff *skb;

	skb = craft(test, IPPROTO_UDP, "198.51.100.7", 1999, "203.0.113.9", 53);
	skb = craft_error(test, skb, "203.0.113.9", "198.51.100.7",
			  ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	icmp_hdr(skb)->checksum ^= htons(0x100);
	KUNIT_EXPECT_EQ(test, translate_error(test, kn, skb, false, "100.64.0.2",
					      40000, "198.51.100.7", 1999),
			NF_DROP);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->daddr, knat_test_addr("198.51.100.7"));
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_DROP_MALFORMED), 1);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_XLATE_ICMP_ERR), 0);
	kfree_skb(skb);
	knat_test_net_free(kn);
}

/*
 * RFC 4787 REQ-12b: with icmp-error-filtering, an error about a flow to
 * 203.0.113.9 is taken from 203.0.113.9, not from a router on the way.
 */
static void icmp_error_filter_by_source(struct kunit *test)
{
	static const char *const from[] = { "203.0.113.1", "203.0.113.9" };
	struct knat_session *s = bare_session(test, "198.51.100.7");
	struct knat_net *kn = knat_test_net_empty(test);
	struct knat_pkt pkt;
	struct sk_buff *skb;
	int i;

	s->in = knat_test_tuple(IPPROTO_UDP, "100.64.0.2", 40000,
				"203.0.113.9", 53);
	s->ext_port = htons(1999);
	kn->cfg.icmp_filter = 1;
	for (i = 0; i < ARRAY_SIZE(from); i++) {
		skb = craft(test, IPPROTO_UDP, "198.51.100.7", 1999,
			    "203.0.113.9", 53);
		skb = craft_error(test, skb, from[i], "198.51.100.7",
				  ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
		KUNIT_ASSERT_EQ(test, knat_parse(skb, false, &pkt), 0);
		KUNIT_EXPECT_EQ(test, knat_icmp_error(kn, skb, &pkt, s, false, true),
				i ? NF_ACCEPT : NF_DROP);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_DROP_FILTERED), 1);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_XLATE_ICMP_ERR), 1);
	knat_test_net_free(kn);
}

/* Hold the SYN from @src:@sport to 198.51.100.1:@dport. */
static void syn_hold(struct kunit *test, struct knat_net *kn, const char *src,
		     u16 sport, u16 dport)
{
	struct sk_buff *skb = craft(test, IPPROTO_TCP, src, sport,
				    "198.51.100.1", dport);
	struct knat_pkt pkt;

	KUNIT_ASSERT_EQ(test, knat_parse(skb, false, &pkt), 0);
	knat_syn_hold(kn, skb, &pkt.key);
	kfree_skb(skb);
}

/*
 * RFC 5382 REQ-4: unsolicited SYNs are held once each, up to a bound; the
 * inside host's SYN of the same connection forgets its own; the rest are
 * due after 6 s, a bounded number per call.
 */
static void syn_hold_match_expire(struct kunit *test)
{
	struct knat_net *kn = knat_test_net(test, "198.51.100.0", 30, 1024, 65535);
	struct knat_session *s = bare_session(test, "198.51.100.1");
	unsigned long now = jiffies;
	int i;

	s->in = knat_test_tuple(IPPROTO_TCP, "100.64.0.2", 40000,
				"203.0.113.2", 7200);
	s->ext_port = htons(6000);
	syn_hold(test, kn, "203.0.113.2", 7100, 5555);
	syn_hold(test, kn, "203.0.113.2", 7100, 5555);	/* retransmitted */
	syn_hold(test, kn, "203.0.113.2", 7200, 6000);
	syn_hold(test, kn, "203.0.113.3", 7300, 5555);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), 3);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_SYN_HELD), 3);

	/* The inside host opens 203.0.113.2:7200 <-> 198.51.100.1:6000. */
	knat_syn_matched(kn, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), 2);
	knat_syn_matched(kn, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), 2);

	KUNIT_EXPECT_FALSE(test, knat_syn_expire(kn, now + 5 * HZ, 64));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), 2);
	KUNIT_EXPECT_TRUE(test, knat_syn_expire(kn, now + 7 * HZ, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), 1);
	KUNIT_EXPECT_FALSE(test, knat_syn_expire(kn, now + 7 * HZ, 64));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), 0);

	/* Bounded; and local policy keeps none (REQ-4a). */
	for (i = 0; i < KNAT_SYN_MAX + 8; i++)
		syn_hold(test, kn, "203.0.113.2", 1024 + i, 5555);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), KNAT_SYN_MAX);
	KUNIT_EXPECT_TRUE(test, knat_syn_expire(kn, now + 60 * HZ, 64));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), KNAT_SYN_MAX - 64);
	kn->cfg.syn_unreach = 0;
	syn_hold(test, kn, "203.0.113.9", 7100, 5555);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->syn.n), KNAT_SYN_MAX - 64);
	KUNIT_EXPECT_EQ(test, knat_test_stat(kn, KNAT_STAT_SYN_UNREACH), 0);
	knat_test_net_free(kn);		/* frees the rest */
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
	KUNIT_CASE(icmp_error_translation),
	KUNIT_CASE(icmp_error_short_quote),
	KUNIT_CASE(icmp_error_rejects_bad_quotes),
	KUNIT_CASE(icmp_error_bad_checksum),
	KUNIT_CASE(icmp_error_filter_by_source),
	KUNIT_CASE(syn_hold_match_expire),
	{}
};

static struct kunit_suite knat_xlate_suite = {
	.name = "knat_xlate",
	.test_cases = knat_xlate_cases,
	.suite_init = knat_test_suite_init,
	.suite_exit = knat_test_suite_exit,
};

kunit_test_suite(knat_xlate_suite);
