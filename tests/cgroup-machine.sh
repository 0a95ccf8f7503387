#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# container: with machine names (systemd-nspawn, libvirt), per ruletrace-rules(5):
# a machine is machine-<name>.scope under machine.slice, and a container "started
# later ... is matched from its first process" (README), as ids are.
# 1. A machine scope made during the run is matched from its first process, as one
#    made before the start is.
# 2. machine-<name>.scope outside machine.slice is no machine (the labels say so:
#    container null): a container filter on that name does not take it.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgm-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT

mkdir -p "$CG$T/machine.slice/machine-rtearly$$.scope" "$CG$T/system.slice/machine-rtnot$$.scope"
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/e.jsonl }
rules:
  - name: machines
    probe: sys_enter
    mode: count
    group_by: [container]
    filter: { container: [rtearly$$, rtlate$$, rtnot$$], syscalls: [getppid] }
  - name: execs
    probe: execve
    filter: { cgroup: [$T/system.slice] }
    outputs: [j]
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
mkdir -p "$CG$T/machine.slice/machine-rtlate$$.scope"
run_in() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$1" "$WORKLOAD" --comm rt-cgm \
		--getppid "$2" || fail "workload in $1"
}
run_in "$T/machine.slice/machine-rtearly$$.scope" 100
run_in "$T/machine.slice/machine-rtlate$$.scope" 20
run_in "$T/system.slice/machine-rtnot$$.scope" 3
sleep 0.2
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" "$$" <<'PY' || fail "figures"
import json, sys
tmp, pid = sys.argv[1:]
s = json.load(open(f"{tmp}/s.json"))
r = {x["name"]: x for x in s["rules"]}
ev = [json.loads(l) for l in open(f"{tmp}/e.jsonl")]
ev = [e for e in ev if e.get("event") == "exec"]
assert ev and all(e["container"] is None for e in ev), ev  # the labels: no machine
got = {c["container"]: c["count"] for c in r["machines"]["counts"]}
want = {f"rtearly{pid}": 100, f"rtlate{pid}": 20}
assert got == want and r["machines"]["events"] == 120, (got, r["machines"]["events"])
print("ok: machines early 100 and late 20; a machine-*.scope outside machine.slice not one")
PY
