#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# sys_enter count mode against workloads whose syscall counts are known exactly:
# a comm-filtered rule and an unfiltered rule in one run.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - name: picked
    probe: sys_enter
    mode: count
    filter: { comm: [rt-count-a, rt-count-b] }
  - name: all
    probe: sys_enter
    mode: count
summary: { top: 1000 }
YAML

rt_start "$TMP/rules.yaml"
# Each workload makes N getppid calls and one exit_group under its name: N + 1.
"$WORKLOAD" --comm rt-count-a --getppid 200000
"$WORKLOAD" --comm rt-count-b --getppid 2500
"$WORKLOAD" --comm rt-count-c --getppid 777
rt_stop INT

cat "$TMP/out"
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "picked rt-count-a" "$(summary_count picked rt-count-a)" 200001
expect_eq "picked rt-count-b" "$(summary_count picked rt-count-b)" 2501
expect_eq "picked rt-count-c (filtered out)" "$(summary_count picked rt-count-c)" 0
expect_eq "all rt-count-a" "$(summary_count all rt-count-a)" 200001
expect_eq "all rt-count-c" "$(summary_count all rt-count-c)" 778
grep -q "^events lost: 0$" "$TMP/out" || fail "events lost is not 0"
grep -q "sys_enter: raw_tracepoint" "$TMP/err" || fail "attach line for sys_enter"
