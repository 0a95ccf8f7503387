#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A cgroup path filter of the longest length allowed (255 bytes, the leading slash
# counted) against a sibling whose path is one byte longer and starts with it
# (its name is the rule's last component and one byte more). The sibling is not
# the rule's cgroup nor below it: not counted by the include rule, counted by the
# rule that excludes only the named cgroup; whether it was made before the start
# (matched by user space's scan) or during the run (rt_cgroup_mkdir, which reads
# at most 255 bytes of the new cgroup's path).
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cglp-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT

n=$((255 - ${#T} - 1))
P=$T/$(printf 'p%.0s' $(seq 1 "$n"))
[ "${#P}" = 255 ] || fail "path length ${#P}"
mkdir -p "$CG$P" "$CG${P}e" || fail "mkdir"
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: exact
    probe: sys_enter
    mode: count
    filter: { cgroup: [$P], syscalls: [getppid] }
  - name: all-but
    probe: sys_enter
    mode: count
    filter: { cgroup: [$T], exclude_cgroup: [$P], syscalls: [getppid] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
mkdir "$CG${P}l" || fail "mkdir late sibling"
run_in() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$1" "$WORKLOAD" --comm rt-cglp \
		--getppid "$2" || fail "workload in $1"
}
run_in "$P" 100		# the rule's cgroup
run_in "${P}e" 20	# a sibling made before the start
run_in "${P}l" 3	# a sibling made during the run
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
got=$(python3 -c 'import json,sys; r={x["name"]: x["events"] for x in json.load(open(sys.argv[1]))["rules"]}; print(r["exact"], r["all-but"])' "$TMP/s.json")
expect_eq "255-byte rule path: its cgroup only; its longer siblings are not it" "$got" "100 23"
