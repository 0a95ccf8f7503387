#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Reloads (SIGHUP) that add and remove cgroup filters (issue 14), exact counts:
# 1. A rule without cgroup keys (the cgroup programs detached), a cgroup made then,
#    a reload that names it: matched (by the reload's walk).
# 2. A count rule grouped by cgroup, its filter widened from A to A and B, then
#    narrowed to B: the rule is changed, its counts kept, per cgroup.
# 3. A cgroup made after the last reload, named by the rule: matched at mkdir.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgrl-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T/a" "$CG$T/b" || fail mkdir
rules() {	# rules CGROUPS-OF-R [CGROUPS-OF-L]
	cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: r
    probe: sys_enter
    mode: count
    group_by: [cgroup]
    filter: { cgroup: [$1], syscalls: [getppid] }
  - name: l
    probe: sys_enter
    mode: count
    filter: { ${2:+cgroup: [$2], }syscalls: [getppid], comm: [rt-cgrl-l] }
YAML
}
run_in() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$1" "$WORKLOAD" --comm "$3" \
		--getppid "$2" || fail "workload in $1"
}
rules "$T/a"
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
run_in "$T/a" 100 rt-cgrl
run_in "$T/b" 1 rt-cgrl
run_in / 5 rt-cgrl-l
mkdir "$CG$T/l1"
rules "$T/a, $T/b" "$T/l1"
hup "reloaded"
grep -q "reload: +0 -0 ~2 rules, counts kept for 2" "$TMP/err" || { cat "$TMP/err"; fail "reload line"; }
run_in "$T/a" 50 rt-cgrl
run_in "$T/b" 200 rt-cgrl
run_in "$T/l1" 30 rt-cgrl-l
run_in / 6 rt-cgrl-l
rules "$T/b" "$T/l1, $T/l2"
hup "reloaded"
mkdir "$CG$T/l2"
run_in "$T/a" 7 rt-cgrl
run_in "$T/b" 9 rt-cgrl
run_in "$T/l2" 40 rt-cgrl-l
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" "$T" <<'PY' || { cat "$TMP/err"; fail "figures"; }
import json, sys
tmp, T = sys.argv[1:]
r = {x["name"]: x for x in json.load(open(f"{tmp}/s.json"))["rules"]}
got = {c["cgroup"]: c["count"] for c in r["r"]["counts"]}
assert got == {f"{T}/a": 150, f"{T}/b": 209}, got
# l: 5 before any cgroup key, then 30 in l1 (not the 6 in /), 40 in l2
assert r["l"]["events"] == 75, r["l"]
print("ok: counts kept per cgroup across widen and narrow; cgroups named by reloads matched")
PY
