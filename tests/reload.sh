#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# SIGHUP: a reload that changes a rule's comm filter moves counting from one
# workload to another, keeps the rule's earlier counts, counts nothing for a rule
# it removed; an invalid reload keeps the running rules and says where it is wrong.
. "$srcdir/lib.sh"
need_root

rules() {	# rules COMM [EXTRA-RULE]
	cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: moving
    probe: sys_enter
    filter: { comm: [$1] }
$2
summary: { top: 100 }
YAML
}
rules rt-reload-a "  - { name: doomed, probe: sys_enter, filter: { comm: [rt-reload-a] } }"
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-reload-a --getppid 1000
"$WORKLOAD" --comm rt-reload-b --getppid 2000	# not counted yet

rules rt-reload-b
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do grep -q "reloaded" "$TMP/err" && break; sleep 0.05; done
grep -q "ruletrace: reloaded $TMP/rules.yaml: 1 rule" "$TMP/err" || fail "no reload message"
"$WORKLOAD" --comm rt-reload-a --getppid 4000	# no longer counted by anything
"$WORKLOAD" --comm rt-reload-b --getppid 3000

# An invalid file: the running rules stay.
printf 'version: 1\nrules:\n  - name: x\n    probe: nope\n' >"$TMP/rules.yaml"
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do grep -q "reload failed" "$TMP/err" && break; sleep 0.05; done
grep -q "ruletrace: reload: $TMP/rules.yaml:4:12: unknown probe 'nope'" "$TMP/err" ||
	{ cat "$TMP/err"; fail "invalid reload: no FILE:LINE:COLUMN error"; }
"$WORKLOAD" --comm rt-reload-b --getppid 500
rt_stop INT
cat "$TMP/out"
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP/s.json" <<'PY' || fail "counts across reloads"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["reload_count"] == 1 and len(s["reloads"]) == 1, s["reloads"]
rules = {r["name"]: r for r in s["rules"]}
assert list(rules) == ["moving"], list(rules)       # doomed was removed
counts = {c["comm"]: c["count"] for c in rules["moving"]["counts"]}
# rt-reload-a before the reload (kept), rt-reload-b after it and after the bad reload
assert counts == {"rt-reload-a": 1001, "rt-reload-b": 3001 + 501}, counts
print("ok: counts moved with the filter, carried over, none twice")
PY
