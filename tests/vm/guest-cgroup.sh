#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Inside Debian's kernels, with cgroup v2 as the one unified hierarchy at
# /sys/fs/cgroup (the host's CI machine is hybrid): the cgroup id helpers,
# bpf_get_current_ancestor_cgroup_id and the cgroup_mkdir/rmdir programs on this
# kernel. Nested cgroups counted exactly, a cgroup and a container made after the
# start matched from their first process. No python here: the text summary.
. "$srcdir/lib.sh"
need_root
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup ||
	fail "mount cgroup2"
CG=/sys/fs/cgroup
ID=$(printf '5eed%060d' 0 | tr 0 a)
mkdir -p $CG/vm/a/b
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - { name: parent, probe: sys_enter, mode: count, filter: { cgroup: [/vm/a], syscalls: [getppid] } }
  - { name: child, probe: sys_enter, mode: count, filter: { cgroup: [/vm/a/b], syscalls: [getppid] } }
  - name: parent-only
    probe: sys_enter
    mode: count
    filter: { cgroup: [/vm/a], exclude_cgroup: [/vm/a/b], syscalls: [getppid] }
  - { name: late, probe: sys_enter, mode: count, filter: { cgroup: [/vm/late], syscalls: [getppid] } }
  - name: ctr
    probe: sys_enter
    mode: count
    group_by: [container]
    filter: { container: [5eed], syscalls: [getppid] }
YAML
rt_start "$TMP/rules.yaml"
in_cgroup $CG/vm/a "$WORKLOAD" --comm rt-vm-a --getppid 300 || fail "in /vm/a"
in_cgroup $CG/vm/a/b "$WORKLOAD" --comm rt-vm-b --getppid 500 || fail "in /vm/a/b"
mkdir -p $CG/vm/late $CG/vm/docker-$ID.scope
in_cgroup $CG/vm/late "$WORKLOAD" --comm rt-vm-l --getppid 700
in_cgroup $CG/vm/docker-$ID.scope "$WORKLOAD" --comm rt-vm-c --getppid 130
rt_stop INT
rmdir $CG/vm/a/b $CG/vm/a $CG/vm/late $CG/vm/docker-$ID.scope $CG/vm
expect_eq "exit status" "$RT_STATUS" 0
cat "$TMP/out" "$TMP/err"
counted() {	# counted RULE: "syscalls counted" of RULE in the text summary
	awk -v r="$1:" '$1 == "rule" && $2 == r { getline; print $3; exit }' "$TMP/out"
}
expect_eq "parent (with its child)" "$(counted parent)" 800
expect_eq "child" "$(counted child)" 500
expect_eq "parent without its child" "$(counted parent-only)" 300
expect_eq "made after the start" "$(counted late)" 700
expect_eq "container made after the start" "$(counted ctr)" 130
grep -q "^ *130  $ID\$" "$TMP/out" || { cat "$TMP/out"; fail "container label"; }
echo "ok: cgroup v2 unified on $(uname -r): 800, 500, 300, 700, 130 exact"
