#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# check.sh: on a fresh Debian 12 machine, as root: install the dependencies, build,
# and run the whole test suite: unit and root integration tests on this kernel,
# the same tests inside Debian's own kernel under QEMU (the kprobe path), distcheck.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --test
autoreconf -fi
./configure
make -j"$(nproc)"
if ! make -j"$(nproc)" check; then
	cat test-suite.log 2>/dev/null || true
	exit 1
fi
make check-vm
make -j"$(nproc)" distcheck
