#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# pid include, comm exclude and several rules on one probe, all in the kernel.
. "$srcdir/lib.sh"
need_root

mkfifo "$TMP/go"
# A process whose pid is known before it runs the workload (exec keeps the pid).
( read -r _ <"$TMP/go"; exec "$WORKLOAD" --comm rt-pid --getppid 4000 ) &
target=$!

cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: by-pid
    probe: sys_enter
    filter: { pid: [$target] }
  - name: not-excluded
    probe: sys_enter
    filter: { comm: [rt-pid, rt-excl], exclude_comm: [rt-excl] }
  - name: exclude-only
    probe: sys_enter
    filter: { exclude_pid: [$target] }
summary: { top: 1000 }
YAML

rt_start "$TMP/rules.yaml"
echo go >"$TMP/go"
wait "$target" || fail "target workload failed"
"$WORKLOAD" --comm rt-pid --getppid 300
"$WORKLOAD" --comm rt-excl --getppid 300
rt_stop TERM

cat "$TMP/out"
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "by-pid rt-pid (only the target pid)" "$(summary_count by-pid rt-pid)" 4001
expect_eq "by-pid rt-excl" "$(summary_count by-pid rt-excl)" 0
expect_eq "not-excluded rt-pid (both pids)" "$(summary_count not-excluded rt-pid)" 4302
expect_eq "not-excluded rt-excl" "$(summary_count not-excluded rt-excl)" 0
expect_eq "exclude-only rt-pid (other pid only)" "$(summary_count exclude-only rt-pid)" 301
expect_eq "exclude-only rt-excl" "$(summary_count exclude-only rt-excl)" 301
