#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# follow: a pid and its descendants, tracked in the kernel from fork: the execs of
# a listed process, its child and its grandchildren, and none of an unrelated one.
. "$srcdir/lib.sh"
need_root

mkfifo "$TMP/go"
# target (listed) execs workload; its child execs workload; 3 grandchildren exec true.
( read -r _ <"$TMP/go"; exec "$WORKLOAD" --exec 1 -- "$WORKLOAD" --exec 3 -- /bin/true ) &
target=$!
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: tree
    probe: execve
    filter: { pid: [$target], follow: true }
YAML
rt_start "$TMP/rules.yaml"
grep -q "follow: raw_tracepoint sched_process_fork" "$TMP/err" || fail "follow not attached"
"$WORKLOAD" --exec 2 -- /bin/true	# unrelated: not followed
echo go >"$TMP/go"
wait "$target" || fail "target tree failed"
sleep 0.2
rt_stop INT
cat "$TMP/out"
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "target's own exec" "$(awk -v p="$target" '$2 == "tree" && $3 == p' "$TMP/out" | wc -l)" 1
expect_eq "grandchildren's execs of /bin/true" "$(grep -cE ' /bin/true /bin/true$' "$TMP/out")" 3
grep -q "^execs: 5$" "$TMP/out" || fail "want 5 execs from the tree (1 + 1 + 3)"
