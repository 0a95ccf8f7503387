#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# With perf buffers (--perf-buffer, or a kernel before 5.8) "buffer_size is not
# used" (ruletrace(8) EVENT BUFFERS): every rule shares the one buffer. Yet a
# reload that changes only a rule's buffer_size treats the rule as replaced
# (plan.c: "another size is another ring"), as if a new ring were made: its
# counts start again at 0, its rate_limit bucket is full again, and the events it
# had matched and not yet delivered at the swap are counted lost (exit status 3).
# A reload storm that alternated one rule's buffer_size under --perf-buffer lost
# 530754 of 2000000 events that way.
# Oracle: --perf-buffer; 1000 getuid calls; a reload from buffer_size 64K to 128K;
# 1000 more: the reload keeps the rule's counts, 2000 matched and delivered, 0 lost.
. "$srcdir/lib.sh"
need_root

rules() {	# rules BUFFER_SIZE
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/j.jsonl }
rules:
  - name: a
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-pbsr], syscalls: [getuid] }
    buffer_size: $1
    outputs: [j]
YAML
}

rules 64K
rt_start --perf-buffer -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-pbsr --getuid 1000 || fail workload
sleep 0.2
rules 128K
hup "reloaded"
"$WORKLOAD" --comm rt-pbsr --getuid 1000 || fail workload
rt_stop INT
grep "^ruletrace: reload:" "$TMP/err"
grep -q "counts kept for 1" "$TMP/err" ||
	fail "--perf-buffer: a reload that changed only the unused buffer_size did not keep the rule's counts"
grep -qxF "  events: matched 2000, delivered 2000, suppressed 0, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "--perf-buffer: events line"; }
expect_eq "exit status" "$RT_STATUS" 0
