#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# deps.sh: install what building and testing ruletrace needs on Debian 12 (as root).
# Runs apt-get update once per machine and set of architectures (a stamp in
# /var/lib/apt/lists) and installs only what is missing, so a second run costs a
# second or two.
set -eu

# The unit test checks every supported architecture's syscall table: the other
# one's kernel headers, from the cross package any architecture can install.
case $(dpkg --print-architecture) in
arm64) other_headers=linux-libc-dev-amd64-cross ;;
*) other_headers=linux-libc-dev-arm64-cross ;;
esac
pkgs="build-essential autoconf automake libtool pkg-config clang llvm bpftool
libbpf-dev libelf-dev zlib1g-dev libyaml-dev check python3 mandoc man-db strace
$other_headers"
# --test: the test suite's tools too (prometheus and prometheus-node-exporter may
# start services of their own where systemd runs: the tests start their own, on
# free loopback ports, and never use those), and on amd64 the arm64 cross build
# and its emulator for make check-vm-arm64 (the arm64 architecture added to dpkg;
# the guest's busybox, bash and setpriv are downloaded by tests/vm/fetch-userland.sh,
# since installing busybox-static:arm64 would replace this machine's own); --bench:
# the peers bench/run.py measures ruletrace against (it skips, with a note, any
# that is missing).
foreign=
case "${1:-}" in
--test)
	pkgs="$pkgs rsyslog jq valgrind qemu-system-x86 busybox-static cpio curl xz-utils libclang-rt-14-dev
prometheus prometheus-node-exporter"
	if [ "$(dpkg --print-architecture)" = amd64 ]; then
		foreign=arm64
		pkgs="$pkgs qemu-system-arm gcc-aarch64-linux-gnu pkgconf:arm64 libbpf-dev:arm64
libelf-dev:arm64 zlib1g-dev:arm64 libyaml-dev:arm64"
	fi
	;;
--bench) pkgs="$pkgs bpftrace libbpf-tools" ;;
esac

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
if [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
	dpkg --add-architecture "$foreign"
fi
# The stamp holds the foreign architectures apt's lists were fetched for: one added
# since needs its own lists.
stamp=/var/lib/apt/lists/.ruletrace-updated
archs=$(dpkg --print-foreign-architectures | sort | tr '\n' ' ')
if [ ! -e "$stamp" ] || [ "$(cat "$stamp")" != "$archs" ]; then
	apt-get update -qq
	echo "$archs" >"$stamp"
fi
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
