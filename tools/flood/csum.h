/* SPDX-License-Identifier: GPL-2.0 */
/* The Internet checksum (RFC 1071), for the selftests' packet tools. */
#ifndef FLOOD_CSUM_H
#define FLOOD_CSUM_H

#include <netinet/ip.h>
#include <stddef.h>
#include <stdint.h>

static inline uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* The folded complement, in network order. */
static inline uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* The transport checksum of @l4 (@len bytes) with its pseudo-header. */
static inline uint16_t l4_csum(const struct iphdr *ip, const void *l4,
			       size_t len)
{
	uint32_t sum = sum16(&ip->saddr, 8, 0);

	sum += ip->protocol + len;
	return fold(sum16(l4, len, sum));
}

#endif
