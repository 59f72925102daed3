#!/bin/bash
# Install the Debian packages knat's build, VM and tests need (root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	build-essential linux-headers-amd64 linux-image-amd64 linux-source-6.1 \
	qemu-system-x86 busybox-static libmnl-dev pkg-config kmod cpio \
	iproute2 nftables iputils-ping jq python3 python3-scapy util-linux \
	bc flex bison libelf-dev libssl-dev xz-utils >/dev/null
