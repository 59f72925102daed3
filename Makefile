# SPDX-License-Identifier: GPL-2.0
#
# make            knat.ko (for KDIR) and natctl
# make install    install both on this router (modules_install + depmod)
# make demo       NAT two subscribers' traffic in a VM on Debian's kernel
# make check      every test, on the stock and the debug kernel
# make conformance  the RFC requirements, each with its verdict (the tests
#                 run in a stock-kernel VM; writes Documentation/conformance.rst)
# make robustness  the hostile-traffic suite at full size (in a stock-kernel
#                 VM; writes Documentation/robustness.rst)
# make bench      benchmarks (see Documentation/)

# The running kernel's build tree; where there is none (a build machine or
# a container), the newest installed Debian linux-headers-*-amd64.
KVER ?= $(shell if [ -e /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
	sed 's|.*/linux-headers-||' | sort -V | tail -n1; fi)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build /usr/src/linux-headers-$(KVER)))
BUILD ?= build
PREFIX ?= /usr/local

SRCS := Kbuild $(wildcard kmod/*.[ch] kmod/tests/*.[ch]) uapi/linux/knat.h
NATCTL := tools/natctl/natctl
FLOOD := $(BUILD)/flood
REPLAY := $(BUILD)/replay

.PHONY: all module natctl module-debug install check conformance robustness demo bench clean

all: module natctl $(FLOOD) $(REPLAY)

module: $(BUILD)/stock/knat.ko

$(BUILD)/stock/knat.ko: $(SRCS)
	@test -n "$(KDIR)" || { echo "no kernel headers: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	tools/build-module.sh $(KDIR) $(BUILD)/stock

natctl: $(NATCTL)

$(NATCTL): $(wildcard tools/natctl/*.[ch]) uapi/linux/knat.h
	$(MAKE) -C tools/natctl

# The selftests' packet sender.
$(FLOOD): tools/flood/flood.c tools/flood/csum.h
	@mkdir -p $(BUILD)
	$(CC) -O2 -Wall -Wextra -o $@ $<

# The malformed-packet test's replayer and counter.
$(REPLAY): tools/flood/replay.c tools/flood/csum.h
	@mkdir -p $(BUILD)
	$(CC) -O2 -Wall -Wextra -o $@ $<

# knat.ko with its KUnit suites, for the debug kernel (built on demand and
# cached outside the repository), and without them, for the tests that
# load it again and again.
module-debug:
	tools/build-module.sh "$$(tools/vm/build-debug-kernel.sh)" $(BUILD)/debug KNAT_KUNIT=y
	tools/build-module.sh "$$(tools/vm/build-debug-kernel.sh)" $(BUILD)/debug-plain

install: all
	$(MAKE) -C $(KDIR) M=$(abspath $(BUILD)/stock) modules_install
	depmod -a $(KVER)
	install -D -m 0755 $(NATCTL) $(DESTDIR)$(PREFIX)/sbin/natctl
	install -D -m 0755 tools/natctl/knat-pcpd $(DESTDIR)$(PREFIX)/sbin/knat-pcpd
	install -D -m 0644 Documentation/natctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/natctl.8
	install -D -m 0644 Documentation/knat-pcpd.8 $(DESTDIR)$(PREFIX)/share/man/man8/knat-pcpd.8

check: all module-debug
	tools/check.sh

conformance: all
	tools/conformance.sh

robustness: all
	tools/robustness.sh

demo:
	tools/demo.sh

bench: all
	tools/bench/run.sh

clean:
	rm -rf $(BUILD)
	$(MAKE) -C tools/natctl clean
