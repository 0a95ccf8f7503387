#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# quickstart.sh: on a fresh Debian 12 machine, as root: install the build
# dependencies, build, and run ruletrace on its built-in default rules.
# Arguments are passed to ruletrace (for example: --duration 10s).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
exec ./ruletrace "$@"
