#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# quickstart.sh: on a fresh Debian 12 machine, as root: install the build
# dependencies, build in build/, and run ruletrace on its built-in default rules.
# Arguments are passed to ruletrace (for example: --duration 10s).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || autoreconf -fi
# A tree configured in place (older instructions) blocks builds in build/.
[ -f config.status ] && make distclean >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)"
exec ./ruletrace "$@"
