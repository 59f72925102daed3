// SPDX-License-Identifier: GPL-2.0
/*
 * knat: deterministic pools (RFC 7422).
 *
 * Each address of the inside prefix has its own external address and
 * range of ports, computed rather than allocated: the attribution of an
 * external endpoint needs no log, and the reverse lookup (whois) is
 * arithmetic.
 */
#include <linux/inetdevice.h>
#include "knat.h"
#include "det.h"

/*
 * A deterministic pool's share of subscriber i of the inside prefix: the
 * range of ports det_ports wide at position i % det_per_addr of pool
 * address i / det_per_addr.
 */
int knat_det_setup(struct knat_pool *pool, __be32 prefix, u8 plen)
{
	u32 subs = 1U << (32 - plen), span = (u32)pool->port_max -
					      pool->port_min + 1;

	if (!pool->naddrs)
		return -EINVAL;
	pool->det_prefix = prefix;
	pool->det_plen = plen;
	pool->det_per_addr = DIV_ROUND_UP(subs, pool->naddrs);
	pool->det_ports = span / pool->det_per_addr;
	return pool->det_ports ? 0 : -ERANGE;
}

void knat_det_range(const struct knat_pool *pool, __be32 inside, u32 *addr_idx,
		    u16 *lo, u16 *hi)
{
	u32 i = ntohl(inside) - ntohl(pool->det_prefix);

	*addr_idx = i / pool->det_per_addr;
	*lo = pool->port_min + (i % pool->det_per_addr) * pool->det_ports;
	*hi = *lo + pool->det_ports - 1;
}

bool knat_det_reverse(const struct knat_pool *pool, u32 addr_idx, u16 port,
		      __be32 *inside)
{
	u32 j, i;

	if (port < pool->port_min)
		return false;
	j = (port - pool->port_min) / pool->det_ports;
	if (j >= pool->det_per_addr)
		return false;
	i = addr_idx * pool->det_per_addr + j;
	if (pool->det_plen && i >> (32 - pool->det_plen))
		return false;
	*inside = htonl(ntohl(pool->det_prefix) + i);
	return true;
}

struct knat_pool_addr *knat_det_addr(struct knat_pool *pool, u32 idx)
{
	struct knat_range *range;

	list_for_each_entry_rcu(range, &pool->ranges, list) {
		if (idx < range->naddrs)
			return &range->addrs[idx];
		idx -= range->naddrs;
	}
	return NULL;
}

/**
 * knat_det_lookup - the external address and ports of an inside address
 * @pool: a deterministic pool
 * @inside: the inside address
 * @lo: set to its first port
 * @hi: set to its last port
 *
 * Return: the external address, or NULL when @inside is not the pool's.
 */
struct knat_pool_addr *knat_det_lookup(struct knat_pool *pool, __be32 inside,
				       u16 *lo, u16 *hi)
{
	u32 idx;

	if ((inside ^ pool->det_prefix) & inet_make_mask(pool->det_plen))
		return NULL;
	knat_det_range(pool, inside, &idx, lo, hi);
	return knat_det_addr(pool, idx);
}
