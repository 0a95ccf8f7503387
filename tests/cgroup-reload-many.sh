#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Reloads (SIGHUP) with many cgroups in the cgroup filter (issue 14): 3000
# cgroups named after one unit (under 3000 parents), 3000 rt_cgroup_filter entries
# in each filter set. The idle set is emptied before it is filled (loader.c
# clear_set, once one pass per entry removed: seconds a reload). After three
# reloads the filter is whole: a process in one of them is counted exactly. The
# time each reload took is printed (a figure, not a verdict).
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgrm-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T" || fail mkdir
for i in $(seq 1 3000); do
	mkdir -p "$CG$T/p$i/rt-cgrm.service" || fail "mkdir $i"
done
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: c
    probe: sys_enter
    mode: count
    filter: { unit: [rt-cgrm.service], syscalls: [getppid] }
YAML
rt_start "$TMP/rules.yaml"
for k in 1 2 3; do
	t0=$(date +%s%N)
	hup "reloaded"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "reload $k with 3000 cgroups in the filter: $ms ms"
done
in_cgroup "$CG$T/p7/rt-cgrm.service" "$WORKLOAD" --comm rt-cgrm --getppid 50 || fail workload
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
grep -q "syscalls counted: 50 " "$TMP/out" || { cat "$TMP/out"; fail "count after the reloads"; }
echo "ok: three reloads, the filter whole"
