// SPDX-License-Identifier: GPL-2.0
/* natctl and knat-pcpd: entering a network namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "netns.h"
#include "parse.h"

int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open network namespace \"%s\": %s\n",
			prog_name, name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "%s: cannot enter network namespace \"%s\": %s\n",
			prog_name, name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
