#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A reload that fails leaves nothing behind (ruletrace(8) SIGHUP: "Otherwise
# nothing the run uses is touched: outputs opened for the failed reload are
# closed"). But the ring buffers it made for its new stream rules (loader.c
# install_rings, the first step of an apply) stay made: in rt_rings, open and
# mapped, their memory locked in the kernel (a ring of size bytes costs size
# bytes) for as long as ruletrace runs or until a later rule on that slot is
# given another size. An operator whose reload of 64 rules of 64M failed (memory
# cgroup full at rule 16) keeps 15 x 64M = 960 MiB charged and the next reload
# fails for want of it.
# Oracle: RULETRACE_TEST_FAULT=reload-apply fails every reload after the rings
# are made; a reload that would add a rule with a 64M ring fails, and then
# ruletrace holds no 64M ring (neither a map descriptor, in /proc/PID/fdinfo, nor
# its mapping, in /proc/PID/maps).
. "$srcdir/lib.sh"
need_root
SIZE=$((64 * 1024 * 1024))

rules() {
	printf 'version: 1\nrules:\n' >"$TMP/rules.yaml"
	printf '  - { name: a, probe: sys_enter, mode: stream, filter: { comm: [rt-rfr-a] }, buffer_size: 64K }\n' >>"$TMP/rules.yaml"
	[ "${1:-}" ] && printf '  - { name: b, probe: sys_enter, mode: stream, filter: { comm: [rt-rfr-b] }, buffer_size: 64M }\n' >>"$TMP/rules.yaml"
	return 0
}


rules
RULETRACE_TEST_FAULT=reload-apply rt_start "$TMP/rules.yaml"
expect_eq "64M rings before the reload" "$(rings_of $SIZE)" 0
rules b
hup "reload failed"
grep -q "injected fault" "$TMP/err" || { cat "$TMP/err"; fail "the reload did not fail where injected"; }
held=$(rings_of $SIZE)
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "64M rings (descriptors and mappings) held after the failed reload" "$held" 0
