#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Last in the guest: the kernel is not tainted after every other guest test ran.
# A WARN from the kernel (a verifier's warning about a program, a map's misuse) or
# an oops taints it; the backtraces are in its log. Linux before 6.1 warned once,
# tainting the kernel, when a tracing program used a map that allocates its
# elements as it runs (rt_renamed did, until it was preallocated).
. "$srcdir/lib.sh"
need_root
taint=$(cat /proc/sys/kernel/tainted)
if [ "$taint" != 0 ]; then
	dmesg | grep -A30 -e 'cut here' -e 'BUG:' -e 'Oops' | head -120
	fail "kernel $(uname -r) tainted ($taint) by the guest tests"
fi
echo "ok: kernel $(uname -r) not tainted by the guest tests"
