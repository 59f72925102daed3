/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NATCTL_NETNS_H
#define NATCTL_NETNS_H

/* Enter network namespace @name (as ip netns names it, or a path): 0, or -1
 * with the reason on stderr.
 */
int enter_netns(const char *name);

#endif
