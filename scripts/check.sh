#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# check.sh: on a fresh Debian 12 machine, as root: install the dependencies and
# run the whole test suite: unit and root integration tests on this kernel, unit
# tests under valgrind, the tests inside Debian's own kernels under QEMU (the
# kprobe path): amd64, then arm64 (cross-built and emulated, about 90 s), the
# rule loader under libFuzzer (FUZZ_SECONDS, default 60), a soak under load
# (SOAK_SECONDS, default 20), distcheck, and unit and integration tests again
# built with ASan and UBSan.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --test
autoreconf -fi
[ -f config.status ] && make distclean >/dev/null

suite() {	# suite DIR [CONFIGURE-ARGS...]: configure in DIR and run make check
	dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && ../configure -q "$@" && make -j"$(nproc)" &&
		{ make -j"$(nproc)" check || { cat test-suite.log; exit 1; }; })
}

suite build --enable-werror
(cd build && make check-valgrind)
(cd build && make check-vm)
(cd build && make check-vm-arm64)
(cd build && make fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}")
(cd build && make soak SOAK_SECONDS="${SOAK_SECONDS:-20}")
(cd build && make -j"$(nproc)" distcheck)
suite build-asan --enable-sanitizers --enable-werror
echo "check.sh: every step passed"
