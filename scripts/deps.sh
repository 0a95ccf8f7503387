#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# deps.sh: install what building and testing ruletrace needs on Debian 12 (as root).
# Runs apt-get update once per machine (a stamp in /var/lib/apt/lists) and installs
# only what is missing, so a second run costs a second or two.
set -eu

pkgs="build-essential autoconf automake libtool pkg-config clang llvm bpftool
libbpf-dev libelf-dev zlib1g-dev libyaml-dev check python3 mandoc man-db strace"
# --test: the test suite's tools too (prometheus and prometheus-node-exporter
# may start services of their own where systemd runs: the tests start their own,
# on free loopback ports, and never use those); --bench: the peers bench/run.py
# measures ruletrace against (it skips, with a note, any that is missing).
case "${1:-}" in
--test) pkgs="$pkgs rsyslog jq valgrind qemu-system-x86 busybox-static cpio curl xz-utils libclang-rt-14-dev
	prometheus prometheus-node-exporter" ;;
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
stamp=/var/lib/apt/lists/.ruletrace-updated
if [ ! -e "$stamp" ]; then
	apt-get update -qq
	touch "$stamp"
fi
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
