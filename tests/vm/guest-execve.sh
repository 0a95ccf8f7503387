#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Inside a kernel that has kprobes: attach auto picks the kprobe, attach kprobe and
# attach tracepoint both work, and each counts execs exactly; the program
# filter (the name a successful exec gives) works on each.
. "$srcdir/lib.sh"
need_root

for mode in auto kprobe tracepoint; do
	cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: execs
    probe: execve
    attach: $mode
    filter: { comm: [rt-vm-exec] }
  - name: true-runs
    probe: execve
    attach: $mode
    filter: { comm: [rt-vm-exec, rt-vm-other], program: ["true"] }
    outputs: [progs]
  - name: not-true
    probe: execve
    attach: $mode
    filter: { comm: [rt-vm-other], exclude_program: ["true"] }
    outputs: [others]
outputs:
  progs: { type: json, path: $TMP/progs.json }
  others: { type: json, path: $TMP/others.json }
YAML
	rt_start "$TMP/rules.yaml"
	"$WORKLOAD" --comm rt-vm-exec --exec 3 -- /bin/true a "b c" || fail "$mode: workload"
	"$WORKLOAD" --comm rt-vm-other --exec 2 -- /bin/true || fail "$mode: workload"
	"$WORKLOAD" --comm rt-vm-other --exec 1 -- /bin/echo >/dev/null || fail "$mode: workload"
	sleep 0.5
	rt_stop INT
	cat "$TMP/err"
	expect_eq "$mode: exit status" "$RT_STATUS" 0
	case $mode in
	tracepoint) want="execve: tracepoint syscalls:sys_enter_execve (asked for)" ;;
	*) want="execve: kprobe (ksyscall execve)" ;;
	esac
	grep -qF "ruletrace: $want" "$TMP/err" || fail "$mode: attached otherwise"
	# COMM, then PCOMM (the parent: the workload, by the same name) and RESULT.
	expect_eq "$mode: exec lines" \
		"$(grep -cE ' rt-vm-exec +rt-vm-exec +ok +/bin/true /bin/true a "b c"$' "$TMP/out")" 3
	grep -q "^execs: 6$" "$TMP/out" || fail "$mode: summary execs"
	expect_eq "$mode: execs of true" "$(grep -c '"filename":"/bin/true"' "$TMP/progs.json")" 5
	expect_eq "$mode: execs of true, all" "$(grep -c '"event":"exec"' "$TMP/progs.json")" 5
	expect_eq "$mode: execs of others" "$(grep -c '"filename":"/bin/echo"' "$TMP/others.json")" 1
	expect_eq "$mode: execs of others, all" "$(grep -c '"event":"exec"' "$TMP/others.json")" 1
	echo "ok: attach $mode"
done
