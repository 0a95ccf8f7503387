#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The loops over rule bits as kernels before 5.17 run them (unrolled, without
# bpf_loop): the counting, filtering and JSON summary tests again, figures exact.
. "$srcdir/lib.sh"
need_root
export RULETRACE_NO_BPF_LOOP=1
for t in trace-count trace-filter summary-json run-limits; do
	bash "$srcdir/$t.sh" >"$TMP/$t.log" 2>&1 || { cat "$TMP/$t.log"; fail "$t without bpf_loop"; }
	echo "ok: $t without bpf_loop"
done
