#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --summary-json against known counts: one comm's N getppid and M getuid split by
# syscall name, a uid filter and a syscall filter exact, and the schema's fields.
. "$srcdir/lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv not installed (util-linux)"

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - name: by-syscall
    probe: sys_enter
    group_by: [comm, syscall]
    filter: { comm: [rt-json-a] }
  - name: only-getppid
    probe: sys_enter
    group_by: [syscall]
    filter: { comm: [rt-json-a, rt-json-u], syscalls: [getppid] }
  - name: not-getppid
    probe: sys_enter
    filter: { comm: [rt-json-a], exclude_syscalls: [getppid, exit_group] }
  - name: uid-65534
    probe: sys_enter
    filter: { uid: [65534], comm: [rt-json-a, rt-json-u] }
  - name: not-root
    probe: sys_enter
    filter: { comm: [rt-json-a, rt-json-u], exclude_uid: [0] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-json-a --getppid 3000 --getuid 700
setpriv --reuid 65534 --regid 65534 --clear-groups "$WORKLOAD" --comm rt-json-u --getppid 500 ||
	fail "workload as uid 65534"
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP/s.json" <<'PY' || fail "summary JSON figures"
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("ruletrace", "kernel", "start", "end", "duration_s", "exit_status", "rules",
          "outputs", "lost", "reloads", "reload_count", "execs"):
    assert k in s, k
assert s["exit_status"] == 0 and s["lost"]["total"] == 0 and s["reload_count"] == 0
import os
assert s["arch"] == os.uname().machine, s["arch"]
r = {x["name"]: x for x in s["rules"]}
split = {(c["comm"], c["syscall"]): c["count"] for c in r["by-syscall"]["counts"]}
assert split == {("rt-json-a", "getppid"): 3000, ("rt-json-a", "getuid"): 700,
                 ("rt-json-a", "exit_group"): 1}, split
assert r["by-syscall"]["events"] == 3701 and r["by-syscall"]["group_by"] == ["comm", "syscall"]
assert r["only-getppid"]["counts"] == [{"syscall": "getppid", "count": 3500}], r["only-getppid"]
assert r["only-getppid"]["filter"]["syscalls"] == ["getppid"]
assert r["not-getppid"]["counts"] == [{"comm": "rt-json-a", "count": 700}], r["not-getppid"]
assert r["uid-65534"]["counts"] == [{"comm": "rt-json-u", "count": 501}], r["uid-65534"]
assert r["not-root"]["counts"] == [{"comm": "rt-json-u", "count": 501}], r["not-root"]
print("ok: counts split by syscall, syscall and uid filters exact")
PY
# The same object on stdout with -j -.
st=0
"$RULETRACE" -d 200ms -j - "$TMP/rules.yaml" 2>/dev/null | tail -1 | python3 -c \
	'import json,sys; assert json.loads(sys.stdin.read())["rules_file"].endswith("rules.yaml")' ||
	fail "-j - did not end stdout with the JSON object"
echo "ok: -j - writes the object to stdout"
