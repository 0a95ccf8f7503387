#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Cgroup filters (issue 14) on a tree deeper than the 16 levels the kernel side
# looks at (rt_cgroup_verdict: ancestors 0 to 15, the root's first). Nothing in
# ruletrace-rules(5) limits how deep a cgroup may be, and cgroup v2 allows any
# depth (cgroup.max.depth is "max"), so a rule naming a cgroup at level 18 must
# count what runs in it and below, and an exclude_cgroup of it must leave that
# out; a rule file the kernel cannot match so would have to be refused, said.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgdeep-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT

# $T is level 1; $T/l2 level 2, ... $T/l2/.../l19 level 19.
deep=$T
for l in $(seq 2 19); do
	deep=$deep/l$l
	[ "$l" = 18 ] && d18=$deep
done
mkdir -p "$CG$deep" || fail "mkdir a 19-level tree"
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: deep
    probe: sys_enter
    mode: count
    filter: { cgroup: [$d18], syscalls: [getppid] }
  - name: but-deep
    probe: sys_enter
    mode: count
    filter: { cgroup: [$T], exclude_cgroup: [$d18], syscalls: [getppid] }
YAML
st=0
"$RULETRACE" --check "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" != 0 ]; then
	# Refused: fine, if it says why (the depth).
	grep -q -i -E 'level|deep|depth' "$TMP/err" || { cat "$TMP/err"; fail "refused, not saying why"; }
	echo "ok: refused at --check: $(head -n1 "$TMP/err")"
	exit 0
fi
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
# 300 in level 19 (below the level-18 cgroup), 40 in level 2 (above it).
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$deep" \
	"$WORKLOAD" --comm rt-cgdeep-19 --getppid 300 || fail "workload at level 19"
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$T/l2" \
	"$WORKLOAD" --comm rt-cgdeep-2 --getppid 40 || fail "workload at level 2"
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
got=$(python3 -c 'import json,sys; r={x["name"]: x["events"] for x in json.load(open(sys.argv[1]))["rules"]}; print(r["deep"], r["but-deep"])' "$TMP/s.json")
expect_eq "level-18 cgroup: counted in it, excluded from its parent's rule" "$got" "300 40"
