#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# execve stream: M execs with known filename and arguments, one line each, the
# right ppid, nothing from a filtered-out comm, and the counts in the summary.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - name: exec-watch
    probe: execve
    filter: { comm: [rt-exec] }
YAML

rt_start "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-exec --exec 7 -- /bin/echo hello "two words" "" &
wpid=$!
wait "$wpid" || fail "workload failed"
"$WORKLOAD" --comm rt-other --exec 3 -- /bin/echo nope
sleep 0.2
rt_stop INT

cat "$TMP/err" "$TMP/out"
expect_eq "exit status" "$RT_STATUS" 0
grep -q "^ruletrace: execve: " "$TMP/err" || fail "no attach line for execve"
lines=$(grep -c ' rt-exec ' "$TMP/out")
expect_eq "exec lines" "$lines" 7
want='/bin/echo /bin/echo hello "two words" ""'
good=$(awk -v ppid="$wpid" '$2 == "exec-watch" && $4 == ppid && $5 == 0 && $6 == "rt-exec"' \
	"$TMP/out" | grep -cF -- "$want")
expect_eq "exec lines with ppid, uid, comm, filename and args" "$good" 7
expect_eq "lines from rt-other" "$(grep -c 'rt-other' "$TMP/out")" 0
grep -q "^execs: 7$" "$TMP/out" || fail "summary execs"
grep -q "events: 7 delivered, 0 lost in kernel" "$TMP/out" || fail "summary events"
