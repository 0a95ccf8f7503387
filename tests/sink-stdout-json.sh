#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# stdout format json: every stdout line is a JSON object (events, then one summary
# object per rule) and the text summary moves to stderr, so stdout stays parseable.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
outputs:
  stdout: { type: stdout, format: json }
rules:
  - name: execs
    probe: execve
    filter: { comm: [rt-json] }
  - name: calls
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-json-sys] }
YAML
rt_start "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-json --exec 2 -- /bin/echo "a\"b" || fail "workload"
"$WORKLOAD" --comm rt-json-sys --getppid 25 || fail "workload"
sleep 0.2
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
grep -q "^--- ruletrace summary ---" "$TMP/err" || fail "text summary not on stderr"
python3 - "$TMP/out" <<'PY' || fail "stdout is not the JSON lines expected"
import json, sys
objs = [json.loads(line) for line in open(sys.argv[1])]
execs = [o for o in objs if o.get("event") == "exec"]
assert len(execs) == 2 and all(o["argv"] == ["/bin/echo", 'a"b'] for o in execs), execs
calls = [o for o in objs if o.get("event") == "syscall"]
# 25 getppid and one exit_group, each one event with the syscall's name
assert [o["syscall"] for o in calls] == ["getppid"] * 25 + ["exit_group"], calls
assert all(o["comm"] == "rt-json-sys" and o["pid"] == o["tid"] for o in calls)
summ = {o["rule"]: o for o in objs if o.get("event") == "summary"}
assert summ["execs"]["delivered"] == 2 and summ["calls"]["delivered"] == 26, summ
print("ok: stdout JSON lines exact")
PY
