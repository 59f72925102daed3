// SPDX-License-Identifier: GPL-2.0
/*
 * knat: counters.  Per-CPU, incremented without locks on the packet path
 * and summed when read; the gauges come from the tables.
 */
#include "knat.h"
#include "table.h"

void knat_stats_read(struct knat_net *kn, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * __KNAT_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct knat_stats *st = per_cpu_ptr(kn->stats, cpu);

		for (i = 0; i < __KNAT_STAT_MAX; i++)
			out[i] += READ_ONCE(st->c[i]);
	}
	out[KNAT_STAT_MAPPINGS] = atomic_read(&kn->nmappings);
	out[KNAT_STAT_SESSIONS] = atomic_read(&kn->nsessions);
	out[KNAT_STAT_INDEX_BUCKETS] = knat_index_buckets(kn);
	out[KNAT_STAT_UNANSWERED] = READ_ONCE(kn->nunanswered);
}
